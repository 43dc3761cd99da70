package org.edgefleet.agent.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.KeySet;
import org.edgefleet.protocol.trust.SignedKeySet;
import org.edgefleet.protocol.trust.SigningKey;

/** A fleet's three root keys (two must sign) and the key sets they make. */
public final class TestKeySets {

  public final List<SigningKey> roots = List.of(SigningKey.generate(KeyRole.ROOT), SigningKey.generate(KeyRole.ROOT),
      SigningKey.generate(KeyRole.ROOT));

  /** Key set {@code version} listing the roots (2 of 3) and {@code keys}, signed by the first two roots. */
  public SignedKeySet signed(long version, List<SigningKey> keys, List<String> revoked) {
    return sign(keySet(version, keys, revoked, Instant.now().plus(Duration.ofDays(30))), roots.get(0), roots.get(1));
  }

  public KeySet keySet(long version, List<SigningKey> keys, List<String> revoked, Instant expiresAt) {
    List<KeySet.Key> entries = new ArrayList<>();
    roots.forEach(r -> entries.add(KeySet.Key.of(r.publicKey())));
    keys.forEach(k -> entries.add(KeySet.Key.of(k.publicKey())));
    return new KeySet(1, version, Instant.now().minusSeconds(60), expiresAt, 2, entries, revoked);
  }

  public static SignedKeySet sign(KeySet ks, SigningKey... by) {
    SignedKeySet s = SignedKeySet.unsigned(ks);
    for (SigningKey k : by) {
      s = s.signedBy(k);
    }
    return s;
  }
}
