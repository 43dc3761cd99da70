package org.edgefleet.protocol.bundle;

/** The detached signature entry: Ed25519 over the exact bytes of {@code manifest.json}. */
public record BundleSignature(int v, String algorithm, String keyId, String signature) {

  public BundleSignature {
    if (v != 1 || !"ed25519".equals(algorithm) || keyId == null || signature == null) {
      throw new IllegalArgumentException("signature entry must be version 1, ed25519, with keyId and signature");
    }
  }
}
