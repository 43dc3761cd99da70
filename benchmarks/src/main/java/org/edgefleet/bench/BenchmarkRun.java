package org.edgefleet.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.ResultsDocument;
import org.edgefleet.bench.report.RunEnvironment;
import picocli.CommandLine.Option;

/**
 * What every benchmark command shares: a scratch directory, running each benchmark in turn (one
 * that fails is reported with its reason and the others still run), and the results on stdout as
 * markdown, optionally also as files. Exit code 0 when every benchmark ran, whether or not it met
 * its goal; 1 when one failed.
 */
abstract class BenchmarkRun implements Callable<Integer> {

  @Option(names = "--quick", description = "Smallest sizes: a smoke run that shows the harness works, not a measurement")
  boolean quick;

  @Option(names = "--work-dir", description = "Scratch directory (default: a new one in java.io.tmpdir, deleted afterwards)")
  Path workDir;

  @Option(names = "--keep-work-dir", description = "Keep the scratch directory (logs, databases) after the run")
  boolean keepWorkDir;

  @Option(names = "--json", description = "Also write the results as JSON to this file")
  Path json;

  @Option(names = "--markdown", description = "Also write the results as markdown to this file")
  Path markdown;

  abstract List<BenchmarksCli.Named> benchmarks();

  boolean quick() {
    return quick;
  }

  @Override
  public Integer call() throws Exception {
    Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("edgefleet-bench-");
    List<BenchmarkReport> reports = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    try {
      for (BenchmarksCli.Named b : benchmarks()) {
        Progress.log(b.name(), "starting" + (quick ? " (quick)" : ""));
        long start = System.nanoTime();
        try {
          reports.add(b.benchmark().run(Files.createDirectories(dir.resolve(b.name()))));
        } catch (Exception e) {
          Progress.log(b.name(), "failed: " + e);
          failures.add(b.name() + ": " + e);
        }
        Progress.log(b.name(), "done in " + (System.nanoTime() - start) / 1_000_000_000 + " s");
      }
    } finally {
      if (keepWorkDir) {
        Progress.log("run", "work directory kept: " + dir);
      } else {
        WorkDirs.delete(dir);
      }
    }
    ResultsDocument results = new ResultsDocument(RunEnvironment.current(), reports, failures);
    String text = results.markdown();
    System.out.print(text);
    if (json != null) {
      results.writeJson(json);
    }
    if (markdown != null) {
      Path parent = markdown.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(markdown, text);
    }
    return results.allFailures().isEmpty() ? 0 : 1;
  }
}
