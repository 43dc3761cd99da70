package org.edgefleet.bench.connected;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel limits thousands of simulated devices run into, checked before the fleet starts so
 * that a run fails at once with the command that lifts the limit, not half-way with "unable to
 * create native thread". Each device holds a socket and its outbox's SQLite files open (counted
 * against each process), and three Paho threads, each a process id and two memory mappings
 * (stack and guard), counted against the machine.
 */
final class HostLimits {

  static final int FILES_PER_DEVICE = 5;
  static final int THREADS_PER_DEVICE = 3;

  private HostLimits() {}

  /**
   * @param perProcess the most devices one simulator process holds
   * @param devices all devices on the machine
   */
  static void require(int perProcess, int devices) throws IOException {
    List<String> lacking = new ArrayList<>();
    long files = (long) perProcess * FILES_PER_DEVICE + 4096;
    long threads = (long) devices * THREADS_PER_DEVICE + 4096;
    long openFiles = openFilesLimit();
    if (openFiles < files) {
      lacking.add("open files " + openFiles + " < " + files + " (ulimit -n " + files + ")");
    }
    long pidMax = readLong(Path.of("/proc/sys/kernel/pid_max"));
    if (pidMax < threads) {
      lacking.add("kernel.pid_max " + pidMax + " < " + threads + " (sysctl -w kernel.pid_max=" + Math.max(threads, 4_194_304) + ")");
    }
    long maps = readLong(Path.of("/proc/sys/vm/max_map_count"));
    if (maps < threads * 2 + 65_536) {
      lacking.add("vm.max_map_count " + maps + " < " + (threads * 2 + 65_536) + " (sysctl -w vm.max_map_count="
          + (threads * 2 + 65_536) + ")");
    }
    if (!lacking.isEmpty()) {
      throw new IllegalStateException(devices + " devices need more than this machine allows: " + String.join("; ", lacking));
    }
  }

  private static long openFilesLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    return Long.MAX_VALUE;
  }

  // Files.readString trusts the size /proc reports, which cuts "4194304" to "4": read lines instead.
  private static long readLong(Path file) throws IOException {
    return Files.exists(file) ? Long.parseLong(Files.readAllLines(file).get(0).trim()) : Long.MAX_VALUE;
  }
}
