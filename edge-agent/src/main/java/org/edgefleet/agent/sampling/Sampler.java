package org.edgefleet.agent.sampling;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefleet.agent.loop.AgentLoop;
import org.edgefleet.agent.outbox.OutboxSender;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SampleMessage;
import org.edgefleet.protocol.message.SamplingPolicy;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Copies calls to the server as the desired state's sampling policies ask: on the caller's thread
 * only a lookup and a random draw (and, for a call that is taken, a copy of the kept tensors, since
 * a caller may reuse its buffers); the encoding, the daily byte budget and the outbox run on the
 * agent loop. A call that is not sent is counted by why: the rate, the budget, its size, or too many
 * samples waiting for the loop. Outcomes of sampled requests follow on the same topic, charged to
 * the same budget, so the server can join them to their sample.
 */
public final class Sampler {

  /** Samples handed to the loop and not yet encoded; more are skipped, never queued without bound. */
  static final int MAX_PENDING = 16;
  /** Sampled request ids remembered for their outcome. */
  static final int REMEMBERED_REQUESTS = 4096;
  private static final String STREAM = "samples";

  private record Key(String model, int version) {}

  private final String deviceId;
  private final String topic;
  private final Clock clock;
  private final AgentLoop loop;
  private final OutboxSender sender;
  private final DailyBudget budget;
  private volatile Map<Key, SamplingPolicy> policies = Map.of();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong taken = new AtomicLong();
  private final AtomicLong skippedRate = new AtomicLong();
  private final AtomicLong skippedBusy = new AtomicLong();
  private final AtomicLong skippedTooLarge = new AtomicLong();
  private final AtomicLong skippedBudget = new AtomicLong();
  private final AtomicLong outcomes = new AtomicLong();
  // Loop only: sampled request id -> the version whose budget its outcome is charged to.
  private final Map<String, Key> sampledRequests = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Key> eldest) {
      return size() > REMEMBERED_REQUESTS;
    }
  };

  public Sampler(String deviceId, String topic, Clock clock, AgentLoop loop, OutboxSender sender, Path dataDir) {
    this.deviceId = deviceId;
    this.topic = topic;
    this.clock = clock;
    this.loop = loop;
    this.sender = sender;
    this.budget = new DailyBudget(dataDir.resolve("sampling-budget.json"));
  }

  /** Takes the policies of an accepted desired state; versions it does not name are no longer sampled. */
  public void apply(DesiredState desired) {
    Map<Key, SamplingPolicy> next = new HashMap<>();
    for (ModelAssignment a : desired.models()) {
      if (a.sampling() != null) {
        next.put(new Key(a.name(), a.version()), a.sampling());
      }
    }
    policies = Map.copyOf(next);
  }

  /** After a successful call: maybe copies it to the server. Never blocks and never touches the disk. */
  public void offer(String model, int version, Map<String, Tensor> inputs, Map<String, Tensor> outputs, String requestId) {
    SamplingPolicy policy = policies.get(new Key(model, version));
    if (policy == null) {
      return;
    }
    if (policy.rate() < 1 && ThreadLocalRandom.current().nextDouble() >= policy.rate()) {
      skippedRate.incrementAndGet();
      return;
    }
    Map<String, Tensor> in = kept(inputs, policy, true);
    Map<String, Tensor> out = kept(outputs, policy, false);
    if (in == null || out == null) {
      skippedTooLarge.incrementAndGet();
      return;
    }
    if (pending.incrementAndGet() > MAX_PENDING) {
      pending.decrementAndGet();
      skippedBusy.incrementAndGet();
      return;
    }
    String request = requestId;
    Instant at = clock.instant();
    loop.execute(() -> {
      pending.decrementAndGet();
      Key key = new Key(model, version);
      SampleMessage m;
      try {
        m = SampleMessage.of(deviceId, UUID.randomUUID().toString(), new SampleMessage.Sample(model, version, request, at, in,
            out));
      } catch (IllegalArgumentException e) {
        skippedTooLarge.incrementAndGet(); // more tensors than a sample carries, or none kept
        return;
      }
      if (send(key, policy, m)) {
        taken.incrementAndGet();
        if (request != null) {
          sampledRequests.put(request, key);
        }
      }
    });
  }

  /** The application's outcome of a request: sent when that request was sampled. */
  public void outcome(String requestId, double value) {
    Instant at = clock.instant();
    loop.execute(() -> {
      Key key = sampledRequests.remove(requestId);
      SamplingPolicy policy = key == null ? null : policies.get(key);
      if (policy != null && send(key, policy, SampleMessage.of(deviceId, UUID.randomUUID().toString(),
          new SampleMessage.Outcome(requestId, value, at)))) {
        outcomes.incrementAndGet();
      }
    });
  }

  /** Running totals for telemetry. */
  public Map<String, Long> counters() {
    return Map.of("samplesTaken", taken.get(), "samplesSkippedRate", skippedRate.get(), "samplesSkippedBudget",
        skippedBudget.get(), "samplesSkippedTooLarge", skippedTooLarge.get(), "samplesSkippedBusy", skippedBusy.get(),
        "sampleOutcomes", outcomes.get());
  }

  private boolean send(Key key, SamplingPolicy policy, SampleMessage m) {
    byte[] bytes = MessageCodec.encode(m);
    if (bytes.length > SampleMessage.MAX_BYTES) {
      skippedTooLarge.incrementAndGet();
      return false;
    }
    if (!budget.tryCharge(key.model() + "/" + key.version(), bytes.length, policy.dailyBytes(), clock.instant())) {
      skippedBudget.incrementAndGet();
      return false;
    }
    return sender.send(STREAM, topic, seq -> bytes) > 0;
  }

  /**
   * The tensors the policy keeps, copied; null when they are surely too large for one sample (each
   * value takes at least two bytes of JSON), so a huge tensor is never copied.
   */
  private static Map<String, Tensor> kept(Map<String, Tensor> tensors, SamplingPolicy policy, boolean inputs) {
    Map<String, Tensor> kept = new HashMap<>();
    long values = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (inputs ? policy.keepsInput(e.getKey()) : policy.keepsOutput(e.getKey())) {
        values += e.getValue().size();
        if (values * 2 > SampleMessage.MAX_BYTES) {
          return null;
        }
        kept.put(e.getKey(), copy(e.getValue()));
      }
    }
    return kept;
  }

  private static Tensor copy(Tensor t) {
    return t.dtype().isFloating() ? Tensor.ofFloats(t.dtype(), t.shape(), t.floats().clone())
        : Tensor.ofLongs(t.dtype(), t.shape(), t.longs().clone());
  }
}
