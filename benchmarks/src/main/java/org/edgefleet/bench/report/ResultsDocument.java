package org.edgefleet.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.protocol.json.Json;

/** The results of a run: the machine, a summary table of every outcome, and each benchmark's details. */
public record ResultsDocument(RunEnvironment environment, List<BenchmarkReport> benchmarks, List<String> failures) {

  public ResultsDocument {
    benchmarks = List.copyOf(benchmarks);
    failures = List.copyOf(failures);
  }

  /** Markdown, as pasted into docs/benchmarks.md. */
  public String markdown() {
    List<String> out = new ArrayList<>();
    out.add("Run: " + environment.describe());
    out.add("");
    out.add("| benchmark | measure | EdgeFleet | baseline | ratio | goal | met |");
    out.add("|---|---|---|---|---|---|---|");
    for (BenchmarkReport b : benchmarks) {
      for (Outcome o : b.outcomes()) {
        out.add("| " + o.benchmark() + " | " + o.measure() + " | " + Numbers.format(o.value()) + " " + o.unit() + " | "
            + Numbers.format(o.baseline()) + " " + o.unit() + " | " + Numbers.ratio(o.ratio()) + " | "
            + (o.goal() == null ? "-" : o.goal().describe(o.unit())) + " | " + metText(o.met()) + " |");
      }
    }
    for (String f : allFailures()) {
      out.add("");
      out.add("**Failed:** " + f);
    }
    for (BenchmarkReport b : benchmarks) {
      out.add("");
      out.add("### " + b.title());
      out.add("");
      out.addAll(b.details());
    }
    return String.join("\n", out) + "\n";
  }

  /** Benchmarks that failed as a whole, and parts of benchmarks that could not be measured. */
  public List<String> allFailures() {
    List<String> all = new ArrayList<>(failures);
    for (BenchmarkReport b : benchmarks) {
      b.failures().forEach(f -> all.add(b.name() + ": " + f));
    }
    return all;
  }

  public void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, Json.writePretty(this));
  }

  private static String metText(Boolean met) {
    return met == null ? "-" : met ? "yes" : "**no**";
  }
}
