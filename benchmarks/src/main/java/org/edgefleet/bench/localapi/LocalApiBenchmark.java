package org.edgefleet.bench.localapi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.localapi.LocalApiClient;
import org.edgefleet.agent.localapi.LocalApiServer;
import org.edgefleet.agent.localapi.LocalApiSettings;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.fleet.BenchServer;
import org.edgefleet.bench.fleet.ModelBundles;
import org.edgefleet.bench.predict.InterleavedRounds;
import org.edgefleet.bench.predict.PredictBenchmark;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Goal;
import org.edgefleet.bench.report.Numbers;
import org.edgefleet.bench.report.Outcome;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.tensor.numpy.Npz;

/**
 * What the local endpoint adds to {@code predict}: the same batch through {@code POST
 * /v1/models/{name}/predict} over TCP and over the Unix socket, against the in-process call on
 * the same agent, interleaved. The endpoint side is timed from a request whose body is already
 * encoded to the last byte of the response (what the caller's own encoding costs is its own).
 */
public final class LocalApiBenchmark {

  /**
   * @param smallCalls calls per side per round for the 1 KiB input
   * @param largeCalls calls per side per round for the 1 MiB input
   */
  public record Settings(int warmupRounds, int rounds, int smallCalls, int largeCalls) {}

  public static final String NAME = "local-api";
  static final Goal GOAL = Goal.valueAtMost(100);
  private static final int FEATURES = 8;
  private static final int BATCHES = 4;
  private static final String PATH = "/v1/models/" + ModelBundles.MODEL + "/predict";
  private static final String UNIX = "Unix socket";
  private static final String TCP = "TCP";
  // About what an HTTP request or response head of this benchmark takes, for the bare socket floor.
  private static final int HEAD_BYTES = 150;

  /** An input size, as the rows of the sample model's float32 [rows, 8] input. */
  private enum Size {
    KIB("1 KiB", 32), MIB("1 MiB", 32 * 1024);

    final String label;
    final int rows;

    Size(String label, int rows) {
      this.label = label;
      this.rows = rows;
    }
  }

  private enum Format {
    JSON("JSON", "application/json", Map.of()),
    NPZ("npz", "application/x-npz", Map.of("Accept", "application/x-npz"));

    final String label;
    final String contentType;
    final Map<String, String> headers;

    Format(String label, String contentType, Map<String, String> headers) {
      this.label = label;
      this.contentType = contentType;
      this.headers = headers;
    }
  }

  /** @param floor the bare socket round trip of the same sizes, measured for 1 KiB only (else null) */
  private record Case(Size size, String transport, Format format, Histogram endpoint, Histogram inProcess,
      Histogram floor) {
    double added(double percentile) {
      return micros(endpoint, percentile) - micros(inProcess, percentile);
    }
  }

  private LocalApiBenchmark() {}

  public static BenchmarkReport run(Path workDir, Settings s) throws Exception {
    ModelBundles bundles = ModelBundles.create(workDir.resolve("bundles"));
    float[][] rows = MotorDataGenerator.create().dataset(Size.MIB.rows, 13).features();
    Path socket = workDir.resolve("agent.sock");
    List<Case> cases = new ArrayList<>();
    try (BenchServer server = BenchServer.start(workDir.resolve("server"), bundles.packagerKey());
         EdgeAgent agent = PredictBenchmark.installedAgent(workDir, server, bundles, NAME);
         LocalApiServer endpoint = LocalApiServer.start(agent, LocalApiSettings.listening(0, socket))) {
      // The first case measured would otherwise also pay for compiling the endpoint's code paths.
      Tensor[] small = batches(rows, Size.KIB.rows);
      for (Format format : Format.values()) {
        byte[][] bodies = new byte[BATCHES][];
        for (int b = 0; b < BATCHES; b++) {
          bodies[b] = encode(format, small[b]);
        }
        Settings warmOnly = new Settings(s.warmupRounds(), 2, s.smallCalls(), s.largeCalls());
        measure(Size.KIB, UNIX, format, LocalApiClient.unix(socket), bodies, agent, small, warmOnly, workDir);
        measure(Size.KIB, TCP, format, LocalApiClient.tcp(endpoint.tcpAddress().orElseThrow()), bodies, agent, small,
            warmOnly, workDir);
      }
      Progress.log(NAME, "warmed up; measuring");
      for (Size size : Size.values()) {
        Tensor[] batches = batches(rows, size.rows);
        for (Format format : Format.values()) {
          byte[][] bodies = new byte[BATCHES][];
          for (int b = 0; b < BATCHES; b++) {
            bodies[b] = encode(format, batches[b]);
          }
          cases.add(measure(size, UNIX, format, LocalApiClient.unix(socket), bodies, agent, batches, s, workDir));
          cases.add(measure(size, TCP, format, LocalApiClient.tcp(endpoint.tcpAddress().orElseThrow()), bodies, agent,
              batches, s, workDir));
        }
      }
    }
    return report(cases, s);
  }

