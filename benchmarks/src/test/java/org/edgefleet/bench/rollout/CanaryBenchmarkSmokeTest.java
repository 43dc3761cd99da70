package org.edgefleet.bench.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the canary benchmark from rotting: ten real agents on a real server go through all four
 * stages and the report holds a figure, its baseline, and a row per stage with its devices.
 * Timings are not checked: they are the benchmark's business, and meaningless at this size.
 */
class CanaryBenchmarkSmokeTest {

  static final int DEVICES = 10;
  static final List<Double> STAGES = List.of(1.0, 10.0, 50.0, 100.0);

  @TempDir Path dir;

  @Test
  void tenAgentsGoThroughEveryStageAndTheReportHasEachStage() throws Exception {
    BenchmarkReport report = CanaryBenchmark.run(dir, new CanaryBenchmark.Settings(DEVICES, STAGES, Duration.ofSeconds(1),
        Duration.ofMillis(500), Duration.ofSeconds(1), 2, Duration.ofMinutes(4)));

    assertThat(report.failures()).isEmpty();
    Outcome o = report.outcomes().get(0);
    assertThat(o.value()).as(o.toString()).isPositive();
    assertThat(o.baseline()).as(o.toString()).isPositive();
    List<String> stageRows = report.details().stream().filter(l -> l.matches("\\| [0-9.]+ % \\| .*")).toList();
    assertThat(stageRows).hasSize(STAGES.size());
    assertThat(stageRows.get(STAGES.size() - 1)).as("the last stage holds every device").startsWith("| 100 % | " + DEVICES + " |");
    assertThat(report.details()).anyMatch(l -> l.startsWith("| server threads' CPU"));
  }

  @Test
  void aFleetOfNoDevicesIsRefusedByItsOptionName() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CanaryBenchmark.Settings(0, STAGES, Duration.ofSeconds(1),
        Duration.ofMillis(500), Duration.ofSeconds(1), 2, Duration.ofMinutes(1))).hasMessageContaining("--canary-devices");
  }
}
