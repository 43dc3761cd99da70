package org.edgefleet.bench.fleet;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgefleet.bench.Poll;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.PublicKey;

/**
 * A fleet server in a process of its own ({@code org.edgefleet.server.Main} on this JVM's class
 * path), so that its CPU time and resident memory can be read apart from the simulated devices'
 * (which share this JVM). Embedded broker and SQLite in its data directory, free loopback ports,
 * the server's defaults unless {@code args} say otherwise. {@link #close} stops it with SIGTERM.
 */
public final class ServerProcess implements AutoCloseable {

  /**
   * What the process has used so far: CPU time of all its threads, resident memory, threads.
   *
   * @param cpuNanos user and system time since the process started
   */
  public record Usage(long cpuNanos, long rssBytes, int threads) {}

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_WAIT = Duration.ofSeconds(60);
  // Linux reports CPU times in clock ticks; USER_HZ is 100 on every architecture the kernel supports today.
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final Process process;
  private final Thread stopOnExit;
  private final Path log;
  private final String httpUrl;
  private final String mqttUrl;
  private final FleetApi api;

  private ServerProcess(Process process, Thread stopOnExit, Path log, String httpUrl, String mqttUrl, FleetApi api) {
    this.process = process;
    this.stopOnExit = stopOnExit;
    this.log = log;
    this.httpUrl = httpUrl;
    this.mqttUrl = mqttUrl;
    this.api = api;
  }

  /**
   * Starts the server and waits until its API answers.
   *
   * @param jvmOptions options of the server's JVM (heap size, ...)
   * @param args server settings besides data directory and ports, e.g. {@code --max-devices 20000}
   */
  public static ServerProcess start(Path dir, List<String> jvmOptions, List<String> args) throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("server"));
    int httpPort = freePort();
    int mqttPort = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.edgefleet.server.Main",
        "--data-dir", dataDir.toString(), "--http-port", Integer.toString(httpPort), "--mqtt-port", Integer.toString(mqttPort)));
    command.addAll(args);
    Path log = dir.resolve("server.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Thread stopOnExit = stopOnExit(process);
    String httpUrl = "http://127.0.0.1:" + httpPort;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      Poll.until("the server process to answer " + httpUrl + "/api/v1/health", START_TIMEOUT, Duration.ofMillis(200), () -> {
        if (!process.isAlive()) {
          throw new IllegalStateException("the server exited with " + process.exitValue() + ": " + Files.readString(log).strip());
        }
        try {
          return http.send(HttpRequest.newBuilder(URI.create(httpUrl + "/api/v1/health")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
          return false;
        }
      });
      FleetApi api = new FleetApi(httpUrl, Files.readString(dataDir.resolve("admin-token")).trim());
      return new ServerProcess(process, stopOnExit, log, httpUrl, "tcp://127.0.0.1:" + mqttPort, api);
    } catch (Exception e) {
      keepRunningOnExit(stopOnExit);
      process.destroyForcibly().waitFor();
      throw e;
    }
  }

  public FleetApi api() {
    return api;
  }

  public String mqttUrl() {
    return mqttUrl;
  }

  public long pid() {
    return process.pid();
  }

  /** The key devices check desired states with, as an operator fetches it. */
  public PublicKey serverKey(Path into) throws IOException, InterruptedException {
    HttpResponse<Path> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(httpUrl + "/api/v1/keys/server"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofFile(into));
    if (r.statusCode() != 200) {
      throw new IOException("GET /api/v1/keys/server answered " + r.statusCode());
    }
    return KeyFiles.readPublic(into);
  }

  /** Reads {@code /proc/PID/stat} and {@code /proc/PID/status}; fails with the server's log if it has exited. */
  public Usage usage() throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException("the server exited with " + process.exitValue() + ": " + Files.readString(log).strip());
    }
    Path proc = Path.of("/proc", Long.toString(process.pid()));
    String stat = Files.readString(proc.resolve("stat"));
    // Fields after the command name, which is in parentheses and may hold spaces: utime is the 12th, stime the 13th.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    long rss = -1;
    int threads = -1;
    for (String line : Files.readAllLines(proc.resolve("status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      } else if (line.startsWith("Threads:")) {
        threads = Integer.parseInt(line.replaceAll("\\D", ""));
      }
    }
    return new Usage(ticks * NANOS_PER_TICK, rss, threads);
  }

  /**
   * Stops {@code process} when this JVM exits, also on SIGTERM or Ctrl-C: a child process outlives
   * its parent otherwise, and a stopped benchmark would leave servers and simulated fleets running.
   */
  public static Thread stopOnExit(Process process) {
    Thread hook = new Thread(process::destroy, "stop-child-" + process.pid());
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  /** Undoes {@link #stopOnExit} once the process is stopped the normal way. */
  public static void keepRunningOnExit(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException exiting) {
      // The JVM is exiting and runs the hook anyway: the process is destroyed either way.
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    ServerProcess.keepRunningOnExit(stopOnExit);
    process.destroy();
    if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
