package org.edgefleet.server.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SampleMessage;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.tensor.numpy.Npz;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version's sampling policy reaches the device in its signed desired state; the device's samples
 * and outcomes are stored once each, listed, and exported as datasets that read back equal; hostile
 * sample messages and export parameters are refused with a reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleApiTest {

  private static final Duration LONG = Duration.ofSeconds(30);
  private static final String BASE = "/api/v1/models/m/versions/1";
  private static final Map<String, Tensor> INPUTS = Map.of(
      "onnx::Flatten_0", Tensor.ofFloats(new long[] {1, 2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
      "steps", Tensor.ofLongs(DType.INT64, new long[] {}, new long[] {42}));
  private static final Map<String, Tensor> OUTPUTS = Map.of("hidden", Tensor.ofFloats(new long[] {1, 2, 2}, new float[] {.5f, -1, 2, 0}));

  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private FleetServer server;
  private Api api;
  private FakeDevice device;
  private DesiredState desired;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    // Packets above the sample limit reach the server, so its own limit is what refuses them.
    server = FleetServer.start(TestServers.config(dir.resolve("data")).maxPacketSize(2 * SampleMessage.MAX_BYTES)
        .trustedPackagerKeys(List.of(TestServers.trustedKey(dir, packager))).build());
    api = Api.admin(server);
    device = new FakeDevice(server.mqttUrl(), "cam-1", server.topics());
    device.report(Map.of("hw", "rpi4"), 0, List.of());
    await().atMost(LONG).until(() -> api.get("/api/v1/devices/cam-1").status() == 200);
    for (String model : List.of("m", "flat", "idle")) {
      assertThat(api.upload(TestBundles.write(dir.resolve(model), packager, model, 1, 2000)).status()).isEqualTo(201);
    }
    assertThat(api.putJson(BASE + "/sampling", "{\"rate\":0.5,\"dailyBytes\":100000,\"outputs\":[\"hidden\"]}").status())
        .isEqualTo(200);
    assertThat(api.putJson("/api/v1/models/flat/versions/1/sampling", "{\"rate\":1,\"dailyBytes\":100000}").status())
        .isEqualTo(200);
    for (String model : List.of("m", "flat")) {
      assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"" + model + "\",\"version\":1}").status()).isEqualTo(201);
    }
    TrustStore trust = TrustStore.of(server.serverKey());
    await().atMost(LONG).until(() -> {
      desired = device.awaitDesired(trust, 1, LONG);
      return desired.models().size() == 2;
    });
  }

  @AfterAll
  void stop() {
    device.close();
    server.close();
  }

  @Test
  void theSignedDesiredStateCarriesEachVersionsPolicy() {
    ModelAssignment m = desired.models().stream().filter(a -> a.name().equals("m")).findFirst().orElseThrow();
    assertThat(m.sampling().rate()).isEqualTo(0.5);
    assertThat(m.sampling().dailyBytes()).isEqualTo(100_000);
    assertThat(m.sampling().inputs()).isNull();
    assertThat(m.sampling().outputs()).containsExactly("hidden");
    assertThat(api.get(BASE + "/sampling").json().get("rate").asDouble()).isEqualTo(0.5);
    assertThat(api.get("/api/v1/models/idle/versions/1/sampling").status()).isEqualTo(404);
  }

  @Test
  void samplesOfAMultiInputNdModelRoundTripThroughJsonlAndNpzWithTheirOutcomes() throws Exception {
    List<String> requests = new ArrayList<>();
    for (int i = 0; i < 40; i++) { // more than one export page
      String request = "nd-" + i;
      requests.add(request);
      send("m", 1, request, INPUTS, OUTPUTS);
    }
    device.publish(TopicKind.SAMPLES, MessageCodec.encode(SampleMessage.of("cam-1", UUID.randomUUID().toString(),
        new SampleMessage.Outcome("nd-3", 0.75, Instant.now()))));
    await().atMost(LONG).until(() -> api.get(BASE + "/samples?limit=1").json().get("total").asLong() >= 40
        && api.get(BASE + "/samples/export?format=jsonl").body().contains("0.75"));

    // The other tests of the class add samples of their own; these are the ones of this test.
    List<JsonNode> lines = api.get(BASE + "/samples/export?format=jsonl").body().lines().map(l -> {
      try {
        return Json.mapper().readTree(l);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).filter(l -> l.get("requestId").asText().startsWith("nd-")).toList();
    assertThat(lines).hasSize(40);
    JsonNode third = lines.stream().filter(l -> l.get("requestId").asText().equals("nd-3")).findFirst().orElseThrow();
    assertThat(third.get("outcome").asDouble()).isEqualTo(0.75);
    Tensor flatten = Json.mapper().treeToValue(third.get("inputs").get("onnx::Flatten_0"), Tensor.class);
    assertThat(flatten).isEqualTo(INPUTS.get("onnx::Flatten_0"));
    assertThat(Json.mapper().treeToValue(third.get("inputs").get("steps"), Tensor.class)).isEqualTo(INPUTS.get("steps"));

    byte[] npz = bytes(BASE + "/samples/export?format=npz");
    Map<String, Tensor> arrays = Npz.tensors(Npz.read("export.npz", npz, 1 << 26));
    long id = third.get("id").asLong();
    assertThat(arrays.get("s" + id + "/input/onnx::Flatten_0")).isEqualTo(INPUTS.get("onnx::Flatten_0"));
    assertThat(arrays.get("s" + id + "/input/steps")).isEqualTo(INPUTS.get("steps"));
    assertThat(arrays.get("s" + id + "/output/hidden")).isEqualTo(OUTPUTS.get("hidden"));
    assertThat(arrays.get("s" + id + "/outcome").floats()).containsExactly(0.75f);
    for (JsonNode line : lines) {
      assertThat(arrays.get("s" + line.get("id").asLong() + "/input/onnx::Flatten_0")).isEqualTo(INPUTS.get("onnx::Flatten_0"));
    }

    assertThat(api.get(BASE + "/samples/export?format=limit").status()).isEqualTo(400);
    Api.Response csv = api.get(BASE + "/samples/export?format=csv");
    assertThat(csv.status()).isEqualTo(422);
    assertThat(csv.body()).contains("format_cannot_hold", "npz");
    assertThat(bytes(BASE + "/samples/export?format=npz&limit=3")).satisfies(b ->
        assertThat(Npz.read("limited.npz", b, 1 << 26)).hasSize(9));
  }

  @Test
  void oneDimensionalSamplesExportAsCsvWithAColumnPerValue() throws Exception {
    Map<String, Tensor> in = Map.of("features", Tensor.ofFloats(new long[] {3}, new float[] {1.5f, -2, 0}));
    send("flat", 1, "a,\"quoted\"", in, Map.of());
    send("flat", 1, null, in, Map.of());
    await().atMost(LONG).until(() -> api.get("/api/v1/models/flat/versions/1/samples/export?format=csv").body().contains("quoted"));
    List<String> rows = api.get("/api/v1/models/flat/versions/1/samples/export?format=csv").body().lines().toList();
    assertThat(rows.get(0)).isEqualTo("id,device_id,request_id,taken_at,outcome,input/features[0],input/features[1],"
        + "input/features[2]");
    assertThat(rows.size()).isGreaterThanOrEqualTo(3);
    assertThat(rows.stream().filter(r -> r.contains(",cam-1,\"a,\"\"quoted\"\"\","))).singleElement()
        .satisfies(r -> assertThat(r).endsWith(",1.5,-2.0,0.0"));
  }

  @Test
  void listingPagesAndShowsShapesWithAPreview() throws Exception {
    for (int i = 0; i < 3; i++) {
      send("m", 1, "page-" + i, INPUTS, OUTPUTS);
    }
    await().atMost(LONG).until(() -> api.get(BASE + "/samples").json().get("total").asLong() >= 3);
    JsonNode first = api.get(BASE + "/samples?limit=2").json();
    assertThat(first.get("samples")).hasSize(2);
    JsonNode tensor = first.get("samples").get(0).get("inputs").get("onnx::Flatten_0");
    assertThat(tensor.get("shape").toString()).isEqualTo("[1,2,3]");
    assertThat(tensor.get("preview")).hasSize(6);
    JsonNode second = api.get(BASE + "/samples?limit=2&cursor=" + first.get("next").asText()).json();
    assertThat(second.get("samples").get(0).get("id").asLong()).isGreaterThan(first.get("samples").get(1).get("id").asLong());
    long id = first.get("samples").get(0).get("id").asLong();
    assertThat(api.get(BASE + "/samples/" + id).json().get("inputs").get("steps").get("data").get(0).asLong()).isEqualTo(42);
    assertThat(api.get("/api/v1/models/flat/versions/1/samples/" + id).status()).isEqualTo(404);
    assertThat(api.get(BASE + "/samples/x").status()).isEqualTo(400);
  }

  @Test
  void hostileSampleMessagesAreRefusedAndReplaysStoredOnce() throws Exception {
    String id = UUID.randomUUID().toString();
    byte[] sample = MessageCodec.encode(SampleMessage.of("cam-1", id, new SampleMessage.Sample("flat", 1, "replayed", Instant.now(),
        Map.of("features", Tensor.ofFloats(new long[] {3}, new float[] {9, 9, 9})), Map.of())));
    double replaysBefore = rejected("replayed");
    double notSampledBefore = rejected("not_sampled");
    double tooLargeBefore = rejected("too_large");
    double malformedBefore = rejected("malformed");
    double invalidBefore = rejected("invalid");
    double mismatchBefore = rejected("device_mismatch");
    device.publish(TopicKind.SAMPLES, sample);
    device.publish(TopicKind.SAMPLES, sample);
    // Another model's sample (registered, but the device does not run it) and a version not assigned.
    send("idle", 1, null, Map.of("x", Tensor.row(1)), Map.of());
    send("m", 2, null, Map.of("x", Tensor.row(1)), Map.of());
    device.publish(TopicKind.SAMPLES, new byte[SampleMessage.MAX_BYTES + 1]);
    device.publish(TopicKind.SAMPLES, "{\"v\":1,\"deviceId\":\"cam-1\",".getBytes(StandardCharsets.UTF_8));
    device.publish(TopicKind.SAMPLES, ("{\"v\":1,\"deviceId\":\"cam-1\",\"id\":\"x\",\"sample\":{\"model\":\"flat\",\"version\":1,"
        + "\"takenAt\":\"2026-01-01T00:00:00Z\",\"inputs\":{\"f\":{\"dtype\":\"float32\",\"shape\":[1000000000],\"data\":[1]}}}}")
        .getBytes(StandardCharsets.UTF_8));
    device.publish(TopicKind.SAMPLES, MessageCodec.encode(SampleMessage.of("cam-2", "y", new SampleMessage.Outcome("r", 1,
        Instant.now()))));
    await().atMost(LONG).until(() -> rejected("device_mismatch") == mismatchBefore + 1);
    await().atMost(LONG).until(() -> rejected("replayed") == replaysBefore + 1 && rejected("not_sampled") == notSampledBefore + 2);
    assertThat(rejected("too_large")).isEqualTo(tooLargeBefore + 1);
    assertThat(rejected("malformed")).isEqualTo(malformedBefore + 1);
    assertThat(rejected("invalid")).isEqualTo(invalidBefore + 1);
    assertThat(api.get("/api/v1/models/flat/versions/1/samples/export?format=jsonl").body().lines()
        .filter(l -> l.contains("\"replayed\""))).hasSize(1);
    assertThat(api.get("/api/v1/models/idle/versions/1/samples").json().get("total").asLong()).isZero();
  }

  @Test
  void badExportAndPolicyParametersAreRefusedWithTheirReason() {
    assertThat(api.get(BASE + "/samples/export").error()).isEqualTo("bad_format");
    assertThat(api.get(BASE + "/samples/export?format=xml").error()).isEqualTo("bad_format");
    assertThat(api.get(BASE + "/samples/export?format=jsonl&limit=0").error()).isEqualTo("bad_limit");
    assertThat(api.get(BASE + "/samples/export?format=jsonl&limit=abc").error()).isEqualTo("bad_limit");
    assertThat(api.get(BASE + "/samples/export?format=jsonl&format=csv").error()).isEqualTo("repeated_parameter");
    assertThat(api.get(BASE + "/samples/export?format=jsonl&where=1").error()).isEqualTo("unknown_parameter");
    assertThat(api.get("/api/v1/models/m/versions/9/samples/export?format=jsonl").status()).isEqualTo(404);
    assertThat(api.get("/api/v1/models/m/versions/x/samples").error()).isEqualTo("bad_version");
    assertThat(api.get(BASE + "/samples?cursor=bogus").error()).isEqualTo("bad_cursor");
    Api.Response rate = api.putJson(BASE + "/sampling", "{\"rate\":1.5,\"dailyBytes\":10}");
    assertThat(rate.status()).isEqualTo(400);
    assertThat(rate.body()).contains("sampling.rate");
    assertThat(api.putJson(BASE + "/sampling", "{\"rate\":0.1,\"dailyBytes\":0}").body()).contains("sampling.dailyBytes");
    assertThat(api.putJson(BASE + "/sampling", "{\"rate\":0.1,\"dailyBytes\":10,\"inputs\":[\"a\",\"a\"]}").body()).contains("twice");
    assertThat(api.putJson("/api/v1/models/m/versions/7/sampling", "{\"rate\":0.1,\"dailyBytes\":10}").status()).isEqualTo(404);
  }

  private void send(String model, int version, String request, Map<String, Tensor> in, Map<String, Tensor> out) throws Exception {
    device.publish(TopicKind.SAMPLES, MessageCodec.encode(SampleMessage.of("cam-1", UUID.randomUUID().toString(),
        new SampleMessage.Sample(model, version, request, Instant.now(), in, out))));
  }

  private byte[] bytes(String path) throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.httpUrl() + path))
        .header("Authorization", "Bearer " + Api.adminToken(server)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private double rejected(String reason) {
    return TestServers.metric(api.get("/metrics").body(), "fleet_device_messages_rejected_total", reason);
  }
}
