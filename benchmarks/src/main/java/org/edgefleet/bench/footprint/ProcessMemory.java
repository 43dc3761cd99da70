package org.edgefleet.bench.footprint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A process's memory as Linux and the JVM see it: resident set and its peak from
 * {@code /proc/PID/status}, resident memory per mapping from {@code /proc/PID/smaps}, and the Java
 * heap from {@code jstat -gc} (which reads the JVM's performance counters without attaching).
 */
final class ProcessMemory {

  /**
   * @param heapUsedBytes live and not yet collected objects; -1 when jstat is not available
   * @param heapCommittedBytes heap the JVM has taken from the OS; -1 when jstat is not available
   */
  record Sample(long rssBytes, long peakRssBytes, long heapUsedBytes, long heapCommittedBytes) {}

  /** Resident memory of one mapped file, or of anonymous memory ({@code [anon]}, {@code [heap]}, ...). */
  record Mapping(String name, long rssBytes) {}

  private static final long KIB = 1024;
  private static final Pattern MAPPING_HEADER = Pattern.compile("^[0-9a-f]+-[0-9a-f]+ ");

  private ProcessMemory() {}

  static Sample sample(long pid) throws IOException, InterruptedException {
    Map<String, Long> status = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
        status.put(line.substring(0, 5), kib(line.substring(6)));
      }
    }
    long[] heap = jstatHeap(pid);
    return new Sample(status.getOrDefault("VmRSS", -1L), status.getOrDefault("VmHWM", -1L), heap[0], heap[1]);
  }

  /** Resident memory by what is mapped, largest first; anonymous mappings are summed under {@code [anon]}. */
  static List<Mapping> residentByMapping(long pid) throws IOException {
    Map<String, Long> byName = new HashMap<>();
    String current = null;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
      if (MAPPING_HEADER.matcher(line).find()) {
        current = mappingName(line);
      } else if (line.startsWith("Rss:") && current != null) {
        byName.merge(current, kib(line.substring(4)), Long::sum);
      }
    }
    List<Mapping> out = new ArrayList<>();
    byName.forEach((name, bytes) -> out.add(new Mapping(name, bytes)));
    out.sort((a, b) -> Long.compare(b.rssBytes(), a.rssBytes()));
    return out;
  }

  // Header: address range, permissions, offset, device, inode, then the path (none for anonymous memory).
  private static String mappingName(String header) {
    String[] f = header.trim().split("\\s+", 6);
    if (f.length < 6 || f[5].isBlank()) {
      return "[anon]";
    }
    String path = f[5].trim();
    return path.startsWith("[") ? path : Path.of(path).getFileName().toString();
  }

  /** [used, committed] heap in bytes from {@code jstat -gc}, or [-1, -1] when it cannot tell. */
  private static long[] jstatHeap(long pid) throws IOException, InterruptedException {
    Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
    if (!Files.isExecutable(jstat)) {
      return new long[] {-1, -1};
    }
    Process p = new ProcessBuilder(jstat.toString(), "-gc", Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      return new long[] {-1, -1};
    }
    String[] lines = out.strip().split("\n");
    if (lines.length < 2) {
      return new long[] {-1, -1};
    }
    String[] names = lines[0].trim().split("\\s+");
    String[] values = lines[1].trim().split("\\s+");
    Map<String, Double> v = new HashMap<>();
    for (int i = 0; i < Math.min(names.length, values.length); i++) {
      // Columns a collector does not have (the serial collector's concurrent cycles) read "-".
      if (!values[i].equals("-")) {
        v.put(names[i], Double.parseDouble(values[i]));
      }
    }
    // Survivor spaces, eden and old generation, used and committed, in KiB.
    double used = sum(v, "S0U", "S1U", "EU", "OU");
    double committed = sum(v, "S0C", "S1C", "EC", "OC");
    return new long[] {Math.round(used * KIB), Math.round(committed * KIB)};
  }

  private static double sum(Map<String, Double> values, String... names) {
    double total = 0;
    for (String n : names) {
      total += values.getOrDefault(n, 0.0);
    }
    return total;
  }

  private static long kib(String value) {
    return Long.parseLong(value.replace("kB", "").trim()) * KIB;
  }
}
