package org.edgefleet.protocol.trust;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The key set a party trusts now, and the rule by which it moves to a newer one (TUF's root
 * update): the newer key set must carry valid signatures of at least {@code rootThreshold}
 * distinct root keys of the trusted set; when it changes the root keys or the threshold, also of
 * a threshold of its own new root keys; its version must be higher; it must not have expired.
 * Immutable: an accepted update is a new instance.
 */
public final class TrustedKeySet {

  private final SignedKeySet signed;
  private final KeySet keySet;

  private TrustedKeySet(SignedKeySet signed, KeySet keySet) {
    this.signed = signed;
    this.keySet = keySet;
  }

  /**
   * A key set trusted out of band: shipped with a device or configured on the server. It must
   * still carry a threshold of its own root keys' signatures, which refuses a corrupt or
   * hand-edited file. Its expiry is not checked: the holder reports an expired key set.
   */
  public static TrustedKeySet bootstrap(SignedKeySet signed) throws KeySetException {
    KeySet ks = signed.keySet();
    requireThreshold(signed, ks, "its own root");
    return new TrustedKeySet(signed, ks);
  }

  /**
   * The trusted key set after {@code candidate}: this one when it is the same document, the
   * candidate when it passes the update rule.
   *
   * @throws KeySetException naming the rule it breaks
   */
  public TrustedKeySet update(SignedKeySet candidate, Instant now) throws KeySetException {
    if (candidate.payload().equals(signed.payload())) {
      return this;
    }
    KeySet next = candidate.keySet();
    requireThreshold(candidate, keySet, "the trusted root of key set v" + keySet.version());
    if (!next.sameRoot(keySet)) {
      requireThreshold(candidate, next, "its new root");
    }
    if (next.version() <= keySet.version()) {
      throw new KeySetException(KeySetException.Reason.VERSION_NOT_NEWER, "key set v" + next.version()
          + " is not newer than the trusted v" + keySet.version() + " (a replay or a rollback)");
    }
    if (!next.expiresAt().isAfter(now)) {
      throw new KeySetException(KeySetException.Reason.EXPIRED, "key set v" + next.version() + " expired at " + next.expiresAt());
    }
    return new TrustedKeySet(candidate, next);
  }

  public boolean isExpired(Instant now) {
    return !keySet.expiresAt().isAfter(now);
  }

  public KeySet keySet() {
    return keySet;
  }

  public SignedKeySet signed() {
    return signed;
  }

  public long version() {
    return keySet.version();
  }

  public TrustStore trustStore() {
    return keySet.trustStore();
  }

  private static void requireThreshold(SignedKeySet doc, KeySet rootOf, String whose) throws KeySetException {
    List<PublicKey> roots = rootOf.roots();
    Set<String> valid = doc.validSigners(roots);
    if (valid.size() < rootOf.rootThreshold()) {
      throw new KeySetException(KeySetException.Reason.BELOW_THRESHOLD, "key set needs valid signatures of "
          + rootOf.rootThreshold() + " of the " + roots.size() + " root keys of " + whose + ", has " + valid.size()
          + (valid.isEmpty() ? "" : " " + valid) + ": sign it with more root keys (model-packager keyset sign)");
    }
  }

  @Override
  public String toString() {
    return "TrustedKeySet[v" + keySet.version() + ", expires " + keySet.expiresAt() + "]";
  }
}
