package org.edgefleet.protocol.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The k-of-n root update rule: threshold, distinct signers, version, expiry, root rotation, revocation. */
class KeySetTest {

  static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  final SigningKey root1 = SigningKey.generate(KeyRole.ROOT);
  final SigningKey root2 = SigningKey.generate(KeyRole.ROOT);
  final SigningKey root3 = SigningKey.generate(KeyRole.ROOT);
  final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  final SigningKey server = SigningKey.generate(KeyRole.SERVER);

  @TempDir Path dir;

  static KeySet keySet(long version, int threshold, List<SigningKey> roots, List<SigningKey> others, List<String> revoked) {
    List<KeySet.Key> keys = new ArrayList<>();
    roots.forEach(k -> keys.add(KeySet.Key.of(k.publicKey())));
    others.forEach(k -> keys.add(KeySet.Key.of(k.publicKey())));
    return new KeySet(1, version, NOW.minusSeconds(60), NOW.plus(Duration.ofDays(365)), threshold, keys, revoked);
  }

  static SignedKeySet sign(KeySet ks, SigningKey... roots) {
    SignedKeySet s = SignedKeySet.unsigned(ks);
    for (SigningKey r : roots) {
      s = s.signedBy(r);
    }
    return s;
  }

  TrustedKeySet trustedV1() throws KeySetException {
    KeySet v1 = keySet(1, 2, List.of(root1, root2, root3), List.of(packager, server), List.of());
    return TrustedKeySet.bootstrap(sign(v1, root1, root2));
  }

  @Test
  void twoOfThreeRootSignaturesAddedOneAtATimeMakeANewKeySetTrusted() throws Exception {
    TrustedKeySet trusted = trustedV1();
    SigningKey packager2 = SigningKey.generate(KeyRole.PACKAGER);
    KeySet v2 = keySet(2, 2, List.of(root1, root2, root3), List.of(packager2, server), List.of(packager.keyId()));
    SignedKeySet byOne = sign(v2, root3);
    assertThatThrownBy(() -> trusted.update(byOne, NOW)).isInstanceOf(KeySetException.class)
        .hasFieldOrPropertyWithValue("reason", KeySetException.Reason.BELOW_THRESHOLD)
        .hasMessageContaining("2 of the 3 root keys");

    // A second holder adds a signature to the file the first one signed.
    SignedKeySet byTwo = SignedKeySet.parse(byOne.toJson()).signedBy(root1);
    TrustedKeySet next = trusted.update(byTwo, NOW);
    assertThat(next.version()).isEqualTo(2);

    byte[] msg = "bundle manifest".getBytes(StandardCharsets.UTF_8);
    next.trustStore().verify(packager2.keyId(), KeyRole.PACKAGER, msg, packager2.sign(msg));
    assertThatThrownBy(() -> next.trustStore().verify(packager.keyId(), KeyRole.PACKAGER, msg, packager.sign(msg)))
        .isInstanceOf(SignatureException.class).hasFieldOrPropertyWithValue("reason", SignatureException.Reason.REVOKED_KEY);
    assertThat(next.update(byTwo, NOW)).isSameAs(next);
  }

  @Test
  void theSameRootKeySigningTwiceCountsOnce() throws Exception {
    KeySet v2 = keySet(2, 2, List.of(root1, root2, root3), List.of(packager, server), List.of());
    SignedKeySet once = sign(v2, root1);
    List<SignedKeySet.Signature> twice = new ArrayList<>(once.signatures());
    twice.add(once.signatures().get(0));
    SignedKeySet duplicated = new SignedKeySet(1, once.payload(), twice);
    assertThat(duplicated.validSigners(v2.roots())).containsExactly(root1.keyId());
    assertThatThrownBy(() -> trustedV1().update(duplicated, NOW))
        .hasFieldOrPropertyWithValue("reason", KeySetException.Reason.BELOW_THRESHOLD);
  }

