package org.edgefleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefleet.protocol.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the harness from rotting: the documented command runs every benchmark in its quickest
 * mode against real parts and reports a figure and a baseline for each. Timings are not checked:
 * they are the benchmarks' business, and meaningless at these sizes.
 */
class BenchmarksSmokeTest {

  @TempDir Path dir;

  @Test
  void everyBenchmarkRunsAndReportsNumbers() throws Exception {
    Path json = dir.resolve("results.json");
    Path markdown = dir.resolve("results.md");
    int exit = BenchmarksCli.commandLine().execute("all", "--quick", "--work-dir", dir.resolve("work").toString(),
        "--json", json.toString(), "--markdown", markdown.toString());

    JsonNode results = Json.mapper().readTree(json.toFile());
    assertThat(results.get("failures")).as(results.toString()).isEmpty();
    for (JsonNode benchmark : results.get("benchmarks")) {
      assertThat(benchmark.get("failures")).as(benchmark.toString()).isEmpty();
    }
    assertThat(exit).isZero();
    assertThat(results.get("benchmarks")).extracting(b -> b.get("name").asText())
        .containsExactly("predict", "rollout", "telemetry", "footprint");
    for (JsonNode benchmark : results.get("benchmarks")) {
      assertThat(benchmark.get("outcomes")).as(benchmark.get("name").asText()).isNotEmpty();
      for (JsonNode o : benchmark.get("outcomes")) {
        assertThat(o.get("value").asDouble()).as(o.toString()).isPositive();
        assertThat(o.get("baseline").asDouble()).as(o.toString()).isPositive();
      }
    }
    assertThat(Files.readString(markdown)).contains("| benchmark | measure | EdgeFleet | baseline | ratio | goal | met |");
    assertThat(dir.resolve("work")).doesNotExist();
  }
}
