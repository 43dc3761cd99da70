package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;
import java.util.function.UnaryOperator;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FeatureShift;
import org.edgefleet.sim.FleetSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift from the devices, without raw data: the sample motor model (8 features) rolls out to
 * simulated devices; on one cohort the application's inputs drift on exactly two features. The
 * agents bin their live inputs on the manifest's reference bins and send the counts; the server's
 * PSI is above the alert threshold on exactly those two features of that cohort, below the warn
 * threshold on the other six, and below warn on every feature of the cohort without drift.
 */
class InputDriftTest {

  private static final List<String> SHIFTED = List.of("vib_rms_x", "winding_current_a");
  private static final double WARN = 0.1;
  private static final double ALERT = 0.25;
  private static final long SAMPLES = 3000;

  @TempDir Path dir;

  @Test
  void driftInjectedOnTwoOfEightFeaturesRaisesPsiAboveTheAlertThresholdOnExactlyThoseTwo() throws Exception {
    assertThat(MotorDataGenerator.featureNames()).hasSize(8).containsAll(SHIFTED);
    List<DeviceProfile> profiles = List.of(
        new DeviceProfile("drifting", Map.of("hw", "rpi4"), 100, 0).withShift(FeatureShift.of(SHIFTED, 0, 1.6)),
        new DeviceProfile("steady", Map.of("hw", "jetson"), 100, 0));
    try (FleetFixture fleet = FleetFixture.embedded(dir)) {
      fleet.upload(fleet.bundles.bundle(1));
      FleetSimulator sim = fleet.simulate(4, profiles, UnaryOperator.identity());
      fleet.awaitDevicesKnown(4);
      fleet.rollout(SampleBundles.MODEL, 1, "");
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 1) == 4);

      String path = "/api/v1/drift/models/" + SampleBundles.MODEL + "/versions/1?window=1h&selector=";
      await().atMost(FleetFixture.PATIENCE).until(() -> minSamples(fleet.api.getJson(path + "hw=rpi4")) >= SAMPLES
          && minSamples(fleet.api.getJson(path + "hw=jetson")) >= SAMPLES);

      JsonNode drifting = fleet.api.getJson(path + "hw=rpi4");
      assertThat(drifting.get("features")).hasSize(8);
      assertThat(featuresWithPsi(drifting, psi -> psi >= ALERT)).as(drifting.toString()).containsExactlyInAnyOrderElementsOf(SHIFTED);
      assertThat(featuresWithPsi(drifting, psi -> psi >= WARN)).as(drifting.toString()).containsExactlyInAnyOrderElementsOf(SHIFTED);
      assertThat(drifting.get("level").asText()).isEqualTo("ALERT");

      JsonNode steady = fleet.api.getJson(path + "hw=jetson");
      assertThat(featuresWithPsi(steady, psi -> psi >= WARN)).as(steady.toString()).isEmpty();
      assertThat(steady.get("level").asText()).isEqualTo("OK");
      assertThat(sim.totalFailures()).isZero();
    }
  }

  private static long minSamples(JsonNode report) {
    long min = Long.MAX_VALUE;
    for (JsonNode f : report.get("features")) {
      min = Math.min(min, f.get("samples").asLong());
    }
    return min;
  }

  private static List<String> featuresWithPsi(JsonNode report, DoublePredicate test) {
    List<String> out = new ArrayList<>();
    for (JsonNode f : report.get("features")) {
      if (test.test(f.get("psi").asDouble())) {
        out.add(f.get("feature").asText());
      }
    }
    return out;
  }
}