  @Test
  void signaturesOfUnknownNonRootOrBrokenKeysDoNotCount() throws Exception {
    KeySet v2 = keySet(2, 2, List.of(root1, root2, root3), List.of(packager, server), List.of());
    SignedKeySet s = sign(v2, root1);
    SigningKey stranger = SigningKey.generate(KeyRole.ROOT);
    byte[] body = s.payload().getBytes(StandardCharsets.UTF_8);
    List<SignedKeySet.Signature> sigs = new ArrayList<>(s.signatures());
    sigs.add(new SignedKeySet.Signature(stranger.keyId(), Base64.getEncoder().encodeToString(stranger.sign(body))));
    // The packager key's signature, claimed as root2's, and garbage claimed as root3's.
    sigs.add(new SignedKeySet.Signature(root2.keyId(), Base64.getEncoder().encodeToString(packager.sign(body))));
    sigs.add(new SignedKeySet.Signature(root3.keyId(), "not base64 at all!"));
    SignedKeySet forged = new SignedKeySet(1, s.payload(), sigs);
    assertThat(forged.validSigners(v2.roots())).containsExactly(root1.keyId());
    assertThatThrownBy(() -> trustedV1().update(forged, NOW))
        .hasFieldOrPropertyWithValue("reason", KeySetException.Reason.BELOW_THRESHOLD);
  }

  @Test
  void aTamperedPayloadLosesEverySignature() throws Exception {
    KeySet v2 = keySet(2, 2, List.of(root1, root2, root3), List.of(packager, server), List.of());
    SignedKeySet s = sign(v2, root1, root2);
    SigningKey attacker = SigningKey.generate(KeyRole.PACKAGER);
    KeySet evil = keySet(2, 2, List.of(root1, root2, root3), List.of(attacker, server), List.of());
    SignedKeySet swapped = new SignedKeySet(1, SignedKeySet.unsigned(evil).payload(), s.signatures());
    assertThatThrownBy(() -> trustedV1().update(swapped, NOW))
        .hasFieldOrPropertyWithValue("reason", KeySetException.Reason.BELOW_THRESHOLD);
  }

  @Test
  void olderAndEqualVersionsAreRefusedAsReplays() throws Exception {
    TrustedKeySet v3 = trustedV1().update(sign(keySet(3, 2, List.of(root1, root2, root3), List.of(packager, server),
        List.of()), root1, root2), NOW);
    SignedKeySet genuineV2 = sign(keySet(2, 2, List.of(root1, root2, root3), List.of(packager), List.of()), root1, root2);
    SignedKeySet otherV3 = sign(keySet(3, 2, List.of(root1, root2, root3), List.of(server), List.of()), root2, root3);
    for (SignedKeySet replay : List.of(genuineV2, otherV3)) {
      assertThatThrownBy(() -> v3.update(replay, NOW))
          .hasFieldOrPropertyWithValue("reason", KeySetException.Reason.VERSION_NOT_NEWER);
    }
  }

  @Test
  void anExpiredKeySetIsRefusedAndAnExpiringTrustedOneSaysSo() throws Exception {
    KeySet ks = keySet(2, 2, List.of(root1, root2, root3), List.of(packager, server), List.of());
    KeySet expired = new KeySet(1, 2, NOW.minusSeconds(7200), NOW.minusSeconds(1), 2, ks.keys(), List.of());
    assertThatThrownBy(() -> trustedV1().update(sign(expired, root1, root2), NOW))
        .hasFieldOrPropertyWithValue("reason", KeySetException.Reason.EXPIRED);
    assertThat(trustedV1().isExpired(NOW.plus(Duration.ofDays(366)))).isTrue();
    assertThat(trustedV1().isExpired(NOW)).isFalse();
  }

  @Test
  void aNewRootNeedsThresholdsOfTheOldAndTheNewRoot() throws Exception {
    SigningKey newA = SigningKey.generate(KeyRole.ROOT);
    SigningKey newB = SigningKey.generate(KeyRole.ROOT);
    KeySet rotated = keySet(2, 2, List.of(newA, newB, root3), List.of(packager, server), List.of());
    TrustedKeySet trusted = trustedV1();

    assertThatThrownBy(() -> trusted.update(sign(rotated, newA, newB), NOW))
        .hasMessageContaining("trusted root").hasFieldOrPropertyWithValue("reason", KeySetException.Reason.BELOW_THRESHOLD);
    assertThatThrownBy(() -> trusted.update(sign(rotated, root1, root2), NOW))
        .hasMessageContaining("new root").hasFieldOrPropertyWithValue("reason", KeySetException.Reason.BELOW_THRESHOLD);
    TrustedKeySet next = trusted.update(sign(rotated, root1, root2, newA, newB), NOW);

    // From now on the old root keys alone sign nothing.
    KeySet v3 = keySet(3, 2, List.of(newA, newB, root3), List.of(packager, server), List.of());
    assertThatThrownBy(() -> next.update(sign(v3, root1, root2), NOW))
        .hasFieldOrPropertyWithValue("reason", KeySetException.Reason.BELOW_THRESHOLD);
    assertThat(next.update(sign(v3, newB, root3), NOW).version()).isEqualTo(3);
  }

