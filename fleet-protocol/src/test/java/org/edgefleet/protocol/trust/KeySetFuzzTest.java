package org.edgefleet.protocol.trust;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz targets for key set documents: parsing and the root update rule end in a trusted key set
 * or a {@link KeySetException}, never another exception.
 */
class KeySetFuzzTest {

  static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
  static final SigningKey ROOT1 = key("root-1", KeyRole.ROOT);
  static final SigningKey ROOT2 = key("root-2", KeyRole.ROOT);
  static final SigningKey ROOT3 = key("root-3", KeyRole.ROOT);
  static final TrustedKeySet TRUSTED = trusted();

  static SigningKey key(String seed, KeyRole role) {
    return new SigningKey(Arrays.copyOf(seed.getBytes(StandardCharsets.UTF_8), 32), role);
  }

  private static TrustedKeySet trusted() {
    List<KeySet.Key> keys = List.of(KeySet.Key.of(ROOT1.publicKey()), KeySet.Key.of(ROOT2.publicKey()),
        KeySet.Key.of(ROOT3.publicKey()), KeySet.Key.of(key("packager", KeyRole.PACKAGER).publicKey()));
    KeySet v1 = new KeySet(1, 1, NOW.minusSeconds(60), NOW.plus(Duration.ofDays(365)), 2, keys, List.of());
    try {
      return TrustedKeySet.bootstrap(SignedKeySet.unsigned(v1).signedBy(ROOT1).signedBy(ROOT2));
    } catch (KeySetException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Any bytes as a signed key set file or message field. */
  @FuzzTest(maxDuration = "10s")
  void signedKeySetDocument(byte[] json) {
    try {
      SignedKeySet s = SignedKeySet.parse(json);
      TRUSTED.update(s, NOW).trustStore();
    } catch (KeySetException expected) {
      // refused with a reason
    }
  }

  /** Any text as the key set payload, signed by two trusted roots, so the fuzzer reaches the key set's own rules. */
  @FuzzTest(maxDuration = "10s")
  void signedPayload(byte[] payload) {
    SignedKeySet s = new SignedKeySet(1, new String(payload, StandardCharsets.UTF_8), List.of()).signedBy(ROOT1).signedBy(ROOT3);
    try {
      TRUSTED.update(s, NOW).trustStore();
      TrustedKeySet.bootstrap(s);
    } catch (KeySetException expected) {
      // refused with a reason
    }
  }
}
