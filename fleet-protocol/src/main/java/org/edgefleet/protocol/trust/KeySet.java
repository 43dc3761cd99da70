package org.edgefleet.protocol.trust;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fleet's keys as its root keys vouch for them: the root keys themselves with the number of
 * them that must sign the next key set ({@code rootThreshold}), the packager keys that sign
 * bundles, the server keys that sign desired states, and the key ids revoked for good. Versioned
 * (strictly increasing) and expiring, so a device notices a rollback to an older key set and a
 * freeze on one (TUF's root metadata). A key set travels as a {@link SignedKeySet}.
 *
 * @param v the document's schema version, 1
 * @param version the key set's version: every new key set has a higher one
 * @param issuedAt when it was made
 * @param expiresAt after this instant no device accepts it as a new key set, and a device whose
 *     key set has expired installs nothing new until it gets a newer one
 * @param rootThreshold how many distinct root keys of this set must sign the next one
 * @param keys every trusted key, each with its role
 * @param revoked key ids refused by name (a key simply left out is unknown, which also refuses it)
 */
public record KeySet(int v, long version, Instant issuedAt, Instant expiresAt, int rootThreshold, List<Key> keys,
    List<String> revoked) {

  public static final int MAX_KEYS = 256;
  public static final int MAX_REVOKED = 4096;

  /** One key: its id, role and raw 32-byte Ed25519 public key in base64. */
  public record Key(String keyId, KeyRole role, String publicKey) {

    public Key {
      if (keyId == null || role == null || publicKey == null) {
        throw new IllegalArgumentException("every key needs keyId, role and publicKey");
      }
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(publicKey);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("key " + keyId + ": publicKey is not base64");
      }
      if (raw.length != PublicKey.LENGTH) {
        throw new IllegalArgumentException("key " + keyId + ": publicKey must be " + PublicKey.LENGTH + " bytes, is " + raw.length);
      }
      String actual = PublicKey.keyIdOf(raw);
      if (!actual.equals(keyId)) {
        throw new IllegalArgumentException("key " + keyId + ": keyId does not match the public key (it is " + actual + ")");
      }
    }

    public static Key of(PublicKey key) {
      return new Key(key.keyId(), key.role(), Base64.getEncoder().encodeToString(key.encoded()));
    }

    public PublicKey toPublicKey() {
      return new PublicKey(Base64.getDecoder().decode(publicKey), role);
    }
  }

  public KeySet {
    if (v != 1) {
      throw new IllegalArgumentException("key set schema v must be 1, was " + v);
    }
    if (version < 1) {
      throw new IllegalArgumentException("key set version must be >= 1, was " + version);
    }
    if (issuedAt == null || expiresAt == null || !expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException("key set needs issuedAt and an expiresAt after it");
    }
    keys = keys == null ? List.of() : List.copyOf(keys);
    revoked = revoked == null ? List.of() : List.copyOf(revoked);
    if (keys.size() > MAX_KEYS || revoked.size() > MAX_REVOKED) {
      throw new IllegalArgumentException("key set lists " + keys.size() + " keys and " + revoked.size()
          + " revoked ids; at most " + MAX_KEYS + " and " + MAX_REVOKED);
    }
    Set<String> ids = new HashSet<>();
    int roots = 0;
    for (Key k : keys) {
      if (k == null || !ids.add(k.keyId())) {
        throw new IllegalArgumentException("key set lists key " + (k == null ? "null" : k.keyId()) + " twice");
      }
      roots += k.role() == KeyRole.ROOT ? 1 : 0;
    }
    if (rootThreshold < 1 || rootThreshold > roots) {
      throw new IllegalArgumentException("rootThreshold must be 1.." + roots + " (the root keys listed), was " + rootThreshold);
    }
    for (String id : revoked) {
      if (id == null || ids.contains(id)) {
        throw new IllegalArgumentException("key " + id + " is both listed and revoked");
      }
    }
  }

  public List<PublicKey> roots() {
    return ofRole(KeyRole.ROOT);
  }

  public List<PublicKey> ofRole(KeyRole role) {
    List<PublicKey> out = new ArrayList<>();
    for (Key k : keys) {
      if (k.role() == role) {
        out.add(k.toPublicKey());
      }
    }
    return out;
  }

  /** Whether the next key set changes who holds the root: then the new root keys must sign it too. */
  public boolean sameRoot(KeySet other) {
    return rootThreshold == other.rootThreshold && new HashSet<>(roots()).equals(new HashSet<>(other.roots()));
  }

  /** The packager and server keys, and the revoked ids, as the store bundles and desired states are checked with. */
  public TrustStore trustStore() {
    TrustStore.Builder b = TrustStore.builder()
        .trust(ofRole(KeyRole.PACKAGER).toArray(new PublicKey[0]))
        .trust(ofRole(KeyRole.SERVER).toArray(new PublicKey[0]));
    revoked.forEach(b::revoke);
    return b.build();
  }
}
