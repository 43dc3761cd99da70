package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.tensor.numpy.Npz;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.Inputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator sets a sampling policy on a version of a two-input 4-D model; real agents running it
 * copy calls to the server within the daily byte budget, and the export gives back, tensor for
 * tensor, the inputs the devices were fed.
 */
class SampledInputsTest {

  private static final long DAILY_BYTES = 12_000;

  @TempDir Path dir;

  @Test
  void agentsSampleWithinTheirBudgetAndTheExportHoldsTheInputsTheyRan() throws Exception {
    try (FleetFixture fleet = FleetFixture.embedded(dir)) {
      TwoInputImageModel.Built built = TwoInputImageModel.bundle(dir.resolve("image-model"), fleet.packagerKey, 1, 4);
      fleet.upload(built.bundle());
      String base = "/api/v1/models/" + TwoInputImageModel.NAME + "/versions/1";
      assertThat(fleet.api.put(base + "/sampling", Map.of("rate", 0.5, "dailyBytes", DAILY_BYTES)).status()).isEqualTo(200);
      FleetSimulator sim = fleet.simulate(3, List.of(new DeviceProfile("vectors", Map.of("hw", "camera"), 20, 0)
          .withInputs(Inputs.testVectors())), b -> b.model(TwoInputImageModel.NAME, "pixels"));
      fleet.awaitDevicesKnown(3);
      fleet.rollout(TwoInputImageModel.NAME, 1, "hw=camera");

      // Each device fills its budget to within one sample (about 1 KB here) and never past it.
      await().atMost(FleetFixture.PATIENCE).until(() -> {
        Map<String, Long> spent = bytesByDevice(fleet, base);
        return spent.size() == 3 && spent.values().stream().allMatch(b -> b > DAILY_BYTES - 2_000);
      });
      assertThat(bytesByDevice(fleet, base).values()).allMatch(b -> b <= DAILY_BYTES);

      byte[] npz = bytes(fleet, base + "/samples/export?format=npz");
      Map<String, Tensor> arrays = Npz.tensors(Npz.read("export.npz", npz, 1 << 26));
      List<Tensor> fed = built.manifest().testVectors().stream().map(v -> v.inputs().get("pixels")).toList();
      List<String> pixels = arrays.keySet().stream().filter(k -> k.endsWith("/input/pixels")).toList();
      assertThat(pixels).isNotEmpty();
      for (String key : pixels) {
        assertThat(fed).contains(arrays.get(key));
        String sample = key.substring(0, key.indexOf('/'));
        Tensor gain = arrays.get(sample + "/input/gain");
        TestVector vector = built.manifest().testVectors().stream().filter(v -> v.inputs().get("pixels").equals(arrays.get(key)))
            .findFirst().orElseThrow();
        assertThat(gain).isEqualTo(vector.inputs().get("gain"));
        for (String output : vector.expected().keySet()) {
          assertThat(arrays.get(sample + "/output/" + output).shape()).isEqualTo(vector.expected().get(output).shape());
        }
      }
      assertThat(sim.totalFailures()).isZero();
    }
  }

  private static Map<String, Long> bytesByDevice(FleetFixture fleet, String base) throws Exception {
    Map<String, Long> spent = new HashMap<>();
    for (String line : fleet.api.getText(base + "/samples/export?format=jsonl").lines().toList()) {
      JsonNode s = Json.mapper().readTree(line);
      spent.merge(s.get("deviceId").asText(), s.get("bytes").asLong(), Long::sum);
    }
    return spent;
  }

  private static byte[] bytes(FleetFixture fleet, String path) throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fleet.server.httpUrl() + path))
        .header("Authorization", "Bearer " + fleet.api.token()).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
