package org.edgefleet.bench.footprint;

import java.util.ArrayList;
import java.util.List;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Goal;
import org.edgefleet.bench.report.Numbers;
import org.edgefleet.bench.report.Outcome;

/** Turns the footprint measurements into the results: one outcome per flag set, and what the memory is. */
final class FootprintReport {

  /** One process: its figures, its resident memory by mapping, and the JVM's own accounting when it was on. */
  record Measured(ProcessMemory.Sample sample, List<ProcessMemory.Mapping> mappings, NativeMemorySummary accounting) {}

  /** One flag set: the agent and both baselines started with it. */
  record Row(JvmFlagSet flags, Measured agent, Measured ort, Measured idle) {}

  /** The agent and the JVM + ORT baseline once more, with native memory tracking on. */
  record Accounting(JvmFlagSet flags, Measured agent, Measured ort) {}

  static final Goal GOAL = Goal.valueAtMost(64);
  private static final int MAPPINGS_SHOWN = 6;
  private static final int CATEGORIES_SHOWN = 7;

  private FootprintReport() {}

  static BenchmarkReport of(List<Row> rows, Accounting accounting, FootprintBenchmark.Settings settings) {
    List<Outcome> outcomes = new ArrayList<>();
    List<String> d = new ArrayList<>();
    d.add("| JVM flags | agent RSS | agent peak RSS (VmHWM) | agent heap used / committed | JVM + ORT + model RSS "
        + "| bare JVM RSS | agent minus JVM + ORT |");
    d.add("|---|---|---|---|---|---|---|");
    for (Row r : rows) {
      ProcessMemory.Sample a = r.agent().sample();
      long ort = r.ort().sample().rssBytes();
      outcomes.add(new Outcome(FootprintBenchmark.NAME,
          "agent RSS, flags `" + r.flags().name() + "` (baseline: JVM + ORT, same flags)", "MiB", Numbers.mib(a.rssBytes()),
          Numbers.mib(ort), GOAL));
      d.add("| `" + r.flags().name() + "` | " + mib(a.rssBytes()) + " | " + mib(a.peakRssBytes()) + " | " + heap(a) + " | "
          + mib(ort) + " | " + mib(r.idle().sample().rssBytes()) + " | " + mib(a.rssBytes() - ort) + " |");
    }
    d.add("");
    d.add("Flag sets:");
    d.add("");
    for (Row r : rows) {
      d.add("- `" + r.flags().name() + "`: `" + r.flags().describe() + "`: " + r.flags().why());
    }
    d.addAll(accountingTable(accounting));
    d.addAll(mappingTable(accounting));
    d.add("");
    d.add("Each process idles " + settings.settle().toSeconds() + " s after it is up (the agent: online and serving the sample "
        + "model it loaded from disk; the probes: model loaded, or nothing) before VmRSS and VmHWM are read from "
        + "/proc/PID/status; heap from `jstat -gc`. The agent makes no predictions: the daemon has no local endpoint yet.");
    return new BenchmarkReport(FootprintBenchmark.NAME, "Footprint: one agent process with ONNX Runtime and the sample model",
        outcomes, d);
  }

  /** NMT categories side by side; the rest of RSS is native libraries' code and their own allocations. */
  private static List<String> accountingTable(Accounting a) {
    NativeMemorySummary agent = a.agent().accounting();
    NativeMemorySummary ort = a.ort().accounting();
    List<String> d = new ArrayList<>();
    d.add("");
    d.add("What the memory is, with `" + a.flags().name() + "` and `" + NativeMemorySummary.FLAG + "` (a run of its own: "
        + "tracking costs memory too). JVM categories are committed memory from `jcmd PID VM.native_memory summary`; "
        + "the rest of RSS is outside the JVM's accounting: native libraries' code and their own allocations.");
    d.add("");
    d.add("| | agent | JVM + ORT + model |");
    d.add("|---|---|---|");
    for (NativeMemorySummary.Category c : agent.categories().subList(0, Math.min(CATEGORIES_SHOWN, agent.categories().size()))) {
      d.add("| JVM: " + c.name() + " | " + mib(c.committedBytes()) + " | " + mib(ort.committed(c.name())) + " |");
    }
    d.add("| JVM total (NMT committed) | " + mib(agent.totalCommittedBytes()) + " | " + mib(ort.totalCommittedBytes()) + " |");
    d.add("| RSS | " + mib(a.agent().sample().rssBytes()) + " | " + mib(a.ort().sample().rssBytes()) + " |");
    d.add("| RSS minus JVM total | " + mib(a.agent().sample().rssBytes() - agent.totalCommittedBytes()) + " | "
        + mib(a.ort().sample().rssBytes() - ort.totalCommittedBytes()) + " |");
    return d;
  }

  private static List<String> mappingTable(Accounting a) {
    List<String> d = new ArrayList<>();
    d.add("");
    d.add("The agent's resident memory by mapping in the same run (/proc/PID/smaps; `[anon]` is the Java heap, metaspace, "
        + "code cache, thread stacks and every native allocation, ONNX Runtime's included):");
    d.add("");
    d.add("| mapping | RSS |");
    d.add("|---|---|");
    List<ProcessMemory.Mapping> mappings = a.agent().mappings();
    long shown = 0;
    for (ProcessMemory.Mapping m : mappings.subList(0, Math.min(MAPPINGS_SHOWN, mappings.size()))) {
      d.add("| " + m.name() + " | " + mib(m.rssBytes()) + " |");
      shown += m.rssBytes();
    }
    long total = mappings.stream().mapToLong(ProcessMemory.Mapping::rssBytes).sum();
    d.add("| everything else | " + mib(total - shown) + " |");
    return d;
  }

  private static String heap(ProcessMemory.Sample s) {
    return s.heapUsedBytes() < 0 ? "n/a" : mib(s.heapUsedBytes()) + " / " + mib(s.heapCommittedBytes());
  }

  private static String mib(long bytes) {
    return Numbers.format(Numbers.mib(bytes)) + " MiB";
  }
}
