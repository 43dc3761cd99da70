package org.edgefleet.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.SignedDesiredState;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.KeySet;
import org.edgefleet.protocol.trust.KeySetFiles;
import org.edgefleet.protocol.trust.PublicKey;
import org.edgefleet.protocol.trust.SignedKeySet;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustedKeySet;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server with a root key set: packager keys come from it, it rides with every desired state,
 * states are signed afresh before they expire, and a key set the kept root did not sign is refused.
 */
class ServerKeySetTest {

  static final Duration LONG = Duration.ofSeconds(30);

  @TempDir Path dir;
  final List<SigningKey> roots = List.of(SigningKey.generate(KeyRole.ROOT), SigningKey.generate(KeyRole.ROOT),
      SigningKey.generate(KeyRole.ROOT));
  final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);

  SignedKeySet keySet(long version, List<PublicKey> keys, List<String> revoked, SigningKey... signers) {
    List<KeySet.Key> entries = new ArrayList<>();
    roots.forEach(r -> entries.add(KeySet.Key.of(r.publicKey())));
    keys.forEach(k -> entries.add(KeySet.Key.of(k)));
    SignedKeySet s = SignedKeySet.unsigned(new KeySet(1, version, Instant.now().minusSeconds(60),
        Instant.now().plus(Duration.ofDays(90)), 2, entries, revoked));
    for (SigningKey k : signers) {
      s = s.signedBy(k);
    }
    return s;
  }

  Path write(String name, SignedKeySet s) throws Exception {
    Path p = dir.resolve(name);
    KeySetFiles.write(p, s);
    return p;
  }

  @Test
  void packagerKeysComeFromTheKeySetWhichTravelsWithFreshlySignedDesiredStates() throws Exception {
    Path data = dir.resolve("data");
    PublicKey serverKey = ServerKeys.loadOrCreate(data).publicKey();
    SignedKeySet v1 = keySet(1, List.of(packager.publicKey(), serverKey), List.of(), roots.get(0), roots.get(1));
    try (FleetServer server = FleetServer.start(TestServers.config(data).set(Settings.KEY_SET, write("v1.json", v1))
        .set(Settings.DESIRED_VALIDITY, Duration.ofSeconds(3)).build());
         FakeDevice device = new FakeDevice(server.mqttUrl(), "dev-k", org.edgefleet.protocol.mqtt.Topics.defaults())) {
      Api api = Api.admin(server);
      device.report(Map.of("hw", "rpi4"), 0, List.of());
      Path bundle = TestBundles.write(dir.resolve("b1"), packager, "detector", 1, 5000);
      assertThat(api.upload(bundle).status()).as("signed by a packager key of the key set only").isEqualTo(201);
      org.awaitility.Awaitility.await().atMost(LONG)
          .until(() -> api.get("/api/v1/devices").json().get("devices").size() == 1);
      assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"detector\",\"version\":1,\"selector\":\"hw=rpi4\"}").status())
          .isEqualTo(201);

      TrustedKeySet deviceTrust = TrustedKeySet.bootstrap(v1);
      SignedDesiredState first = device.awaitEnvelope(LONG);
      assertThat(first.keySet()).isEqualTo(v1);
      DesiredState state = first.open(deviceTrust.trustStore());
      assertThat(state.expiresAt()).isAfter(Instant.now()).isBefore(Instant.now().plusSeconds(4));
      // The same revision comes again, signed afresh with a later expiry, before the first expires.
      DesiredState again = device.awaitEnvelope(LONG).open(deviceTrust.trustStore());
      assertThat(again.revision()).isEqualTo(state.revision());
      assertThat(again.expiresAt()).isAfter(state.expiresAt());

      // The key set's expiry is watched: 90 days ahead here.
      double seconds = TestServers.metric(api.get("/metrics").body(), "fleet_keyset_expiry_seconds", null);
      assertThat(seconds).isBetween(89 * 86400.0, 90 * 86400.0);
    }
  }

  @Test
  void aKeySetThatDoesNotListTheServerKeyStopsTheStart() throws Exception {
    SignedKeySet v1 = keySet(1, List.of(packager.publicKey()), List.of(), roots.get(0), roots.get(1));
    assertThatThrownBy(() -> ServerKeySet.load(write("v1.json", v1), dir, ServerKeys.loadOrCreate(dir).publicKey(),
        Instant.now())).hasMessageContaining("does not list this server's key");
  }

  @Test
  void newerKeySetsMustPassTheKeptRootAndOlderOnesAreIgnored() throws Exception {
    PublicKey serverKey = ServerKeys.loadOrCreate(dir).publicKey();
    SigningKey packager2 = SigningKey.generate(KeyRole.PACKAGER);
    SignedKeySet v2 = keySet(2, List.of(packager.publicKey(), serverKey), List.of(), roots.get(0), roots.get(2));
    assertThat(ServerKeySet.load(write("v2.json", v2), dir, serverKey, Instant.now()).orElseThrow().version()).isEqualTo(2);

    // Kept across restarts without the flag.
    assertThat(ServerKeySet.load(null, dir, serverKey, Instant.now()).orElseThrow().version()).isEqualTo(2);

    SignedKeySet v1 = keySet(1, List.of(packager.publicKey(), serverKey), List.of(), roots.get(0), roots.get(1));
    assertThat(ServerKeySet.load(write("v1.json", v1), dir, serverKey, Instant.now()).orElseThrow().version()).isEqualTo(2);

    SignedKeySet v3OneRoot = keySet(3, List.of(packager2.publicKey(), serverKey), List.of(packager.keyId()), roots.get(1));
    assertThatThrownBy(() -> ServerKeySet.load(write("v3.json", v3OneRoot), dir, serverKey, Instant.now()))
        .hasMessageContaining("BELOW_THRESHOLD").hasMessageContaining("v3.json");

    SignedKeySet v3 = keySet(3, List.of(packager2.publicKey(), serverKey), List.of(packager.keyId()), roots.get(1), roots.get(2));
    TrustedKeySet trusted = ServerKeySet.load(write("v3.json", v3), dir, serverKey, Instant.now()).orElseThrow();
    PackagerTrust uploads = PackagerTrust.load(List.of(), List.of(), dir).withKeySet(java.util.Optional.of(trusted.trustStore()));
    assertThat(uploads.current().isRevoked(packager.keyId())).isTrue();
    assertThat(uploads.current().key(packager2.keyId())).isPresent();
  }
}
