package org.edgefleet.protocol.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.edgefleet.protocol.json.Json;

/**
 * A key set as it travels and is stored: the {@link KeySet}'s JSON text as a string, so the
 * signed bytes are exactly the bytes received, with root signatures over those bytes. Signatures
 * are added one at a time, so root key holders can sign on separate, offline machines.
 */
public record SignedKeySet(int v, String payload, List<Signature> signatures) {

  public static final int MAX_BYTES = 256 * 1024;
  public static final int MAX_SIGNATURES = 64;

  /** One root key's Ed25519 signature over the payload's UTF-8 bytes, in base64. */
  public record Signature(String keyId, String signature) {
    public Signature {
      if (keyId == null || signature == null) {
        throw new IllegalArgumentException("every key set signature needs keyId and signature");
      }
    }
  }

  public SignedKeySet {
    if (v != 1) {
      throw new IllegalArgumentException("signed key set v must be 1, was " + v);
    }
    if (payload == null) {
      throw new IllegalArgumentException("signed key set needs a payload");
    }
    signatures = signatures == null ? List.of() : List.copyOf(signatures);
    if (signatures.size() > MAX_SIGNATURES) {
      throw new IllegalArgumentException("signed key set carries " + signatures.size() + " signatures, at most " + MAX_SIGNATURES);
    }
  }

  /** A key set with no signature yet. */
  public static SignedKeySet unsigned(KeySet keySet) {
    return new SignedKeySet(1, new String(Json.write(keySet), StandardCharsets.UTF_8), List.of());
  }

  /** This key set with one more root signature; a second signature by the same key replaces the first. */
  public SignedKeySet signedBy(SigningKey root) {
    if (root.publicKey().role() != KeyRole.ROOT) {
      throw new IllegalArgumentException("key sets are signed with root keys; " + root + " is not one");
    }
    byte[] sig = root.sign(payload.getBytes(StandardCharsets.UTF_8));
    List<Signature> next = new ArrayList<>();
    for (Signature s : signatures) {
      if (!s.keyId().equals(root.keyId())) {
        next.add(s);
      }
    }
    next.add(new Signature(root.keyId(), Base64.getEncoder().encodeToString(sig)));
    return new SignedKeySet(v, payload, next);
  }

  /** The key set this document carries; its signatures are not checked here. */
  public KeySet keySet() throws KeySetException {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    if (body.length > MAX_BYTES) {
      throw new KeySetException(KeySetException.Reason.MALFORMED, "key set payload of " + body.length
          + " bytes exceeds the limit of " + MAX_BYTES);
    }
    try {
      return Json.mapper().readValue(body, KeySet.class);
    } catch (IOException | RuntimeException e) {
      throw new KeySetException(KeySetException.Reason.MALFORMED, "key set payload is invalid: " + rootMessage(e), e);
    }
  }

  /** The ids of the given root keys with a valid signature here, each counted once. */
  public Set<String> validSigners(List<PublicKey> roots) {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    Set<String> valid = new TreeSet<>();
    Set<String> rootIds = new HashSet<>();
    for (PublicKey r : roots) {
      rootIds.add(r.keyId());
    }
    for (Signature s : signatures) {
      if (!rootIds.contains(s.keyId()) || valid.contains(s.keyId())) {
        continue;
      }
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(s.signature());
      } catch (IllegalArgumentException e) {
        continue;
      }
      for (PublicKey r : roots) {
        if (r.keyId().equals(s.keyId()) && r.role() == KeyRole.ROOT && r.verify(body, raw)) {
          valid.add(s.keyId());
        }
      }
    }
    return valid;
  }

  /** Reads a signed key set document (a file or a message field), bounded in size. */
  public static SignedKeySet parse(byte[] json) throws KeySetException {
    if (json == null || json.length == 0 || json.length > MAX_BYTES + 64 * 1024) {
      throw new KeySetException(KeySetException.Reason.MALFORMED, "a signed key set is 1.." + (MAX_BYTES + 64 * 1024)
          + " bytes, this is " + (json == null ? 0 : json.length));
    }
    try {
      SignedKeySet s = Json.mapper().readValue(json, SignedKeySet.class);
      if (s == null) {
        throw new KeySetException(KeySetException.Reason.MALFORMED, "signed key set is JSON null");
      }
      return s;
    } catch (IOException | RuntimeException e) {
      throw new KeySetException(KeySetException.Reason.MALFORMED, "not a signed key set: " + rootMessage(e), e);
    }
  }

  public byte[] toJson() {
    return Json.writePretty(this);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.split("\\R", 2)[0];
  }
}
