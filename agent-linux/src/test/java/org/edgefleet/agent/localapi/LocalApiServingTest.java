package org.edgefleet.agent.localapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.Prediction;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.tensor.numpy.Npz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real agent with real ONNX models, called over TCP and over the Unix socket like the Java API. */
class LocalApiServingTest {

  @TempDir static Path dir;
  static ServingAgent serving;
  static LocalApiServer server;
  static Path socket;

  @BeforeAll
  static void start() throws Exception {
    serving = ServingAgent.start(dir);
    socket = dir.resolve("run/agent.sock");
    server = LocalApiServer.start(serving.agent, LocalApiSettings.listening(0, socket));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (serving != null) {
      serving.close();
    }
  }

  static List<LocalApiClient> bothTransports() {
    return List.of(LocalApiClient.tcp(server.tcpAddress().orElseThrow()), LocalApiClient.unix(socket));
  }

  @Test
  void predictOverJsonGivesTheJavaApiOutputsOnBothTransports() throws Exception {
    for (LocalApiClient client : bothTransports()) {
      try (client) {
        for (int i = 0; i < 3; i++) {
          Prediction expected = serving.agent.predict(ServingAgent.MODEL, ServingAgent.features(i));
          byte[] body = Json.write(Map.of("inputs", ServingAgent.features(i)));
          LocalApiClient.Response r = client.post("/v1/models/motor-anomaly/predict", "application/json", body);
          assertThat(r.status()).as(r.text()).isEqualTo(200);
          JsonNode json = Json.mapper().readTree(r.body());
          assertThat(json.path("model").asText()).isEqualTo(ServingAgent.MODEL);
          assertThat(json.path("version").asInt()).isEqualTo(1);
          assertThat(tensor(json.path("outputs").path(LinearModel.PROBABILITIES)))
              .isEqualTo(expected.output(LinearModel.PROBABILITIES));
          assertThat(tensor(json.path("outputs").path(LinearModel.LABEL))).isEqualTo(expected.output(LinearModel.LABEL));
        }
      }
    }
  }

  @Test
  void nestedDataAsNumpyToListWritesItIsTheSameTensor() throws Exception {
    float[] x = TestBundles.sample(1);
    String body = "{\"inputs\":{\"features\":{\"data\":[[" + x[0] + "," + x[1] + "," + x[2]
        + "]],\"shape\":[1,3],\"dtype\":\"float32\"}}}";
    Prediction expected = serving.agent.predict(ServingAgent.MODEL, ServingAgent.features(1));
    try (LocalApiClient client = LocalApiClient.unix(socket)) {
      LocalApiClient.Response r = client.post("/v1/models/motor-anomaly/predict", "application/json; charset=utf-8",
          body.getBytes(StandardCharsets.UTF_8));
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(tensor(Json.mapper().readTree(r.body()).path("outputs").path(LinearModel.PROBABILITIES)))
          .isEqualTo(expected.output(LinearModel.PROBABILITIES));
    }
  }

