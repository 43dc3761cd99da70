package org.edgefleet.agent.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.KeyFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code predict}: one prediction on a model an agent installed over MQTT, and callers' mistakes. */
class PredictCommandTest {

  static final String MODEL = "motor-anomaly";

  @TempDir static Path dir;
  static Path config;

  /** A real agent installs version 1 over MQTT into the data dir the config names, then stops. */
  @BeforeAll
  static void installModel() throws Exception {
    Files.createDirectories(dir.resolve("keys"));
    KeyFiles.writePublic(dir.resolve("keys/packager.pub.json"), TestAgents.PACKAGER.publicKey());
    KeyFiles.writePublic(dir.resolve("keys/server.pub.json"), TestAgents.SERVER.publicKey());
    config = Files.writeString(dir.resolve("agent.json"), """
        {"deviceId": "dev-predict", "dataDir": "data", "trustKeys": ["keys/packager.pub.json", "keys/server.pub.json"]}""");
    try (TestBroker broker = TestBroker.start(); TestServer server = new TestServer(broker.url(), TestAgents.SERVER);
        EdgeAgent agent = TestAgents.builder("dev-predict", dir.resolve("data"), broker.url()).build()) {
      agent.start();
      BundleRef v1 = server.serve(new TestBundles(dir.resolve("bundles"), TestAgents.PACKAGER).spec(MODEL, 1).write(),
          TestAgents.CHUNK_SIZE);
      server.publishDesired("dev-predict", 1, TestServer.assignment(MODEL, 1, v1, false));
      await().atMost(Duration.ofSeconds(30)).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);
    }
  }

  record Run(int exitCode, String out, String err) {}

  static Run predict(String model, Path input) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AgentDaemon.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("--config", config.toString(), "predict", "--model", model, "--input", input.toString());
    return new Run(code, out.toString(), err.toString());
  }

  static Path inputFile(String name, String json) throws Exception {
    return Files.writeString(dir.resolve(name), json);
  }

  @Test
  void printsTheInstalledModelsOutputsAsTheAgentServesThem() throws Exception {
    Path input = Files.write(dir.resolve("in.json"), Json.write(Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(2)))));
    Run run = predict(MODEL, input);
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode out = Json.mapper().readTree(run.out());
    assertThat(out.get("model").asText()).isEqualTo(MODEL);
    assertThat(out.get("version").asInt()).isEqualTo(1);
    Tensor probabilities = Json.mapper().treeToValue(out.get("outputs").get(LinearModel.PROBABILITIES), Tensor.class);
    assertThat(probabilities.floats()).containsExactly(LinearModel.version(1).probabilities(TestBundles.sample(2)), offset(1e-5f));
  }

  @Test
  void callersMistakesAreNamedAndExitNonZero() throws Exception {
    String good = new String(Json.write(Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(0)))));
    assertThat(predict("no-such-model", inputFile("good.json", good)))
        .satisfies(r -> assertThat(r.exitCode()).isEqualTo(1))
        .satisfies(r -> assertThat(r.err()).contains("no version of model 'no-such-model' is active"));
    assertThat(predict(MODEL, inputFile("shape.json", "{\"features\": {\"dtype\": \"float32\", \"shape\": [1, 2], \"data\": [1, 2]}}")))
        .satisfies(r -> assertThat(r.exitCode()).isEqualTo(1)).satisfies(r -> assertThat(r.err()).contains("features"));
    assertThat(predict(MODEL, inputFile("dtype.json", "{\"features\": {\"dtype\": \"complex\", \"shape\": [1, 3], \"data\": [1, 2, 3]}}")))
        .satisfies(r -> assertThat(r.exitCode()).isEqualTo(1)).satisfies(r -> assertThat(r.err()).contains("is not a JSON object of input name to tensor"));
    assertThat(predict(MODEL, inputFile("notjson.json", "features = 1, 2, 3")))
        .satisfies(r -> assertThat(r.exitCode()).isEqualTo(1)).satisfies(r -> assertThat(r.err()).contains("is not a JSON object"));
    assertThat(predict(MODEL, inputFile("empty.json", "{}")))
        .satisfies(r -> assertThat(r.exitCode()).isEqualTo(1)).satisfies(r -> assertThat(r.err()).contains("holds no tensors"));
    assertThat(predict(MODEL, inputFile("null.json", "{\"features\": null}")))
        .satisfies(r -> assertThat(r.exitCode()).isEqualTo(1)).satisfies(r -> assertThat(r.err()).contains("holds no tensors"));
    Path big = dir.resolve("big.json");
    try (SeekableByteChannel ch = Files.newByteChannel(big, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.position(PredictCommand.MAX_INPUT_BYTES);
      ch.write(ByteBuffer.wrap(new byte[] {' '}));
    }
    assertThat(predict(MODEL, big)).satisfies(r -> assertThat(r.exitCode()).isEqualTo(1))
        .satisfies(r -> assertThat(r.err()).contains("is larger than"));
    assertThat(predict(MODEL, dir.resolve("absent.json"))).satisfies(r -> assertThat(r.err()).contains("does not exist"));
  }
}
