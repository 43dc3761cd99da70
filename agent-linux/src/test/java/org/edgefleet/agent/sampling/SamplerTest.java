package org.edgefleet.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.edgefleet.agent.linux.SqliteOutbox;
import org.edgefleet.agent.loop.AgentLoop;
import org.edgefleet.agent.outbox.OutboxEntry;
import org.edgefleet.agent.outbox.OutboxSender;
import org.edgefleet.agent.transport.Transport;
import org.edgefleet.agent.transport.TransportListener;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SampleMessage;
import org.edgefleet.protocol.message.SamplingPolicy;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler over a real SQLite outbox, with the transport offline so every message stays in the
 * outbox where the test reads it, and a clock the test moves across a UTC day boundary.
 */
class SamplerTest {

  static final Duration WAIT = Duration.ofSeconds(30);
  static final String TOPIC = "fleet/d/dev-1/samples";
  static final Map<String, Tensor> INPUTS = Map.of(
      "onnx::Flatten_0", Tensor.ofFloats(new long[] {1, 2, 3, 4}, new float[24]),
      "steps", Tensor.ofLongs(DType.INT64, new long[] {}, new long[] {7}));
  static final Map<String, Tensor> OUTPUTS = Map.of("probabilities", Tensor.row(0.25f, 0.75f),
      "hidden", Tensor.ofFloats(new long[] {1, 8}, new float[8]));

  @TempDir Path dir;
  final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T23:50:00Z"));
  ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  AgentLoop loop = new AgentLoop("dev-1", scheduler);
  SqliteOutbox outbox;

  @BeforeEach
  void open() throws Exception {
    outbox = SqliteOutbox.open(dir.resolve("outbox.db"), 100_000, false);
  }

  @AfterEach
  void close() {
    loop.stopAndWait(WAIT);
    scheduler.shutdownNow();
    outbox.close();
  }

  Sampler sampler(SamplingPolicy policy) {
    Sampler s = new Sampler("dev-1", TOPIC, clock, loop, new OutboxSender(outbox, new Offline(), loop, 8), dir);
    BundleRef ref = new BundleRef("0".repeat(64), 100, 64, List.of("1".repeat(64), "2".repeat(64)));
    s.apply(new DesiredState("dev-1", 1, clock.instant(), clock.instant().plus(Duration.ofDays(30)),
        List.of(new ModelAssignment("m", 3, SlotRole.ACTIVE, ref, false).withSampling(policy))));
    return s;
  }

  /** Offers a call and waits until the loop has dealt with it, so none is skipped as busy. */
  void offer(Sampler s, String requestId) throws Exception {
    s.offer("m", 3, INPUTS, OUTPUTS, requestId);
    loop.call(() -> null, WAIT);
  }

  List<SampleMessage> sent() throws Exception {
    List<SampleMessage> messages = new ArrayList<>();
    for (OutboxEntry e : outbox.oldest(100_000)) {
      messages.add(MessageCodec.decode(e.payload(), SampleMessage.class, SampleMessage.MAX_BYTES));
    }
    return messages;
  }

  long bytesOn(String day) throws Exception {
    long bytes = 0;
    for (OutboxEntry e : outbox.oldest(100_000)) {
      SampleMessage m = MessageCodec.decode(e.payload(), SampleMessage.class, SampleMessage.MAX_BYTES);
      Instant at = m.sample() != null ? m.sample().takenAt() : m.outcome().at();
      if (at.atZone(ZoneOffset.UTC).toLocalDate().toString().equals(day)) {
        bytes += e.payload().length;
      }
    }
    return bytes;
  }

  @Test
  void theDailyBudgetIsNeverExceededAndANewUtcDayStartsAFreshOne() throws Exception {
    long budget = 5_000;
    Sampler s = sampler(SamplingPolicy.all(1.0, budget));
    for (int i = 0; i < 60; i++) {
      offer(s, null);
    }
    long day1 = bytesOn("2026-03-01");
    assertThat(day1).isPositive().isLessThanOrEqualTo(budget);
    assertThat(s.counters().get("samplesSkippedBudget")).isPositive();

    // A restart on the same day does not hand the day's budget out again.
    Sampler restarted = sampler(SamplingPolicy.all(1.0, budget));
    long before = outbox.size();
    offer(restarted, null);
    assertThat(outbox.size()).isEqualTo(before);
    assertThat(restarted.counters().get("samplesSkippedBudget")).isEqualTo(1);

    clock.set(Instant.parse("2026-03-02T00:00:01Z"));
    for (int i = 0; i < 60; i++) {
      offer(restarted, null);
    }
    assertThat(bytesOn("2026-03-01")).isEqualTo(day1);
    assertThat(bytesOn("2026-03-02")).isPositive().isLessThanOrEqualTo(budget);

    // A clock stepped back to the earlier day charges the latest day: nothing reopens.
    clock.set(Instant.parse("2026-03-01T23:59:00Z"));
    long size = outbox.size();
    offer(restarted, null);
    assertThat(outbox.size()).isEqualTo(size);
  }