  private static Case measure(Size size, String transport, Format format, LocalApiClient client, byte[][] bodies,
      EdgeAgent agent, Tensor[] batches, Settings s, Path workDir) throws Exception {
    Progress.log(NAME, size.label + " " + format.label + " over " + transport);
    int calls = size == Size.KIB ? s.smallCalls() : s.largeCalls();
    // A 1 MiB call takes milliseconds: two rounds of a few calls warm it as much as many small ones.
    int warmup = size == Size.KIB ? s.warmupRounds() : Math.min(2, s.warmupRounds());
    try (client) {
      InterleavedRounds.Latencies l = new InterleavedRounds(warmup, s.rounds(), calls).run(i -> {
        LocalApiClient.Response r = client.send("POST", PATH, format.contentType, bodies[i % BATCHES], format.headers);
        if (r.status() != 200) {
          throw new IllegalStateException("the endpoint answered " + r.status() + ": " + r.text());
        }
        return r.body().length;
      }, i -> agent.predict(ModelBundles.MODEL, Map.of(ModelBundles.INPUT, batches[i % BATCHES]))
          .output("probabilities").get(0));
      Histogram floor = null;
      if (size == Size.KIB) {
        int responseBytes = client.send("POST", PATH, format.contentType, bodies[0], format.headers).body().length
            + HEAD_BYTES;
        try (SocketFloor bare = SocketFloor.open(transport.equals(UNIX), workDir, bodies[0].length + HEAD_BYTES,
            responseBytes)) {
          floor = new InterleavedRounds(warmup, s.rounds(), calls).run(i -> bare.call(), i -> 0).a();
        }
      }
      return new Case(size, transport, format, l.a(), l.b(), floor);
    }
  }

  private static Tensor[] batches(float[][] rows, int n) {
    Tensor[] out = new Tensor[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
      float[] flat = new float[n * FEATURES];
      for (int r = 0; r < n; r++) {
        System.arraycopy(rows[(b * 7 + r) % rows.length], 0, flat, r * FEATURES, FEATURES);
      }
      out[b] = Tensor.ofFloats(new long[] {n, FEATURES}, flat);
    }
    return out;
  }

  private static byte[] encode(Format format, Tensor batch) throws Exception {
    Map<String, Tensor> inputs = Map.of(ModelBundles.INPUT, batch);
    return format == Format.JSON ? Json.write(Map.of("inputs", inputs)) : Npz.toBytes(inputs);
  }

  private static BenchmarkReport report(List<Case> cases, Settings s) {
    List<Outcome> outcomes = new ArrayList<>();
    List<String> details = new ArrayList<>();
    details.add("| input | transport | body | request bytes | endpoint p50 µs | in-process p50 µs | added p50 µs"
        + " | endpoint p99 µs | in-process p99 µs | added p99 µs | bare socket p50 µs |");
    details.add("|---|---|---|---|---|---|---|---|---|---|---|");
    for (Case c : cases) {
      details.add("| " + c.size().label + " | " + c.transport() + " | " + c.format().label + " | "
          + (c.size().rows * FEATURES * Float.BYTES) + " of floats | " + Numbers.format(micros(c.endpoint(), 50)) + " | "
          + Numbers.format(micros(c.inProcess(), 50)) + " | " + Numbers.format(c.added(50)) + " | "
          + Numbers.format(micros(c.endpoint(), 99)) + " | " + Numbers.format(micros(c.inProcess(), 99)) + " | "
          + Numbers.format(c.added(99)) + " | " + (c.floor() == null ? "-" : Numbers.format(micros(c.floor(), 50))) + " |");
      boolean headline = (c.size() == Size.KIB) == (c.format() == Format.JSON);
      if (headline) {
        boolean goal = c.size() == Size.KIB && c.transport().equals(UNIX);
        for (double p : new double[] {50, 99}) {
          outcomes.add(new Outcome(NAME, "added latency p" + (int) p + ", " + c.size().label + " " + c.format().label
              + " over " + c.transport() + " (baseline: in-process predict p" + (int) p + ")", "µs", c.added(p),
              micros(c.inProcess(), p), goal && p == 50 ? GOAL : null));
        }
      }
    }
    details.add("");
    details.add("The sample model's float32 [rows, 8] input: 32 rows (1 KiB) and 32,768 rows (1 MiB); " + BATCHES
        + " different batches in turn. " + s.warmupRounds() + " (1 KiB) or " + Math.min(2, s.warmupRounds())
        + " (1 MiB) warm-up rounds, then " + s.rounds() + " recorded rounds of "
        + s.smallCalls() + " (1 KiB) or " + s.largeCalls() + " (1 MiB) calls per side, alternating which side goes first;"
        + " one keep-alive connection, one caller. Added = endpoint minus in-process, percentile by percentile.");
    return new BenchmarkReport(NAME, "Local endpoint: predict over HTTP vs in process", outcomes, details);
  }

  private static double micros(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }
}
