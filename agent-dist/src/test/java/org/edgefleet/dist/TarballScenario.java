package org.edgefleet.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgefleet.agent.localapi.LocalApiClient;
import org.edgefleet.agent.update.SlotStore;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * What both architectures' tests check, with waits bounded by {@code patience}: the unpacked
 * agent registers, receives the rolled-out model over MQTT, self-tests and activates it, reports
 * it to the server, answers on its local endpoint over TCP and over the Unix socket, ends within a
 * bound on SIGTERM, and both the endpoint and its {@code predict} give the outputs the packager
 * computed with ONNX Runtime on x86_64.
 */
final class TarballScenario {

  /** The agent's close takes at most 30 s (a last telemetry batch, offline status); systemd allows 45 s. */
  static final Duration STOP_BOUND = Duration.ofSeconds(45);
  private static final TypeReference<Map<String, Tensor>> TENSORS = new TypeReference<>() {};

  private TarballScenario() {}

  /**
   * Runs until the model is active and reported; returns the daemon's pid, still running. The
   * device must report {@code arch} (as the JVM under it sees its CPU) before the rollout.
   */
  static long receiveModel(FleetUnderTest fleet, UnpackedAgent agent, String arch, Duration patience) throws Exception {
    long pid = agent.start().pid();
    await().atMost(patience).pollInterval(Duration.ofMillis(250))
        .until(() -> fleet.reportedArch(agent.deviceId) != null);
    assertThat(fleet.reportedArch(agent.deviceId)).contains(arch);
    fleet.rollOut();
    await().atMost(patience).pollInterval(Duration.ofMillis(250)).until(() -> fleet.reportedActiveVersion(agent.deviceId) == 1);
    assertThat(agent.logText()).contains("event=model_active model=" + FleetUnderTest.MODEL + " version=1");
    return pid;
  }

  /** SIGTERM must end the daemon within {@link #STOP_BOUND}, with the JVM's exit status for it. */
  static void stopsOnSigterm(UnpackedAgent agent) throws Exception {
    Integer exit = agent.stop(STOP_BOUND);
    assertThat(exit).as("daemon ended within %s of SIGTERM; log:%n%s", STOP_BOUND, agent.logText()).isNotNull();
    assertThat(exit).as("exit status after SIGTERM (systemd: SuccessExitStatus=143)").isEqualTo(143);
    assertThat(agent.logText()).contains("event=agent_closed device=" + agent.deviceId, "event=local_api_closed");
    assertThat(agent.localSocket).as("the endpoint removes its socket file on close").doesNotExist();
  }

  /**
   * While the daemon runs, its local endpoint, over loopback TCP and over the Unix socket, lists
   * the model and answers {@code predict} on the installed model's first test vector: the same
   * tensors on both transports, the packager's outputs within the vector's tolerance. Returns
   * those outputs.
   */
  static Map<String, Tensor> servesThePackagersOutputsLocally(UnpackedAgent agent, Duration patience) throws Exception {
    await().atMost(patience).pollInterval(Duration.ofMillis(250))
        .until(() -> agent.logText().contains("event=local_api_started"));
    TestVector vector = firstTestVector(agent);
    byte[] request = Json.write(Map.of("inputs", vector.inputs()));
    Map<String, Tensor> first = null;
    for (LocalApiClient client : agent.localApiClients()) {
      try (client) {
        LocalApiClient.Response models = client.get("/v1/models");
        assertThat(models.status()).as(models.text()).isEqualTo(200);
        JsonNode listed = Json.mapper().readTree(models.body()).path("models");
        assertThat(listed).as(models.text()).hasSize(1);
        assertThat(listed.get(0).path("name").asText()).isEqualTo(FleetUnderTest.MODEL);
        assertThat(listed.get(0).path("activeVersion").asInt()).isEqualTo(1);

        LocalApiClient.Response answer = client.post("/v1/models/" + FleetUnderTest.MODEL + "/predict", "application/json", request);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        JsonNode out = Json.mapper().readTree(answer.body());
        assertThat(out.path("model").asText()).isEqualTo(FleetUnderTest.MODEL);
        assertThat(out.path("version").asInt()).isEqualTo(1);
        Map<String, Tensor> outputs = Json.mapper().convertValue(out.get("outputs"), TENSORS);
        differenceFromThePackager(outputs, vector);
        if (first == null) {
          first = outputs;
        } else {
          assertThat(outputs).as("the Unix socket's answer against the TCP one").isEqualTo(first);
        }
      }
    }
    return first;
  }

  /**
   * Runs {@code predict} from the launcher on the installed model's first test vector and
   * checks the outputs against the vector's expected ones (ONNX Runtime on x86_64, in the
   * packager) and, exactly, against what the local endpoint answered. Returns the largest
   * absolute difference from the packager's.
   */
  static double predictsThePackagersOutputs(UnpackedAgent agent, Map<String, Tensor> servedLocally, Duration bound)
      throws Exception {
    TestVector vector = firstTestVector(agent);
    Path input = Files.write(agent.dataDir.resolveSibling("input.json"), Json.write(vector.inputs()));
    JsonNode out = Json.mapper().readTree(agent.predict(FleetUnderTest.MODEL, input, bound));
    assertThat(out.get("version").asInt()).isEqualTo(1);
    Map<String, Tensor> outputs = Json.mapper().convertValue(out.get("outputs"), TENSORS);
    assertThat(outputs).as("predict's outputs against the local endpoint's").isEqualTo(servedLocally);
    return differenceFromThePackager(outputs, vector);
  }

  private static TestVector firstTestVector(UnpackedAgent agent) throws IOException {
    SlotStore slots = SlotStore.inDataDir(agent.dataDir);
    Manifest manifest = slots.manifest(FleetUnderTest.MODEL, slots.active(FleetUnderTest.MODEL).orElseThrow().slot());
    return manifest.testVectors().get(0);
  }

  /** Names, dtypes and shapes as expected, values within the vector's tolerance; the largest difference. */
  private static double differenceFromThePackager(Map<String, Tensor> outputs, TestVector vector) {
    assertThat(outputs).containsOnlyKeys(vector.expected().keySet());
    double worst = 0;
    for (Map.Entry<String, Tensor> e : vector.expected().entrySet()) {
      Tensor expected = e.getValue();
      Tensor actual = outputs.get(e.getKey());
      assertThat(actual.dtype()).isEqualTo(expected.dtype());
      assertThat(actual.shape()).isEqualTo(expected.shape());
      for (int i = 0; i < expected.size(); i++) {
        worst = Math.max(worst, Math.abs(actual.get(i) - expected.get(i)));
      }
    }
    assertThat(worst).as("largest difference from the packager's outputs").isLessThanOrEqualTo(vector.tolerance());
    return worst;
  }
}
