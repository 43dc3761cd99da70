package org.edgefleet.bench.footprint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgefleet.bench.Poll;

/** A JVM started by the footprint benchmark, its output in a log file; {@link #close} stops it with SIGTERM. */
final class ChildJvm implements AutoCloseable {

  private static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final Path log;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * @param extraOptions JVM options after the flag set's: system properties, diagnostics
   */
  static ChildJvm start(String name, Path logDir, JvmFlagSet flags, List<String> extraOptions, String classpath,
      String mainClass, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(flags.flags());
    command.addAll(extraOptions);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    Path log = Files.createDirectories(logDir).resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(flags.environment());
    return new ChildJvm(name, pb.start(), log);
  }

  long pid() {
    return process.pid();
  }

  /** Waits until the process has written a line containing {@code text}; fails with its log if it dies first. */
  void awaitOutput(String text, Duration timeout) throws Exception {
    Poll.until(name + " to print '" + text + "'", timeout, Duration.ofMillis(50), () -> {
      requireAlive();
      return Files.readString(log).contains(text);
    });
  }

  void requireAlive() throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + Files.readString(log).strip());
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
