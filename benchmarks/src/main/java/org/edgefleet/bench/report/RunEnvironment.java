package org.edgefleet.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The machine and JVM a run happened on: figures mean little without them. */
public record RunEnvironment(Instant date, int cores, String cpu, long memoryBytes, String jdk, String os) {

  public static RunEnvironment current() {
    return new RunEnvironment(Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
        procField(Path.of("/proc/cpuinfo"), "model name"), memTotalBytes(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
  }

  /** One line for the results header. */
  public String describe() {
    return date + ", " + cores + " cores (" + cpu + "), " + Numbers.format(memoryBytes / (1024.0 * 1024 * 1024))
        + " GiB RAM, " + jdk + ", " + os;
  }

  private static long memTotalBytes() {
    String kib = procField(Path.of("/proc/meminfo"), "MemTotal");
    try {
      return Long.parseLong(kib.replace("kB", "").trim()) * 1024;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String procField(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
          return line.substring(colon + 1).trim();
        }
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "unknown";
  }
}
