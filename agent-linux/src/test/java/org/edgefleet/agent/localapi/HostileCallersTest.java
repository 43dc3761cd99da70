package org.edgefleet.agent.localapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.edgefleet.agent.Prediction;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.tensor.numpy.Npy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Callers that get things wrong or mean harm: each gets a status and a JSON reason, within the
 * endpoint's bounds, and the agent keeps serving everyone else, in process and over the endpoint.
 */
class HostileCallersTest {

  static final String PREDICT = "/v1/models/motor-anomaly/predict";
  static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir static Path dir;
  static ServingAgent serving;
  static LocalApiServer server;
  static Path socket;

  @BeforeAll
  static void start() throws Exception {
    serving = ServingAgent.start(dir);
    socket = dir.resolve("h.sock");
    server = LocalApiServer.start(serving.agent, LocalApiSettings.of(Map.ofEntries(Map.entry(LocalApiSettings.TCP_PORT, 0),
        Map.entry(LocalApiSettings.UNIX_SOCKET, socket), Map.entry(LocalApiSettings.MAX_BODY_BYTES, 65536L),
        Map.entry(LocalApiSettings.BODY_BUDGET_BYTES, 131072L), Map.entry(LocalApiSettings.MAX_HEADERS, 16),
        Map.entry(LocalApiSettings.MAX_HEADER_BYTES, 2048), Map.entry(LocalApiSettings.REQUEST_TIMEOUT, Duration.ofMillis(500)),
        Map.entry(LocalApiSettings.IDLE_TIMEOUT, Duration.ofMillis(1500)), Map.entry(LocalApiSettings.MAX_CONNECTIONS, 8),
        Map.entry(LocalApiSettings.WORKERS, 2), Map.entry(LocalApiSettings.QUEUED_REQUESTS, 4))));
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

  static SocketAddress tcp() {
    return server.tcpAddress().orElseThrow();
  }

  static LocalApiClient.Response predictJson(String body) throws Exception {
    try (LocalApiClient c = LocalApiClient.unix(socket)) {
      return c.post(PREDICT, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }
  }

  static void assertError(LocalApiClient.Response r, int status, String code, String... inMessage) throws Exception {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    JsonNode e = Json.mapper().readTree(r.body());
    assertThat(e.path("error").asText()).as(r.text()).isEqualTo(code);
    for (String part : inMessage) {
      assertThat(e.path("message").asText()).contains(part);
    }
  }

  static String tensorJson(String name, String dtype, String shape, String data) {
    return "{\"inputs\":{\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data\":" + data + "}}}";
  }

  @Test
  void wrongDtypeShapeInputNameOrModelAreNamedInTheError() throws Exception {
    assertError(predictJson(tensorJson("features", "int64", "[1,3]", "[1,2,3]")), 400, "input_mismatch",
        "expects input 'features' as float32", "got int64");
    assertError(predictJson(tensorJson("features", "float32", "[1,4]", "[1,2,3,4]")), 400, "input_mismatch",
        "[-1, 3]", "[1, 4]");
    assertError(predictJson(tensorJson("feature", "float32", "[1,3]", "[1,2,3]")), 400, "input_mismatch",
        "expects inputs [features]");
    assertError(predictJson(tensorJson("features", "float64", "[1,3]", "[1,2,3]")), 400, "bad_dtype",
        "unsupported dtype 'float64'");
    try (LocalApiClient c = LocalApiClient.tcp(server.tcpAddress().orElseThrow())) {
      assertError(c.post("/v1/models/no-such-model/predict", "application/json",
          tensorJson("x", "float32", "[1]", "[1]").getBytes(StandardCharsets.UTF_8)), 404, "unknown_model",
          "no-such-model", "motor-anomaly");
      assertError(c.get("/v1/models/no-such-model"), 404, "unknown_model");
      assertError(c.get("/v1/nothing"), 404, "no_route");
      LocalApiClient.Response wrongMethod = c.get(PREDICT);
      assertError(wrongMethod, 405, "method_not_allowed");
      assertThat(wrongMethod.headers().get("allow")).isEqualTo("POST");
      assertError(c.post(PREDICT, "text/csv", "1,2,3".getBytes(StandardCharsets.UTF_8)), 415, "unsupported_media_type",
          "application/x-npz");
    }
  }

  @Test
  void malformedBodiesAreRefusedWithWhereTheyWentWrong() throws Exception {
    assertError(predictJson("{\"inputs\": {\"features\": "), 400, "malformed_json", "not valid JSON");
    assertError(predictJson("{\"inputs\":{}} trailing"), 400, "malformed_json");
    assertError(predictJson("{\"input\":{}}"), 400, "malformed_json", "unknown field 'input'");
    assertError(predictJson(tensorJson("features", "float32", "[1,3]", "[1,2]")), 400, "bad_shape", "needs 3 values");
    assertError(predictJson(tensorJson("features", "float32", "[1,3]", "[[1,2],[3]]")), 400, "bad_shape");
    assertError(predictJson(tensorJson("features", "float32", "[1000000000,3]", "[1]")), 400, "bad_shape",
        "more than a body");
    assertError(predictJson(tensorJson("features", "float32", "[1,3]", "[1,\"2\",3]")), 400, "malformed_json",
        "must be a number");
    assertError(predictJson(tensorJson("x", "uint8", "[2]", "[1,300]")), 400, "value_out_of_range", "300");
    assertError(predictJson("[" + "[".repeat(200) + "]".repeat(200) + "]"), 400, "malformed_json");
    try (LocalApiClient c = LocalApiClient.unix(socket)) {
      assertError(c.post(PREDICT, "application/x-npz", "not a zip".getBytes(StandardCharsets.UTF_8)), 400,
          "malformed_npz");
      byte[] float64 = npz("features", npyFloat64());
      assertError(c.post(PREDICT, "application/x-npz", float64), 400, "bad_dtype", "astype(np.float32)");
      // A 10 MB uint8 array of zeros deflates to about 10 KB, far under the body limit, but unpacks far past it
      ByteArrayOutputStream bomb = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(bomb)) {
        zip.putNextEntry(new ZipEntry("features.npy"));
        zip.write(Npy.toBytes(Tensor.ofLongs(DType.UINT8, new long[] {10_000_000}, new long[10_000_000])));
      }
      assertThat(bomb.size()).isLessThan(65536);
      assertError(c.post(PREDICT, "application/x-npz", bomb.toByteArray()), 413, "body_too_large");
      // still serving on the same connection
      assertThat(c.post(PREDICT, "application/json", Json.write(Map.of("inputs", ServingAgent.features(0)))).status())
          .isEqualTo(200);
    }
  }

  @Test
  void anOversizedBodyIsRefusedBeforeItIsReadAndTheCallerSeesWhy() throws Exception {
    String answer = assertTimeoutPreemptively(BOUND, () -> {
      try (RawCaller c = RawCaller.connect(tcp())) {
        return c.send("POST " + PREDICT + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n"
            + "{\"inputs\":").readToEnd();
      }
    });
    assertThat(answer).startsWith("HTTP/1.1 413").contains("\"body_too_large\"").contains("maxBodyBytes");
  }

  @Test
  void headsOutsideTheRulesAreRefused() throws Exception {
    StringBuilder manyHeaders = new StringBuilder("GET /v1/health HTTP/1.1\r\n");
    for (int i = 0; i < 20; i++) {
      manyHeaders.append("X-H").append(i).append(": v\r\n");
    }
    assertThat(raw(manyHeaders + "\r\n")).startsWith("HTTP/1.1 431").contains("too_many_headers");
    assertThat(raw("GET /v1/health HTTP/1.1\r\nX-Big: " + "a".repeat(3000) + "\r\n\r\n")).startsWith("HTTP/1.1 431")
        .contains("maxHeaderBytes");
    assertThat(raw("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400").contains("malformed_request");
    assertThat(raw("GET /v1/health HTTP/2.0\r\n\r\n")).startsWith("HTTP/1.1 505");
    assertThat(raw("GET /v1/health HTTP/1.1\r\n folded: x\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(raw("POST " + PREDICT + " HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
        .startsWith("HTTP/1.1 501").contains("Content-Length");
    assertThat(raw("POST " + PREDICT + " HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 411");
    assertThat(raw("POST " + PREDICT + " HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"))
        .startsWith("HTTP/1.1 400");
    assertThat(raw("GET /v1/models/%zz HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400").contains("malformed_path");
  }

  private static String raw(String request) {
    return assertTimeoutPreemptively(BOUND, () -> {
      try (RawCaller c = RawCaller.connect(UnixDomainSocketAddress.of(socket))) {
        return c.send(request + "GET /v1/health HTTP/1.1\r\nConnection: close\r\n\r\n").readToEnd();
      }
    });
  }

  @Test
  void slowCallersLoseTheirConnectionWithinTheTimeouts() throws Exception {
    assertTimeoutPreemptively(BOUND, () -> {
      try (RawCaller stalled = RawCaller.connect(tcp()); RawCaller trickle = RawCaller.connect(tcp());
           RawCaller silent = RawCaller.connect(UnixDomainSocketAddress.of(socket))) {
        stalled.send("POST " + PREDICT + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"in");
        Thread trickler = new Thread(() -> {
          try {
            for (char ch : "GET /v1/health HTTP/1.1\r\nX-Slow: ".toCharArray()) {
              trickle.send(String.valueOf(ch));
              Thread.sleep(50);
            }
          } catch (Exception e) {
            // the endpoint cut it off: that is the point
          }
        });
        trickler.start();
        assertThat(stalled.readToEnd()).startsWith("HTTP/1.1 408").contains("within 500ms (localApi.requestTimeout)");
        assertThat(trickle.readToEnd()).startsWith("HTTP/1.1 408");
        assertThat(silent.readToEnd()).isEmpty(); // idle: closed without a word
        trickler.join();
      }
    });
    assertThat(serving.agent.predict(ServingAgent.MODEL, ServingAgent.features(0)).outputs()).isNotEmpty();
  }

  @Test
  void aFloodOfConnectionsIsAnswered503AndEveryoneElseIsServed() throws Exception {
    List<RawCaller> flood = new ArrayList<>();
    try {
      int refused = assertTimeoutPreemptively(BOUND, () -> {
        int busy = 0;
        for (int i = 0; i < 30; i++) {
          flood.add(RawCaller.connect(i % 2 == 0 ? tcp() : UnixDomainSocketAddress.of(socket)));
        }
        // The ones let in say nothing and are closed when idle; the rest are told why at once.
        for (RawCaller c : flood) {
          String answer = c.readToEnd();
          if (answer.startsWith("HTTP/1.1 503")) {
            assertThat(answer).contains("maxConnections");
            busy++;
          }
        }
        return busy;
      });
      assertThat(refused).isGreaterThanOrEqualTo(30 - 8); // 8 slots at most, maybe fewer free
      Prediction inProcess = serving.agent.predict(ServingAgent.MODEL, ServingAgent.features(2));
      assertThat(inProcess.outputs()).isNotEmpty();
    } finally {
      for (RawCaller c : flood) {
        c.close();
      }
    }
    // The flood's slots come free as its connections close; then callers are served again.
    LocalApiClient.Response after = assertTimeoutPreemptively(BOUND, () -> {
      for (;;) {
        try (LocalApiClient c = LocalApiClient.unix(socket)) {
          LocalApiClient.Response r = c.post(PREDICT, "application/json",
              Json.write(Map.of("inputs", ServingAgent.features(2))));
          if (r.status() == 200) {
            return r;
          }
        } catch (java.io.IOException e) {
          // refused while the flood's connections are still closing
        }
        Thread.sleep(50);
      }
    });
    assertThat(after.text()).contains(LinearModel.PROBABILITIES);
  }

  @Test
  void callersHoldingHalfSentBodiesCannotTakeMoreThanTheBodyBudget() throws Exception {
    String head = "POST " + PREDICT + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{";
    String third = assertTimeoutPreemptively(BOUND, () -> {
      try (RawCaller a = RawCaller.connect(tcp()); RawCaller b = RawCaller.connect(tcp());
           RawCaller c = RawCaller.connect(UnixDomainSocketAddress.of(socket))) {
        a.send(head);
        b.send(head);
        Thread.sleep(100); // both bodies reserved: 120000 of the 131072 bytes
        String answer = c.send(head).readToEnd();
        assertThat(a.readToEnd()).startsWith("HTTP/1.1 408"); // and the stalled ones still time out
        return answer;
      }
    });
    assertThat(third).startsWith("HTTP/1.1 503").contains("bodyBudgetBytes");
    assertThat(predictJson(Json.writeString(Map.of("inputs", ServingAgent.features(0)))).status()).isEqualTo(200);
  }

  @Test
  void pipelinedRequestsAndExpectContinueAreAnsweredInOrder() throws Exception {
    byte[] body = Json.write(Map.of("inputs", ServingAgent.features(1)));
    String predict = "POST " + PREDICT + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length
        + "\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1);
    String answer = assertTimeoutPreemptively(BOUND, () -> {
      try (RawCaller c = RawCaller.connect(tcp())) {
        return c.send("GET /v1/health HTTP/1.1\r\n\r\n" + predict + "GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n")
            .readToEnd();
      }
    });
    assertThat(answer.split("HTTP/1.1 200 OK", -1)).hasSize(4);
    assertThat(answer.indexOf("\"status\":\"ok\"")).isLessThan(answer.indexOf(LinearModel.PROBABILITIES));
    String continued = assertTimeoutPreemptively(BOUND, () -> {
      try (RawCaller c = RawCaller.connect(UnixDomainSocketAddress.of(socket))) {
        c.send("POST " + PREDICT + " HTTP/1.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + "Expect: 100-continue\r\nContent-Length: " + body.length + "\r\n\r\n");
        Thread.sleep(100);
        return c.send(body).readToEnd();
      }
    });
    assertThat(continued).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK");
  }

  private static byte[] npz(String name, byte[] npy) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry(name + ".npy"));
      zip.write(npy);
    }
    return out.toByteArray();
  }

  private static byte[] npyFloat64() {
    byte[] f32 = Npy.toBytes(Tensor.ofFloats(new long[] {1, 3}, new float[] {1, 2, 3}));
    String text = new String(f32, StandardCharsets.ISO_8859_1).replace("'<f4'", "'<f8'");
    byte[] header = text.substring(0, f32.length - 12).getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[header.length + 24];
    System.arraycopy(header, 0, out, 0, header.length);
    return out;
  }
}