  @Test
  void raisingTheThresholdCountsAsARootChange() throws Exception {
    KeySet stricter = keySet(2, 3, List.of(root1, root2, root3), List.of(packager, server), List.of());
    assertThatThrownBy(() -> trustedV1().update(sign(stricter, root1, root2), NOW))
        .hasMessageContaining("new root");
    assertThat(trustedV1().update(sign(stricter, root1, root2, root3), NOW).keySet().rootThreshold()).isEqualTo(3);
  }

  @Test
  void aBootstrapFileMustCarryItsOwnThreshold() {
    KeySet v1 = keySet(1, 2, List.of(root1, root2, root3), List.of(packager, server), List.of());
    assertThatThrownBy(() -> TrustedKeySet.bootstrap(sign(v1, root1)))
        .hasFieldOrPropertyWithValue("reason", KeySetException.Reason.BELOW_THRESHOLD);
  }

  @Test
  void keySetsThatBreakTheirOwnRulesAreMalformed() {
    KeySet.Key r = KeySet.Key.of(root1.publicKey());
    KeySet.Key p = KeySet.Key.of(packager.publicKey());
    assertThatThrownBy(() -> new KeySet(1, 1, NOW, NOW.plusSeconds(1), 2, List.of(r, p), List.of()))
        .hasMessageContaining("rootThreshold must be 1..1");
    assertThatThrownBy(() -> new KeySet(1, 1, NOW, NOW.plusSeconds(1), 1, List.of(r, r), List.of()))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> new KeySet(1, 1, NOW, NOW.plusSeconds(1), 1, List.of(r, p), List.of(p.keyId())))
        .hasMessageContaining("both listed and revoked");
    assertThatThrownBy(() -> new KeySet(1, 1, NOW, NOW, 1, List.of(r), List.of())).hasMessageContaining("expiresAt");
    assertThatThrownBy(() -> new KeySet.Key(packager.keyId(), KeyRole.ROOT, r.publicKey()))
        .hasMessageContaining("does not match");
    assertThatThrownBy(() -> new KeySet.Key(r.keyId(), KeyRole.ROOT, "AAAA")).hasMessageContaining("32 bytes");

    for (String hostile : List.of("", "null", "[]", "{\"v\":1}", "{\"v\":1,\"payload\":\"{}\"}",
        "{\"v\":2,\"payload\":\"x\",\"signatures\":[]}", "{\"v\":1,\"payload\":\"{\\\"v\\\":1}\",\"signatures\":[]}")) {
      assertThatThrownBy(() -> SignedKeySet.parse(hostile.getBytes(StandardCharsets.UTF_8)).keySet())
          .isInstanceOf(KeySetException.class).hasFieldOrPropertyWithValue("reason", KeySetException.Reason.MALFORMED);
    }
    assertThatThrownBy(() -> SignedKeySet.parse(new byte[SignedKeySet.MAX_BYTES + 64 * 1024 + 1]))
        .hasFieldOrPropertyWithValue("reason", KeySetException.Reason.MALFORMED);
  }

  @Test
  void onlyRootKeysSignKeySets() {
    KeySet v1 = keySet(1, 1, List.of(root1), List.of(packager), List.of());
    assertThatThrownBy(() -> SignedKeySet.unsigned(v1).signedBy(packager)).hasMessageContaining("root keys");
  }

  @Test
  void filesAreWrittenWholeAndReadBack() throws Exception {
    SignedKeySet s = sign(keySet(1, 2, List.of(root1, root2, root3), List.of(packager, server), List.of()), root1, root2);
    Path file = dir.resolve("keyset.json");
    KeySetFiles.write(file, s);
    KeySetFiles.write(file, s);
    assertThat(KeySetFiles.read(file)).isEqualTo(s);
    assertThat(Files.list(dir)).containsExactly(file);
    Files.write(file, new byte[] {'{'});
    assertThatThrownBy(() -> KeySetFiles.read(file)).isInstanceOf(KeySetException.class).hasMessageContaining("keyset.json");
  }
}
