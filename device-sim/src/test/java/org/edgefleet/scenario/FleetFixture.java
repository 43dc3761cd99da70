package org.edgefleet.scenario;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
  private final UnaryOperator<ServerConfig.Builder> config;
  FleetServer server;
  FleetApi api;
  private final List<FleetSimulator> simulators = new ArrayList<>();

  private FleetFixture(Path dir, SigningKey packagerKey, SampleBundles bundles, UnaryOperator<ServerConfig.Builder> config)
      throws IOException {
    this.dir = dir;
    this.packagerKey = packagerKey;
    this.bundles = bundles;
    this.config = config;
    this.server = FleetServer.start(config.apply(ServerConfig.builder().httpPort(0)).build());
    this.api = FleetApi.admin(server);
  }

  /** A server on an embedded broker; {@code brokerUrl} null, or the URL of an external broker. */
  static FleetFixture start(Path dir, String brokerUrl, UnaryOperator<ServerConfig.Builder> config) throws Exception {
    SigningKey key = SigningKey.generate(KeyRole.PACKAGER);
    Path pub = Files.createDirectories(dir.resolve("keys")).resolve("packager.pub.json");
    KeyFiles.writePublic(pub, key.publicKey());
    SampleBundles bundles = SampleBundles.create(dir.resolve("bundles"), key);
    UnaryOperator<ServerConfig.Builder> base = b -> {
      ServerConfig.Builder c = b.dataDir(dir.resolve("server")).trustedPackagerKeys(List.of(pub));
      return config.apply(brokerUrl == null ? c.mqttPort(0) : c.brokerUrl(brokerUrl));
    };
    return new FleetFixture(dir, key, bundles, base);
  }

  /**
   * Stops the server and starts it again on the same data directory and database, HTTP port and
   * broker (an external one, so the devices stay connected meanwhile), as a process restart does.
   */
  void restartServer() throws IOException {
    int httpPort = server.httpPort();
    server.close();
    server = FleetServer.start(config.apply(ServerConfig.builder()).httpPort(httpPort).build());
    api = FleetApi.admin(server);
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
    FleetSimulator simulator = more.apply(b).start();
    simulators.add(simulator);
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

  /**
   * Waits until the server saw the rollout through: devices serve a version a moment before their
   * report of it arrives, and a rollout of the same devices started meanwhile is refused as an overlap.
   */
  void awaitFinished(String rolloutId) throws Exception {
    Canary.awaitStatus(this, Long.parseLong(rolloutId), "FINISHED", PATIENCE);
  }

  /** Waits until the server knows {@code count} devices (they register with their first report). */
  void awaitDevicesKnown(int count) {
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
        .until(() -> api.getJson("/api/v1/devices").get("devices").size() >= count);
  }

  @Override
  public void close() {
    simulators.forEach(FleetSimulator::close);
    server.close();
  }
}
