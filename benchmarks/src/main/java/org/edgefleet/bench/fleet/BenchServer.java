package org.edgefleet.bench.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.ServerConfig;

/**
 * A real fleet server in this JVM for one measurement: embedded Moquette broker and SQLite in its
 * own directory, free ports on loopback, trusting the benchmark's packager key. Everything else is
 * the server's default configuration, as an operator would run it.
 */
public final class BenchServer implements AutoCloseable {

  private final Path dir;
  private final SigningKey packagerKey;
  private final FleetServer server;
  private final FleetApi api;

  private BenchServer(Path dir, SigningKey packagerKey, FleetServer server, FleetApi api) {
    this.dir = dir;
    this.packagerKey = packagerKey;
    this.server = server;
    this.api = api;
  }

  public static BenchServer start(Path dir, SigningKey packagerKey) throws IOException {
    return start(dir, packagerKey, UnaryOperator.identity());
  }

  public static BenchServer start(Path dir, SigningKey packagerKey, UnaryOperator<ServerConfig.Builder> config)
      throws IOException {
    Path trusted = Files.createDirectories(dir.resolve("keys")).resolve("packager.pub.json");
    KeyFiles.writePublic(trusted, packagerKey.publicKey());
    ServerConfig.Builder b = ServerConfig.builder().dataDir(dir.resolve("server")).httpHost("127.0.0.1").httpPort(0)
        .mqttHost("127.0.0.1").mqttPort(0).trustedPackagerKeys(List.of(trusted));
    FleetServer server = FleetServer.start(config.apply(b).build());
    try {
      return new BenchServer(dir, packagerKey, server, FleetApi.admin(server));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  public FleetApi api() {
    return api;
  }

  public String mqttUrl() {
    return server.mqttUrl();
  }

  /** What every device trusts: the packager key for bundles, the server key for desired states. */
  public TrustStore deviceTrust() {
    return TrustStore.of(packagerKey.publicKey(), server.serverKey());
  }

  /** Writes the packager and server public key files an agent daemon's config names. */
  public List<Path> writeDeviceTrustFiles(Path keyDir) throws IOException {
    Files.createDirectories(keyDir);
    Path packager = keyDir.resolve("packager.pub.json");
    Path serverKey = keyDir.resolve("server.pub.json");
    KeyFiles.writePublic(packager, packagerKey.publicKey());
    KeyFiles.writePublic(serverKey, server.serverKey());
    return List.of(packager, serverKey);
  }

  /** The server's SQLite file, for counting what it stored. */
  public Path databaseFile() {
    return dir.resolve("server/fleet.db");
  }

  /**
   * The password of the server's user on its embedded broker. Baselines publish with it, as the
   * server does, because the broker lets only the server publish on devices' chunk topics.
   */
  public String brokerPassword() throws IOException {
    return Files.readString(dir.resolve("server/keys/broker-password"), StandardCharsets.UTF_8).trim();
  }

  public FleetServer server() {
    return server;
  }

  @Override
  public void close() {
    server.close();
  }
}
