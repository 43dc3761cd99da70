package org.edgefleet.bench.connected;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgefleet.bench.fleet.ServerProcess;

/**
 * A share of the fleet in a simulator process of its own ({@code device-sim}'s command line on
 * this JVM's class path): the kernel's open-files limit is per process, and each agent holds a
 * socket and its outbox's files, so 10,000 agents do not fit one process where that limit is
 * 20,000 and cannot be raised. Its agents are idle (no predictions) and send telemetry at the
 * interval. {@link #close} stops it with SIGTERM, which closes every agent.
 */
final class SimulatorProcess implements AutoCloseable {

  private static final Duration STOP_WAIT = Duration.ofSeconds(60);

  private final Process process;
  private final Thread stopOnExit;
  private final Path log;

  private SimulatorProcess(Process process, Path log) {
    this.process = process;
    this.stopOnExit = ServerProcess.stopOnExit(process);
    this.log = log;
  }

  static SimulatorProcess start(Path dir, String idPrefix, int devices, String mqttUrl, Path serverKey, Path packagerKey,
      Duration telemetryInterval, int agentThreads) throws IOException {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        "org.edgefleet.sim.SimulatorCli", "--broker", mqttUrl, "--server-key", serverKey.toString(),
        "--packager-key", packagerKey.toString(), "--devices", Integer.toString(devices), "--id-prefix", idPrefix,
        "--data-dir", dir.resolve("devices").toString(), "--labels", "hw=bench", "--rate", "0",
        "--telemetry-interval", telemetryInterval.toMillis() + "ms", "--agent-threads", Integer.toString(agentThreads),
        "--status-every", "30s"));
    Path log = dir.resolve("simulator.log");
    return new SimulatorProcess(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
  }

  void requireAlive() throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException("a simulator process exited with " + process.exitValue() + ": "
          + Files.readString(log).strip());
    }
  }

  @Override
  public void close() {
    ServerProcess.keepRunningOnExit(stopOnExit);
    process.destroy();
    try {
      if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
