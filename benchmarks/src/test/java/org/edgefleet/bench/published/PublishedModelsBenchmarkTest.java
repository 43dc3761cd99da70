package org.edgefleet.bench.published;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published-models harness in its quickest form: every model is packaged, rolled out, served
 * and timed on both sides; a folder without the models is refused with the command that fills it.
 * Timings are not checked.
 */
class PublishedModelsBenchmarkTest {

  @TempDir Path dir;

  @Test
  void everyPublishedModelIsRolledOutAndTimedAgainstItsRuntime() throws Exception {
    Path models = Path.of(System.getProperty("edgefleet.test.models"));
    BenchmarkReport report = PublishedModelsBenchmark.run(dir, new PublishedModelsBenchmark.Settings(models, 1, 2, 5));
    assertThat(report.outcomes()).hasSize(2 * PublishedModel.values().length);
    for (Outcome o : report.outcomes()) {
      assertThat(o.value()).as(o.measure()).isPositive();
      assertThat(o.baseline()).as(o.measure()).isPositive();
    }
    assertThat(report.details()).anyMatch(line -> line.startsWith("| speech embedding CNN | TFLite |"));
  }

  @Test
  void aFolderWithoutTheModelsIsRefusedWithTheWayToFillIt() {
    Path empty = dir.resolve("no-models");
    assertThatThrownBy(() -> PublishedModelsBenchmark.run(dir.resolve("work"), new PublishedModelsBenchmark.Settings(empty, 1, 2, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("embedding_model.onnx")
        .hasMessageContaining("bash test-models/fetch.sh " + empty);
  }
}