  @Test
  void npzInAndOutGivesTheJavaApiOutputsExactly() throws Exception {
    float[][] rows = new float[64][];
    float[] flat = new float[64 * LinearModel.FEATURES];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(TestBundles.sample(i % 7), 0, flat, i * LinearModel.FEATURES, LinearModel.FEATURES);
    }
    Map<String, Tensor> inputs = Map.of(LinearModel.INPUT, Tensor.ofFloats(new long[] {64, LinearModel.FEATURES}, flat));
    Prediction expected = serving.agent.predict(ServingAgent.MODEL, inputs);
    for (LocalApiClient client : bothTransports()) {
      try (client) {
        LocalApiClient.Response r = client.send("POST", "/v1/models/motor-anomaly/predict", "application/x-npz",
            Npz.toBytes(inputs), Map.of("Accept", "application/x-npz"));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.headers().get("content-type")).isEqualTo("application/x-npz");
        assertThat(Npz.tensors(Npz.read("the answer", r.body(), Long.MAX_VALUE))).isEqualTo(expected.outputs());
      }
    }
  }

  @Test
  void exporterStyleTensorNamesTravelAsJsonKeysAndNpzEntries() throws Exception {
    Tensor x = Tensor.ofFloats(new long[] {2, 4}, new float[] {1, 2, 3, 4, -1, -2, -3, -6});
    Map<String, Tensor> inputs = Map.of(OddNamesModel.INPUT, x);
    Tensor expected = serving.agent.predict(OddNamesModel.NAME, inputs).output(OddNamesModel.OUTPUT);
    try (LocalApiClient client = LocalApiClient.unix(socket)) {
      LocalApiClient.Response json = client.post("/v1/models/row%2Dmean/predict", "application/json",
          Json.write(Map.of("inputs", inputs)));
      assertThat(json.status()).as(json.text()).isEqualTo(200);
      assertThat(tensor(Json.mapper().readTree(json.body()).path("outputs").path(OddNamesModel.OUTPUT))).isEqualTo(expected);
      LocalApiClient.Response npz = client.send("POST", "/v1/models/row-mean/predict", "application/x-npz",
          Npz.toBytes(inputs), Map.of("Accept", "application/x-npz"));
      assertThat(Npz.tensors(Npz.read("the answer", npz.body(), Long.MAX_VALUE))).containsEntry(OddNamesModel.OUTPUT, expected);
    }
  }

  @Test
  void modelsListTheActiveVersionsWithTheirSpecsAsTheManifestHasThem() throws Exception {
    try (LocalApiClient client = LocalApiClient.tcp(server.tcpAddress().orElseThrow())) {
      JsonNode models = Json.mapper().readTree(client.get("/v1/models").body()).path("models");
      assertThat(models).hasSize(2);
      assertThat(models.get(0).path("name").asText()).isEqualTo(ServingAgent.MODEL);
      JsonNode odd = Json.mapper().readTree(client.get("/v1/models/row-mean").body());
      assertThat(odd.path("activeVersion").asInt()).isEqualTo(1);
      assertThat(odd.path("format").asText()).isEqualTo("onnx");
      assertThat(odd.path("inputs").get(0).path("name").asText()).isEqualTo(OddNamesModel.INPUT);
      assertThat(odd.path("inputs").get(0).path("dtype").asText()).isEqualTo("float32");
      assertThat(odd.path("inputs").get(0).path("shape").toString()).isEqualTo("[-1,-1]");
      assertThat(odd.path("outputs").get(0).path("name").asText()).isEqualTo(OddNamesModel.OUTPUT);
      JsonNode linear = Json.mapper().readTree(client.get("/v1/models/motor-anomaly").body());
      assertThat(linear.path("inputs").get(0).path("features").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
      assertThat(linear.path("outputs").get(1).path("dtype").asText()).isEqualTo("int64");
    }
  }

  @Test
  void healthAndMetricsCountEveryCallerOfTheModel() throws Exception {
    try (LocalApiClient client = LocalApiClient.unix(socket)) {
      JsonNode health = Json.mapper().readTree(client.get("/v1/health").body());
      assertThat(health.path("status").asText()).isEqualTo("ok");
      assertThat(health.path("deviceId").asText()).isEqualTo(ServingAgent.DEVICE);
      long before = predictions(client.get("/v1/metrics").text());
      serving.agent.predict(ServingAgent.MODEL, ServingAgent.features(0));
      client.post("/v1/models/motor-anomaly/predict", "application/json",
          Json.write(Map.of("inputs", ServingAgent.features(0))));
      LocalApiClient.Response metrics = client.get("/v1/metrics");
      assertThat(metrics.headers().get("content-type")).startsWith("text/plain; version=0.0.4");
      assertThat(predictions(metrics.text())).isEqualTo(before + 2);
      assertThat(metrics.text()).contains("edgefleet_agent_model_active_version{model=\"row-mean\"} 1")
          .contains("edgefleet_local_api_responses_total{status=\"200\"}")
          .contains("# TYPE edgefleet_agent_predictions_total counter");
    }
  }

  private static long predictions(String metrics) {
    String prefix = "edgefleet_agent_predictions_total{model=\"motor-anomaly\",version=\"1\"} ";
    return metrics.lines().filter(l -> l.startsWith(prefix)).mapToLong(l -> Long.parseLong(l.substring(prefix.length())))
        .findFirst().orElse(0);
  }

  @Test
  void theSocketFileIsOwnerOnlyByDefault() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
    assertThat(dir.resolve("run").toFile().list()).containsExactly("agent.sock"); // no staging directory left
  }

  static Tensor tensor(JsonNode node) throws Exception {
    return Json.mapper().treeToValue(node, Tensor.class);
  }
}
