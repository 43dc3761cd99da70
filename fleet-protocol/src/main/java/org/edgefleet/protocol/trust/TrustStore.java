package org.edgefleet.protocol.trust;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The public keys a party trusts, and the key ids it has revoked. Immutable: a rotation or a
 * revocation builds a new store.
 */
public final class TrustStore {

  private final Map<String, PublicKey> keys;
  private final Set<String> revoked;

  private TrustStore(Map<String, PublicKey> keys, Set<String> revoked) {
    this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    this.revoked = Collections.unmodifiableSet(new LinkedHashSet<>(revoked));
  }

  public static TrustStore of(PublicKey... keys) {
    return builder().trust(keys).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks a signature made by {@code keyId} for {@code role}.
   *
   * @throws SignatureException with the reason a user can act on
   */
  public void verify(String keyId, KeyRole role, byte[] message, byte[] signature) throws SignatureException {
    if (keyId == null || keyId.isEmpty()) {
      throw new SignatureException(SignatureException.Reason.UNKNOWN_KEY, "no key id given");
    }
    if (revoked.contains(keyId)) {
      throw new SignatureException(SignatureException.Reason.REVOKED_KEY, "key " + keyId + " has been revoked");
    }
    PublicKey key = keys.get(keyId);
    if (key == null) {
      throw new SignatureException(SignatureException.Reason.UNKNOWN_KEY, "key " + keyId + " is not trusted here");
    }
    if (key.role() != role) {
      throw new SignatureException(SignatureException.Reason.WRONG_ROLE,
          "key " + keyId + " is a " + key.role().wireName() + " key, not a " + role.wireName() + " key");
    }
    if (!key.verify(message, signature)) {
      throw new SignatureException(SignatureException.Reason.BAD_SIGNATURE, "signature does not verify with key " + keyId);
    }
  }

  public Optional<PublicKey> key(String keyId) {
    return Optional.ofNullable(keys.get(keyId));
  }

  public Collection<PublicKey> keys() {
    return keys.values();
  }

  public Set<String> revoked() {
    return revoked;
  }

  public boolean isRevoked(String keyId) {
    return revoked.contains(keyId);
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.keys.putAll(keys);
    b.revoked.addAll(revoked);
    return b;
  }

  /** Collects keys; {@link #build()} makes the immutable store. */
  public static final class Builder {
    private final Map<String, PublicKey> keys = new LinkedHashMap<>();
    private final Set<String> revoked = new LinkedHashSet<>();

    public Builder trust(PublicKey... add) {
      for (PublicKey k : add) {
        keys.put(k.keyId(), k);
      }
      return this;
    }

    public Builder revoke(String keyId) {
      revoked.add(keyId);
      return this;
    }

    public TrustStore build() {
      return new TrustStore(keys, revoked);
    }
  }
}
