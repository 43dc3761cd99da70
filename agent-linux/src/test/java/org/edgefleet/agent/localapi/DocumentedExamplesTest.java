package org.edgefleet.agent.localapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.packager.BundlePackager;
import org.edgefleet.packager.sample.SampleModel;
import org.edgefleet.packager.sample.SampleModelReport;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.tensor.numpy.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the curl and Python examples of docs/local-api.md as they are written, against an agent
 * serving the sample model, with only the socket path and the port replaced. Skipped where curl,
 * Python 3 or NumPy are missing.
 */
class DocumentedExamplesTest {

  static final Path DOC = Path.of("..", "docs", "local-api.md");
  static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void theCurlAndPythonExamplesRunAsWritten() throws Exception {
    assumeTrue(runs("curl", "--version") && runs("python3", "-c", "import numpy"), "curl, python3 and numpy are needed");
    List<String> blocks = codeBlocks(Files.readString(DOC));
    String curl = blocks.stream().filter(b -> b.contains("curl --unix-socket")).findFirst().orElseThrow();
    String python = blocks.stream().filter(b -> b.contains("class UnixHTTPConnection")).findFirst().orElseThrow()
        + "\n" + blocks.stream().filter(b -> b.contains("np.savez")).findFirst().orElseThrow();
    try (TestBroker broker = TestBroker.start(); TestServer server = new TestServer(broker.url(), TestAgents.SERVER);
         EdgeAgent agent = TestAgents.builder("docs-dev", dir.resolve("agent"), broker.url()).build()) {
      agent.start();
      SampleModelReport sample = SampleModel.build(Files.createDirectories(dir.resolve("sample")), SampleModel.DEFAULT_SEED);
      Path bundle = dir.resolve("sample.bundle");
      BundlePackager.builder().model(sample.model()).name("motor-anomaly").version(1).signingKey(TestAgents.PACKAGER)
          .calibration(sample.calibration()).build().writeTo(bundle);
      BundleRef ref = server.serve(bundle, 16 * 1024);
      server.publishDesired("docs-dev", 1, TestServer.assignment("motor-anomaly", 1, ref, false));
      await().atMost(BOUND).until(() -> agent.activeVersion("motor-anomaly").orElse(0) == 1);
      Path socket = dir.resolve("agent.sock");
      try (LocalApiServer endpoint = LocalApiServer.start(agent, LocalApiSettings.listening(0, socket))) {
        String port = String.valueOf(endpoint.tcpAddress().orElseThrow().getPort());
        Files.writeString(dir.resolve("input.json"),
            "{\"inputs\":{\"features\":{\"dtype\":\"float32\",\"shape\":[1,8],\"data\":[0.1,0.7,3.2,0.0,1.5,2.2,0.3,0.9]}}}");
        Files.write(dir.resolve("inputs.npz"),
            Npz.toBytes(Map.of("features", Tensor.ofFloats(new long[] {64, 8}, new float[64 * 8]))));
        String curlOut = run(List.of("bash", "-euo", "pipefail", "-c", localise(curl, socket, port)));
        assertThat(curlOut).contains("\"name\":\"motor-anomaly\"").contains("\"status\":\"ok\"")
            .contains("\"probabilities\"").contains("edgefleet_agent_predictions_total{model=\"motor-anomaly\"");
        assertThat(Npz.tensors(Npz.read("outputs.npz", Files.readAllBytes(dir.resolve("outputs.npz")), Long.MAX_VALUE)).get("probabilities").shape())
            .containsExactly(64, 2);
        Path script = Files.writeString(dir.resolve("example.py"), localise(python, socket, port));
        String pyOut = run(List.of("python3", script.toString()));
        assertThat(pyOut.lines().toList()).hasSize(3);
        assertThat(pyOut).contains("(32768, 2)");
      }
    }
  }

  private String localise(String example, Path socket, String port) {
    return example.replace("/run/edgefleet/agent.sock", socket.toString()).replace("8765", port);
  }

  private static List<String> codeBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    String[] parts = markdown.split("```");
    for (int i = 1; i < parts.length; i += 2) {
      blocks.add(parts[i].substring(parts[i].indexOf('\n') + 1));
    }
    return blocks;
  }

  private String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    boolean ended = p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!ended) {
      p.destroyForcibly();
    }
    assertThat(ended && p.exitValue() == 0).as(command.get(0) + " output:\n" + out).isTrue();
    return out;
  }

  private static boolean runs(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
