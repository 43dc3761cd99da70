package org.edgefleet.scenario;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;

/**
 * One fleet for a scenario: an operator's packager key and sample bundles, a real fleet server
 * (SQLite file, embedded Moquette or an external broker) and its REST API, and a simulated fleet
 * of real agents.
 */
final class FleetFixture implements AutoCloseable {

  static final Duration PATIENCE = Duration.ofSeconds(90);

  final Path dir;
  final SigningKey packagerKey;
  final SampleBundles bundles;
  final FleetServer server;
  final FleetApi api;
  private FleetSimulator simulator;

  private FleetFixture(Path dir, SigningKey packagerKey, SampleBundles bundles, FleetServer server) {
    this.dir = dir;
    this.packagerKey = packagerKey;
    this.bundles = bundles;
    this.server = server;
    this.api = new FleetApi(server.httpUrl());
  }

  /** A server on an embedded broker; {@code brokerUrl} null, or the URL of an external broker. */
  static FleetFixture start(Path dir, String brokerUrl, UnaryOperator<ServerConfig.Builder> config) throws Exception {
    SigningKey key = SigningKey.generate(KeyRole.PACKAGER);
    Path pub = Files.createDirectories(dir.resolve("keys")).resolve("packager.pub.json");
    KeyFiles.writePublic(pub, key.publicKey());
    SampleBundles bundles = SampleBundles.create(dir.resolve("bundles"), key);
    ServerConfig.Builder b = ServerConfig.builder().dataDir(dir.resolve("server")).httpPort(0)
        .trustedPackagerKeys(List.of(pub));
    b = brokerUrl == null ? b.mqttPort(0) : b.brokerUrl(brokerUrl);
    return new FleetFixture(dir, key, bundles, FleetServer.start(config.apply(b).build()));
  }

  static FleetFixture embedded(Path dir) throws Exception {
    return start(dir, null, UnaryOperator.identity());
  }

  /** What every simulated device trusts: the packager key and the server key. */
  TrustStore deviceTrust() {
    return TrustStore.of(packagerKey.publicKey(), server.serverKey());
  }

  /** A simulated fleet on this server's broker, with quick telemetry and reconnects for tests. */
  FleetSimulator simulate(int devices, List<DeviceProfile> profiles, UnaryOperator<FleetSimulator.Builder> more)
      throws Exception {
    FleetSimulator.Builder b = FleetSimulator.builder().brokerUrl(server.mqttUrl()).dataRoot(dir.resolve("devices"))
        .trust(deviceTrust()).devices(devices).profiles(profiles).telemetryInterval(Duration.ofMillis(300))
        .customizeAgents(a -> a.reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
    simulator = more.apply(b).start();
    return simulator;
  }

  /** Uploads a bundle and fails the test unless the server registered it. */
  JsonNode upload(Path bundle) throws Exception {
    FleetApi.Response r = api.uploadBundle(bundle);
    if (r.status() != 201) {
      throw new AssertionError("upload answered " + r.status() + ": " + r.text());
    }
    return r.body();
  }

  /** Creates a rollout and returns its id. */
  String rollout(String model, int version, String selector) throws Exception {
    FleetApi.Response r = api.createRollout(model, version, selector);
    if (r.status() != 201) {
      throw new AssertionError("rollout answered " + r.status() + ": " + r.text());
    }
    return r.body().get("id").asText();
  }

  /** Waits until the server knows {@code count} devices (they register with their first report). */
  void awaitDevicesKnown(int count) {
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
        .until(() -> api.getJson("/api/v1/devices").get("devices").size() >= count);
  }

  @Override
  public void close() {
    if (simulator != null) {
      simulator.close();
    }
    server.close();
  }
}
