package org.edgefleet.protocol.trust;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 public key with the role it is trusted for. Verification uses Bouncy Castle's
 * lightweight API because Android before API 33 has no Ed25519 in the platform.
 */
public final class PublicKey {

  public static final int LENGTH = 32;

  private final byte[] encoded;
  private final KeyRole role;
  private final String keyId;

  public PublicKey(byte[] encoded, KeyRole role) {
    if (encoded == null || encoded.length != LENGTH) {
      throw new IllegalArgumentException("an Ed25519 public key is " + LENGTH + " bytes");
    }
    this.encoded = encoded.clone();
    this.role = Objects.requireNonNull(role, "role must not be null");
    this.keyId = keyIdOf(this.encoded);
  }

  /** The key id: hex of the first 8 bytes of SHA-256 over the raw public key. */
  public static String keyIdOf(byte[] publicKey) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey);
      return Hex.encode(Arrays.copyOf(digest, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  public boolean verify(byte[] message, byte[] signature) {
    if (signature == null || signature.length != 64) {
      return false;
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(encoded, 0));
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }

  public byte[] encoded() {
    return encoded.clone();
  }

  public KeyRole role() {
    return role;
  }

  public String keyId() {
    return keyId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey k && Arrays.equals(encoded, k.encoded) && role == k.role;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded) * 31 + role.hashCode();
  }

  @Override
  public String toString() {
    return "PublicKey[" + keyId + ", " + role.wireName() + "]";
  }
}
