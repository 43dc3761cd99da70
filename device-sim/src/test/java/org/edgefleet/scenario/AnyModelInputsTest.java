package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.Inputs;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated application feeds any model, not only the motor rows: a fleet rolled out with a
 * two-input model whose main input is 4-D keeps predicting, half the devices from the bundle's own
 * test vectors and half from a directory of tensor files, with no failed call, and the server's
 * metrics count the inferences.
 */
class AnyModelInputsTest {

  @TempDir Path dir;

  @Test
  void aNonMotorModelIsFedFromItsTestVectorsAndFromTensorFiles() throws Exception {
    try (FleetFixture fleet = FleetFixture.embedded(dir)) {
      TwoInputImageModel.Built built = TwoInputImageModel.bundle(dir.resolve("image-model"), fleet.packagerKey, 1, 4);
      fleet.upload(built.bundle());
      Path files = dir.resolve("input-files");
      TwoInputImageModel.writeInputFiles(built.manifest(), files);
      Map<String, String> labels = Map.of("hw", "camera");
      List<DeviceProfile> profiles = List.of(
          new DeviceProfile("vectors", labels, 20, 0).withInputs(Inputs.testVectors()),
          new DeviceProfile("files", labels, 20, 0).withInputs(Inputs.tensorFiles(files)));
      FleetSimulator sim = fleet.simulate(4, profiles, b -> b.model(TwoInputImageModel.NAME, "pixels"));
      fleet.awaitDevicesKnown(4);

      fleet.rollout(TwoInputImageModel.NAME, 1, "hw=camera");
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(TwoInputImageModel.NAME, 1) == 4);
      await().atMost(FleetFixture.PATIENCE).until(() -> inferences(fleet) >= 200);

      JsonNode v1 = fleet.api.getJson("/api/v1/metrics/models/" + TwoInputImageModel.NAME).get("versions").get(0);
      assertThat(v1.get("version").asInt()).isEqualTo(1);
      assertThat(v1.get("errors").asLong()).isZero();
      for (SimulatedDevice d : sim.devices()) {
        assertThat(d.predictions()).as(d.id() + " (" + d.profile().name() + ")").isPositive();
        assertThat(d.failures()).as(d.id() + ": " + d.lastFailure()).isZero();
      }
      assertThat(sim.totalFailures()).isZero();
    }
  }

  private static long inferences(FleetFixture fleet) throws Exception {
    FleetApi.Response r = fleet.api.get("/api/v1/metrics/models/" + TwoInputImageModel.NAME);
    if (r.status() != 200 || r.body().get("versions").isEmpty()) {
      return 0;
    }
    return r.body().get("versions").get(0).get("inferences").asLong();
  }
}
