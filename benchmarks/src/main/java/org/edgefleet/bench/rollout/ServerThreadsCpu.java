package org.edgefleet.bench.rollout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * CPU time of the server's threads while the simulated agents run in the same JVM. A thread is the
 * agents' when its name carries the fleet's device id prefix (agent loops, their MQTT threads) or
 * the simulator's pool names; the benchmark's own threads (main, its HTTP client, this sampler) are
 * left out too; every other Java thread is the server's: HTTP, rollout engine, database, embedded
 * broker. ThreadMXBean reads a thread's CPU only while it lives, so threads are sampled every
 * {@link #INTERVAL} and a thread that ends between samples loses at most that much. JVM threads
 * without a Java object (GC, JIT) and native threads are in nobody's figure; the whole process's
 * CPU is reported beside it for that.
 */
final class ServerThreadsCpu implements AutoCloseable {

  /**
   * What the window measured, in nanoseconds: server threads' CPU, the whole process's, and the
   * server's by thread pool (the thread name without its trailing number), largest first.
   */
  record Reading(long serverThreadsNanos, long processNanos, Map<String, Long> byPool) {}

  private static final Duration INTERVAL = Duration.ofMillis(250);
  private static final String SAMPLER = "bench-server-cpu";
  private static final Pattern POOL_NUMBER = Pattern.compile("[-_ ]?[0-9]+$");

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final String deviceIdPrefix;
  private final Map<Long, Long> startCpu = new ConcurrentHashMap<>();
  private final Map<Long, Long> lastCpu = new ConcurrentHashMap<>();
  private final Map<Long, String> names = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, SAMPLER);
    t.setDaemon(true);
    return t;
  });
  private final long processStart;

  private ServerThreadsCpu(String deviceIdPrefix) {
    this.deviceIdPrefix = deviceIdPrefix;
    if (!threads.isThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot read threads' CPU time (ThreadMXBean)");
    }
    threads.setThreadCpuTimeEnabled(true);
    sample(startCpu);
    processStart = processCpuNanos();
  }

  /** Starts measuring now: CPU a server thread used before this is not counted. */
  static ServerThreadsCpu start(String deviceIdPrefix) {
    ServerThreadsCpu cpu = new ServerThreadsCpu(deviceIdPrefix);
    cpu.sampler.scheduleAtFixedRate(() -> cpu.sample(cpu.lastCpu), 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return cpu;
  }

  /** CPU since the start, read now. */
  Reading read() {
    sample(lastCpu);
    long server = 0;
    Map<String, Long> byPool = new HashMap<>();
    for (Map.Entry<Long, Long> e : lastCpu.entrySet()) {
      long used = e.getValue() - startCpu.getOrDefault(e.getKey(), 0L);
      server += used;
      byPool.merge(POOL_NUMBER.matcher(names.get(e.getKey())).replaceAll(""), used, Long::sum);
    }
    Map<String, Long> largestFirst = new LinkedHashMap<>();
    byPool.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> largestFirst.put(e.getKey(), e.getValue()));
    return new Reading(server, processCpuNanos() - processStart, largestFirst);
  }

  private synchronized void sample(Map<Long, Long> into) {
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && isServers(info.getThreadName())) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu >= 0) {
          into.put(info.getThreadId(), cpu);
          names.put(info.getThreadId(), info.getThreadName());
        }
      }
    }
  }

  private boolean isServers(String name) {
    return !(name.contains(deviceIdPrefix) || name.startsWith("sim-") || name.startsWith("edge-agent")
        || name.equals("main") || name.startsWith("HttpClient") || name.equals(SAMPLER));
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
