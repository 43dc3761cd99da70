package org.edgefleet.bench.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizeBenchmarkTest {

  @TempDir
  Path dir;

  @Test
  void quickRunMeasuresEveryModelAndTheCnnMeetsItsGoals() throws Exception {
    Path models = Path.of(System.getProperty("edgefleet.test.models"));
    BenchmarkReport report = QuantizeBenchmark.run(dir, new QuantizeBenchmark.Settings(models, 1, 2, 10));
    assertThat(report.outcomes()).hasSize(16);
    assertThat(report.outcomes()).filteredOn(o -> o.measure().startsWith("shapes CNN") && o.goal() != null)
        .hasSize(4).allMatch(Outcome::met);
    assertThat(report.details()).anyMatch(line -> line.startsWith("| shapes CNN 48x48 | weight-only, per-channel |"));
    assertThat(report.details()).anyMatch(line -> line.startsWith("| speech embedding CNN (published) | static, per-channel |"));
  }
}
