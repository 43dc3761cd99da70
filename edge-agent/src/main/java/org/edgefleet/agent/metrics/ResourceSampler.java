package org.edgefleet.agent.metrics;

import java.nio.file.Paths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefleet.protocol.message.TelemetryBatch.ResourceUsage;

/**
 * The agent process's resource use from procfs (Linux and Android alike; no JMX). Anything the
 * platform does not expose is left out rather than guessed. In a JVM that runs many agents, RSS
 * and CPU are the whole process's.
 */
public final class ResourceSampler {

  // USER_HZ: the unit of /proc/[pid]/stat times, 100 on every Linux ABI the agent runs on.
  private static final double TICKS_PER_SECOND = 100.0;
  private static final Path STATUS = Paths.get("/proc/self/status");
  private static final Path STAT = Paths.get("/proc/self/stat");
  private static final Path THERMAL = Paths.get("/sys/class/thermal/thermal_zone0/temp");

  private long lastTicks = -1;
  private long lastNanos;

  /**
   * Samples now; the CPU load is the average since the previous sample. Never throws: a reading
   * out of what telemetry accepts is left out, so the interval's model metrics are never lost
   * with it. Not thread-safe.
   */
  public ResourceUsage sample() {
    Runtime rt = Runtime.getRuntime();
    // Two reads, not one snapshot: the heap may grow between them, so the difference can be negative.
    long heap = rt.totalMemory() - rt.freeMemory();
    return usage(cpuLoad(), rssBytes(), heap, temperature());
  }

  /** The usage of these readings, each left out (null) where it is outside what telemetry accepts. */
  static ResourceUsage usage(Double cpuLoad, Long rssBytes, long heapUsedBytes, Double temperatureC) {
    return new ResourceUsage(cpuLoad != null && cpuLoad >= 0 && cpuLoad <= 1024 ? cpuLoad : null,
        rssBytes != null && rssBytes >= 0 ? rssBytes : null, heapUsedBytes >= 0 ? heapUsedBytes : null,
        temperatureC != null && temperatureC >= -273.15 && temperatureC <= 1000 ? temperatureC : null);
  }

  private Double cpuLoad() {
    long ticks = cpuTicks();
    long now = System.nanoTime();
    Double load = null;
    if (ticks >= 0 && lastTicks >= 0 && now > lastNanos) {
      double cpuSeconds = (ticks - lastTicks) / TICKS_PER_SECOND;
      double wallSeconds = (now - lastNanos) / 1e9;
      load = Math.min(1.0, cpuSeconds / (wallSeconds * Runtime.getRuntime().availableProcessors()));
    }
    lastTicks = ticks;
    lastNanos = now;
    return load;
  }

  private static long cpuTicks() {
    String stat = read(STAT);
    if (stat == null) {
      return -1;
    }
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    try {
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static Long rssBytes() {
    String status = read(STATUS);
    if (status == null) {
      return null;
    }
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        try {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
        } catch (RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static Double temperature() {
    String milli = read(THERMAL);
    try {
      return milli == null ? null : Long.parseLong(milli.trim()) / 1000.0;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String read(Path p) {
    try {
      return Files.isReadable(p) ? new String(Files.readAllBytes(p), StandardCharsets.US_ASCII) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
