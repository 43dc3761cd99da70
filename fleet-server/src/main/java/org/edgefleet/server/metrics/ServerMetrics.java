package org.edgefleet.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import org.edgefleet.protocol.mqtt.TopicKind;

/**
 * The server's Prometheus metrics. Counters are created once here so the hot paths only
 * increment; gauges read live values from their owners.
 */
public final class ServerMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<TopicKind, Counter> messages = new EnumMap<>(TopicKind.class);
  private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
  private final Counter chunksSent;
  private final Counter bytesSent;
  private final Counter chunkRequestsDropped;
  private final Counter desiredPublished;
  private final Counter uploadsAccepted;
  private final Counter uploadsRejected;
  private final Counter histogramsSkipped;

  public ServerMetrics() {
    for (TopicKind k : TopicKind.values()) {
      if (k.fromDevice()) {
        messages.put(k, Counter.builder("fleet.device.messages").description("Messages received from devices, by topic kind")
            .tag("kind", k.path()).register(registry));
      }
    }
    for (RejectReason r : RejectReason.values()) {
      rejected.put(r, Counter.builder("fleet.device.messages.rejected").description("Device messages not acted on, by reason")
          .tag("reason", r.label()).register(registry));
    }
    chunksSent = Counter.builder("fleet.transfer.chunks.sent").description("Bundle chunks acknowledged by the broker").register(registry);
    bytesSent = Counter.builder("fleet.transfer.bytes.sent").description("Bundle bytes acknowledged by the broker").register(registry);
    chunkRequestsDropped = Counter.builder("fleet.transfer.requests.dropped")
        .description("Requested chunks dropped because the device's queue was full or the send failed").register(registry);
    desiredPublished = Counter.builder("fleet.desired.published").description("Signed desired states published").register(registry);
    uploadsAccepted = Counter.builder("fleet.bundle.uploads").description("Bundle uploads, by result").tag("result", "accepted").register(registry);
    uploadsRejected = Counter.builder("fleet.bundle.uploads").description("Bundle uploads, by result").tag("result", "rejected").register(registry);
    histogramsSkipped = Counter.builder("fleet.telemetry.histograms.skipped")
        .description("Stored latency histograms that did not decode when metrics were merged").register(registry);
  }

  public void deviceMessage(TopicKind kind) {
    Counter c = messages.get(kind);
    if (c != null) {
      c.increment();
    }
  }

  public void rejected(RejectReason reason) {
    rejected.get(reason).increment();
  }

  public void chunkSent(int bytes) {
    chunksSent.increment();
    bytesSent.increment(bytes);
  }

  public void chunkRequestDropped() {
    chunkRequestsDropped.increment();
  }

  public void desiredPublished() {
    desiredPublished.increment();
  }

  public void upload(boolean accepted) {
    (accepted ? uploadsAccepted : uploadsRejected).increment();
  }

  public void histogramSkipped() {
    histogramsSkipped.increment();
  }

  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
