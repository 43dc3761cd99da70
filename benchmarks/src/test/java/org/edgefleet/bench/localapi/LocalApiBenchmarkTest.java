package org.edgefleet.bench.localapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness runs every case against a real agent and reports figures; timings are not checked. */
class LocalApiBenchmarkTest {

  @TempDir Path dir;

  @Test
  void quickRunMeasuresEveryCaseOverBothTransports() throws Exception {
    BenchmarkReport report = LocalApiBenchmark.run(dir, new LocalApiBenchmark.Settings(1, 2, 5, 1));
    assertThat(report.outcomes()).hasSize(8);
    assertThat(report.outcomes()).filteredOn(o -> o.goal() != null).singleElement()
        .extracting(Outcome::measure).asString().contains("1 KiB JSON over Unix socket");
    assertThat(report.outcomes()).allMatch(o -> o.baseline() > 0);
    assertThat(report.details()).filteredOn(l -> l.startsWith("| 1 ")).hasSize(8);
  }
}
