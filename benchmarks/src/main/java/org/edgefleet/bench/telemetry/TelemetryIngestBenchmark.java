package org.edgefleet.bench.telemetry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.fleet.BenchServer;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Goal;
import org.edgefleet.bench.report.Numbers;
import org.edgefleet.bench.report.Outcome;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;

/**
 * Telemetry ingest: M batches from K device clients over MQTT into a running server, until all are
 * stored, against a raw batched JDBC insert of the same rows into a fresh SQLite file. The raw
 * insert runs before and after the server, and the baseline is the mean of the two. The same
 * messages handed straight to the server's inbox (no broker) show where the time goes.
 */
public final class TelemetryIngestBenchmark {

  /**
   * @param messages telemetry batches in all
   * @param devices device clients publishing them
   * @param window publishes per device awaiting the broker's acknowledgement
   */
  public record Settings(int messages, int devices, int window, Duration timeout) {}

  public static final String NAME = "telemetry";
  static final Goal GOAL = Goal.ratioAtLeast(0.5);
  private static final long SEED = 5;
  private static final int WARMUP_MESSAGES = 20_000;
  // Ingest that stops for this long has stalled (messages lost on the way), not slowed down.
  private static final Duration STALL = Duration.ofSeconds(30);

  private TelemetryIngestBenchmark() {}

  public static BenchmarkReport run(Path workDir, Settings s) throws Exception {
    TelemetryWorkload workload = TelemetryWorkload.create(Topics.defaults(), "tel", s.devices(), s.messages(), SEED);
    List<TelemetryWorkload.Message> all = workload.all();
    int m = all.size();
    SigningKey key = SigningKey.generate(KeyRole.PACKAGER);
    // Untimed: compiles the JDBC path, so the first timed insert is not also a JIT warm-up.
    RawTelemetryInsert.insert(workDir.resolve("raw-warmup.db"), all.subList(0, Math.min(m, WARMUP_MESSAGES)));
    Duration rawBefore = RawTelemetryInsert.insert(workDir.resolve("raw-before.db"), all);
    Progress.log(NAME, "raw insert of " + m + " messages: " + rawBefore.toMillis() + " ms");
    BrokerOnlyDelivery.Delivered viaServer = viaMqtt(workDir.resolve("via-mqtt"), key, workload, s);
    Duration mqtt = viaServer.time();
    Progress.log(NAME, "via MQTT from " + s.devices() + " devices: " + mqtt.toMillis() + " ms, " + viaServer.resent()
        + " publishes sent again");
    BrokerOnlyDelivery.Delivered alone = BrokerOnlyDelivery.run(workDir.resolve("broker-only"), workload, s.window(),
        s.timeout(), STALL);
    Duration brokerOnly = alone.time();
    Progress.log(NAME, "the broker alone, to one subscriber: " + brokerOnly.toMillis() + " ms, " + alone.resent()
        + " publishes sent again");
    Duration inbox = viaInbox(workDir.resolve("via-inbox"), key, all, s);
    Progress.log(NAME, "into the server's inbox directly: " + inbox.toMillis() + " ms");
    Duration rawAfter = RawTelemetryInsert.insert(workDir.resolve("raw-after.db"), all);
    Progress.log(NAME, "raw insert again: " + rawAfter.toMillis() + " ms");

    double baseline = rate(m, rawBefore.plus(rawAfter).dividedBy(2));
    List<Outcome> outcomes = List.of(
        new Outcome(NAME, "ingest via MQTT into SQLite vs raw batched insert", "msg/s", rate(m, mqtt), baseline, GOAL),
        new Outcome(NAME, "(context) server inbox without the broker vs raw batched insert", "msg/s", rate(m, inbox),
            baseline, null),
        new Outcome(NAME, "(context) embedded broker alone, to one subscriber, vs raw batched insert", "msg/s",
            rate(m, brokerOnly), baseline, null),
        new Outcome(NAME, "(context) ingest via MQTT vs the embedded broker alone to one subscriber", "msg/s", rate(m, mqtt),
            rate(m, brokerOnly), null));
    List<String> details = new ArrayList<>();
    details.add("| path | messages | time | messages/s | publishes sent again |");
    details.add("|---|---|---|---|---|");
    details.add(row("raw JDBC insert, before", m, rawBefore, ""));
    details.add(row("server via MQTT (" + s.devices() + " Paho device clients, window " + s.window() + ")", m, mqtt,
        Long.toString(viaServer.resent())));
    details.add(row("embedded broker alone: same clients to one counting subscriber", m, brokerOnly,
        Long.toString(alone.resent())));
    details.add(row("server inbox, no broker (one thread, as Paho delivers)", m, inbox, ""));
    details.add(row("raw JDBC insert, after", m, rawAfter, ""));
    details.add("");
    details.add("Each message is a `TelemetryBatch` in the agent's wire form (one model with a 50-call latency HdrHistogram, "
        + "resource use, counters), " + Numbers.format(workload.payloadBytes() / (double) m) + " bytes on average. "
        + "The raw insert writes the same two rows per message (batch and model metrics) into the same tables, "
        + "index and pragmas as the server, " + RawTelemetryInsert.MESSAGES_PER_TRANSACTION + " messages per transaction.");
    return new BenchmarkReport(NAME, "Telemetry ingest: server via MQTT vs raw SQLite insert", outcomes, details);
  }

  /** Device clients publish everything to a fresh server's broker; timed until the server has stored it all. */
  private static BrokerOnlyDelivery.Delivered viaMqtt(Path dir, SigningKey key, TelemetryWorkload workload, Settings s) throws Exception {
    try (BenchServer server = BenchServer.start(dir, key);
         TelemetryPublishers publishers = TelemetryPublishers.connect(server.mqttUrl(), workload, s.window());
         StoredTelemetry stored = StoredTelemetry.open(server.databaseFile())) {
      long start = System.nanoTime();
      publishers.publishAll(workload, s.timeout(), STALL);
      return new BrokerOnlyDelivery.Delivered(awaitStored(stored, workload.size(), start, s.timeout()), publishers.resent());
    }
  }

  /** The same messages handed to a fresh server's inbox on one thread, as its MQTT client would. */
  private static Duration viaInbox(Path dir, SigningKey key, List<TelemetryWorkload.Message> all, Settings s) throws Exception {
    try (BenchServer server = BenchServer.start(dir, key);
         StoredTelemetry stored = StoredTelemetry.open(server.databaseFile())) {
      long start = System.nanoTime();
      for (TelemetryWorkload.Message msg : all) {
        server.server().inbox().accept(msg.topic(), msg.payload());
      }
      return awaitStored(stored, all.size(), start, s.timeout());
    }
  }

  /** Waits until the server has stored {@code m} batches; returns the time since {@code startNanos}. */
  private static Duration awaitStored(StoredTelemetry stored, int m, long startNanos, Duration timeout) throws Exception {
    Poll.untilReached("the server to store " + m + " telemetry batches", m, timeout, STALL, Duration.ofMillis(10),
        stored::modelRows);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    long batches = stored.batches();
    if (batches != m) {
      throw new IllegalStateException("the server stored " + batches + " telemetry batches, expected " + m);
    }
    return elapsed;
  }

  private static String row(String path, int m, Duration d, String resent) {
    return "| " + path + " | " + m + " | " + Numbers.format(d.toNanos() / 1e9) + " s | " + Numbers.format(rate(m, d)) + " | "
        + resent + " |";
  }

  private static double rate(int m, Duration d) {
    return m / (d.toNanos() / 1e9);
  }
}
