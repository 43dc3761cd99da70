package org.edgefleet.scenario;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fleet server in a child JVM ({@code org.edgefleet.server.Main} on the test's class path), so a
 * test can kill it the way a crash or an OOM killer would: SIGKILL, no shutdown hook, nothing
 * flushed, its lease left to expire.
 */
final class ServerProcess implements AutoCloseable {

  private final Process process;
  private final int httpPort;
  private final Path log;

  private ServerProcess(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /** Starts the server with the given flags (plus a free HTTP port) and waits until its API answers. */
  static ServerProcess start(Path log, List<String> flags) throws IOException, InterruptedException {
    int port = MosquittoBroker.freePort();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), "org.edgefleet.server.Main",
        "--http-port", Integer.toString(port)));
    command.addAll(flags);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ServerProcess server = new ServerProcess(p, port, log);
    server.awaitReady(Duration.ofSeconds(60));
    return server;
  }

  String httpUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the server process did not die within 20 s of SIGKILL");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private void awaitReady(Duration patience) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(patience);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("the server exited with " + process.exitValue() + ", see " + log);
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(httpUrl() + "/api/v1/health"))
            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
        // The health probe needs no token; 503 is a server that answers but has not reached its broker yet.
        if (r.statusCode() == 200 || r.statusCode() == 503) {
          return;
        }
      } catch (IOException notYet) {
        // Still starting.
      }
      Thread.sleep(200);
    }
    kill();
    throw new IOException("the server did not answer on port " + httpPort + " within " + patience + ", see " + log);
  }
}
