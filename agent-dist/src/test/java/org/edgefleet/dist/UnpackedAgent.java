package org.edgefleet.dist;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefleet.agent.localapi.LocalApiClient;
import org.edgefleet.protocol.json.Json;

/**
 * A tarball unpacked with {@code tar} into a directory, configured for a test fleet and run
 * through its own launcher script, as an installer would: nothing of the build's class path.
 * Its config turns the local endpoint on, on a Unix socket in the directory and a free loopback port.
 */
final class UnpackedAgent {

  static final Path DIST_DIR = Path.of(System.getProperty("edgefleet.dist.dir", "target"));
  static final String DIST_NAME = System.getProperty("edgefleet.dist.name");
  /** The endpoint's default tcpHost. */
  static final String LOCAL_TCP_HOST = "127.0.0.1";

  final String deviceId;
  final Path home;
  final Path config;
  final Path dataDir;
  final Path log;
  final Path localSocket;
  final InetSocketAddress localTcp;
  private final Path javaHome;
  private Process daemon;

  private UnpackedAgent(String deviceId, Path home, Path config, Path dataDir, Path log, Path localSocket,
      InetSocketAddress localTcp, Path javaHome) {
    this.deviceId = deviceId;
    this.home = home;
    this.config = config;
    this.dataDir = dataDir;
    this.log = log;
    this.localSocket = localSocket;
    this.localTcp = localTcp;
    this.javaHome = javaHome;
  }

  static Path tarball(String arch) {
    return DIST_DIR.resolve(DIST_NAME + "-linux-" + arch + ".tar.gz");
  }

  /** Unpacks the tarball of {@code arch} into {@code dir} and writes a config for the fleet's server. */
  static UnpackedAgent unpack(String arch, Path dir, FleetUnderTest fleet, String deviceId, Path javaHome)
      throws IOException, InterruptedException {
    run(Duration.ofMinutes(1), List.of("tar", "-xzf", tarball(arch).toAbsolutePath().toString(), "-C", dir.toString()));
    Path home = dir.resolve(DIST_NAME + "-linux-" + arch);
    Path data = dir.resolve("data");
    Path socket = dir.resolve("run/agent.sock");
    InetSocketAddress tcp = new InetSocketAddress(LOCAL_TCP_HOST, freePort());
    Map<String, Object> localApi = Map.of("unixSocket", socket.toString(), "tcpPort", tcp.getPort());
    Map<String, Object> config = Map.of("deviceId", deviceId, "brokerUrl", fleet.server.mqttUrl(), "dataDir", data.toString(),
        "trustKeys", List.of(fleet.packagerKey.toString(), fleet.serverKey.toString()), "labels", Map.of("arch", arch),
        "telemetryInterval", "2s", "reconnectBase", "200ms", "reconnectMax", "2s", "localApi", localApi);
    Path file = Files.write(home.resolve("etc/agent.json"), Json.writePretty(config));
    return new UnpackedAgent(deviceId, home, file, data, dir.resolve("daemon.log"), socket, tcp, javaHome);
  }

  /** A loopback port free now, bound by the daemon seconds later: with tcpPort 0 the test could not tell which it took. */
  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(LOCAL_TCP_HOST))) {
      return probe.getLocalPort();
    }
  }

  /** The local endpoint's two transports, TCP first, each a fresh client the caller closes. */
  List<LocalApiClient> localApiClients() {
    return List.of(LocalApiClient.tcp(localTcp), LocalApiClient.unix(localSocket));
  }

  /** Starts {@code bin/edgefleet-agent --config etc/agent.json}, its output into {@link #log}. */
  Process start() throws IOException {
    daemon = launcher(List.of("--config", config.toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return daemon;
  }

  String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** SIGTERM (the launcher execs the JVM, so the signal reaches it) and the exit code, or null if it did not end. */
  Integer stop(Duration bound) throws InterruptedException {
    daemon.destroy();
    return daemon.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS) ? daemon.exitValue() : null;
  }

  void kill() {
    if (daemon != null) {
      daemon.destroyForcibly();
    }
  }

  /** {@code bin/edgefleet-agent --config ... predict --model ... --input ...}: its stdout, which must be JSON. */
  String predict(String model, Path input, Duration bound) throws IOException, InterruptedException {
    Path out = Files.createTempFile(home, "predict", ".json");
    Path err = Files.createTempFile(home, "predict", ".log");
    Process p = launcher(List.of("--config", config.toString(), "predict", "--model", model, "--input", input.toString()))
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("predict did not end within " + bound + ": " + Files.readString(err));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("predict exited " + p.exitValue() + ": " + Files.readString(err));
      }
      return Files.readString(out);
    } finally {
      p.destroyForcibly();
    }
  }

  private ProcessBuilder launcher(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/edgefleet-agent").toString());
    command.addAll(args);
    ProcessBuilder b = new ProcessBuilder(command).directory(home.toFile());
    b.environment().put("JAVA_HOME", javaHome.toString());
    b.environment().put("EDGEFLEET_DATA_DIR", dataDir.toString());
    b.environment().remove("EDGEFLEET_JAVA_OPTS");
    return b;
  }

  static void run(Duration bound, List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: "
            + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } finally {
      p.destroyForcibly();
    }
  }
}
