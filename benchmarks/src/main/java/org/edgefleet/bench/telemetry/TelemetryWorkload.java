package org.edgefleet.bench.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.edgefleet.agent.metrics.TelemetryCollector;
import org.edgefleet.bench.fleet.ModelBundles;
import org.edgefleet.protocol.message.LatencyHistograms;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * The telemetry a fleet sends, made up front so that making it is not timed: per device, batches
 * numbered from 1 in the agent's own wire form (its {@link TelemetryCollector.Interval}), each
 * with one model's counts, a latency HdrHistogram of an interval's calls, resource use and the
 * agent's counters.
 */
public final class TelemetryWorkload {

  /** One message as a device publishes it, and the batch it carries. */
  record Message(String topic, byte[] payload, TelemetryBatch batch) {}

  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final int CALLS_PER_INTERVAL = 50;
  // Distinct histograms to draw from: encoding one per message would dominate building the workload.
  private static final int HISTOGRAMS = 64;

  private final List<List<Message>> byDevice;

  private TelemetryWorkload(List<List<Message>> byDevice) {
    this.byDevice = byDevice;
  }

  /** {@code messages} batches spread evenly over {@code devices} devices named {@code prefix-0000}... */
  public static TelemetryWorkload create(Topics topics, String prefix, int devices, int messages, long seed) {
    if (devices < 1 || messages < devices) {
      throw new IllegalArgumentException("telemetry needs at least one device and at least one message per device, got "
          + devices + " devices and " + messages + " messages");
    }
    Random random = new Random(seed);
    List<String> histograms = new ArrayList<>();
    for (int h = 0; h < HISTOGRAMS; h++) {
      histograms.add(latencyHistogram(random));
    }
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    List<List<Message>> byDevice = new ArrayList<>();
    for (int d = 0; d < devices; d++) {
      String id = String.format("%s-%04d", prefix, d);
      String topic = topics.topic(id, TopicKind.TELEMETRY);
      int count = messages / devices + (d < messages % devices ? 1 : 0);
      List<Message> list = new ArrayList<>(count);
      for (int seq = 1; seq <= count; seq++) {
        Instant from = start.plus(INTERVAL.multipliedBy(seq - 1));
        long errors = random.nextInt(20) == 0 ? 1 : 0;
        List<TelemetryBatch.ModelMetrics> models = List.of(new TelemetryBatch.ModelMetrics(ModelBundles.MODEL, 1,
            CALLS_PER_INTERVAL, errors, histograms.get(random.nextInt(HISTOGRAMS))));
        TelemetryBatch.ResourceUsage resources = new TelemetryBatch.ResourceUsage(0.05 + 0.2 * random.nextDouble(),
            50L * 1024 * 1024 + random.nextInt(4 * 1024 * 1024), 12L * 1024 * 1024 + random.nextInt(4 * 1024 * 1024),
            45 + 10 * random.nextDouble());
        TelemetryCollector.Interval interval = new TelemetryCollector.Interval(id, from, from.plus(INTERVAL), models, resources,
            Map.of("outboxDropped", 0L, "outboxSize", 0L, "corruptChunks", 0L, "rejectedMessages", 0L), List.of());
        list.add(new Message(topic, interval.encode(seq), interval.batch(seq)));
      }
      byDevice.add(list);
    }
    return new TelemetryWorkload(byDevice);
  }

  /** Latencies of one interval's calls, around 150 µs with a long tail, as the agent encodes them. */
  private static String latencyHistogram(Random random) {
    Histogram h = LatencyHistograms.newHistogram();
    for (int i = 0; i < CALLS_PER_INTERVAL; i++) {
      h.recordValue(Math.max(1, Math.round(150 * Math.exp(0.4 * random.nextGaussian()))));
    }
    return LatencyHistograms.encode(h);
  }

  List<List<Message>> byDevice() {
    return byDevice;
  }

  List<Message> all() {
    List<Message> all = new ArrayList<>();
    byDevice.forEach(all::addAll);
    return all;
  }

  public int size() {
    return byDevice.stream().mapToInt(List::size).sum();
  }

  long payloadBytes() {
    return byDevice.stream().flatMap(List::stream).mapToLong(m -> m.payload().length).sum();
  }
}