  @Test
  void theRateIsHonouredWithinFiveStandardDeviations() throws Exception {
    Sampler s = sampler(SamplingPolicy.all(0.2, SamplingPolicy.MAX_DAILY_BYTES));
    int calls = 4000;
    for (int i = 0; i < calls; i++) {
      offer(s, null);
    }
    long taken = s.counters().get("samplesTaken");
    double sigma = Math.sqrt(calls * 0.2 * 0.8);
    assertThat((double) taken).isBetween(calls * 0.2 - 5 * sigma, calls * 0.2 + 5 * sigma);
    assertThat(taken + s.counters().get("samplesSkippedRate")).isEqualTo(calls);
    assertThat(outbox.size()).isEqualTo(taken);
  }

  @Test
  void samplesKeepOnlyThePolicysTensorsAndRoundTripNdIntegerAndOddNames() throws Exception {
    Sampler s = sampler(new SamplingPolicy(1.0, 1_000_000, List.of("onnx::Flatten_0", "steps"), List.of("probabilities")));
    offer(s, "req-1");
    SampleMessage m = sent().get(0);
    assertThat(m.sample().inputs()).isEqualTo(INPUTS);
    assertThat(m.sample().outputs()).containsOnlyKeys("probabilities");
    assertThat(m.sample().outputs().get("probabilities")).isEqualTo(OUTPUTS.get("probabilities"));
    assertThat(m.sample().requestId()).isEqualTo("req-1");
    assertThat(m.sample().version()).isEqualTo(3);
  }

  @Test
  void anOutcomeFollowsOnlyASampledRequest() throws Exception {
    Sampler s = sampler(SamplingPolicy.all(1.0, 1_000_000));
    offer(s, "req-1");
    s.outcome("req-1", 1.5);
    s.outcome("never-sampled", 2.0);
    loop.call(() -> null, WAIT);
    List<SampleMessage> sent = sent();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).outcome().requestId()).isEqualTo("req-1");
    assertThat(sent.get(1).outcome().value()).isEqualTo(1.5);
    assertThat(s.counters().get("sampleOutcomes")).isEqualTo(1);
  }

  @Test
  void aCallTooLargeForOneSampleIsSkippedAndCounted() throws Exception {
    Sampler s = sampler(SamplingPolicy.all(1.0, SamplingPolicy.MAX_DAILY_BYTES));
    s.offer("m", 3, Map.of("image", Tensor.ofFloats(new long[] {1, 3, 224, 224}, new float[3 * 224 * 224])), OUTPUTS, null);
    s.offer("m", 3, Map.of("x", Tensor.ofFloats(new long[] {1, 70_000}, new float[70_000])), OUTPUTS, null);
    loop.call(() -> null, WAIT);
    assertThat(s.counters().get("samplesSkippedTooLarge")).isEqualTo(2);
    assertThat(outbox.size()).isZero();
  }

  @Test
  void versionsWithoutAPolicyAreNotSampled() throws Exception {
    Sampler s = sampler(SamplingPolicy.all(1.0, 1_000_000));
    s.offer("m", 2, INPUTS, OUTPUTS, null);
    s.offer("other", 3, INPUTS, OUTPUTS, null);
    loop.call(() -> null, WAIT);
    assertThat(outbox.size()).isZero();
    assertThat(s.counters().values()).allMatch(v -> v == 0);
  }

  /** A transport that never connects: the outbox keeps everything. */
  static final class Offline implements Transport {
    @Override
    public void subscribe(String topicFilter) {}

    @Override
    public void start(TransportListener listener) {}

    @Override
    public boolean isConnected() {
      return false;
    }

    @Override
    public CompletableFuture<Void> publish(String topic, byte[] payload, boolean retained) {
      return CompletableFuture.failedFuture(new IllegalStateException("offline"));
    }

    @Override
    public void close() {}
  }

  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
