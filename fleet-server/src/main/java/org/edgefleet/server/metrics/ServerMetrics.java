package org.edgefleet.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.edgefleet.protocol.mqtt.TopicKind;

/**
 * The server's Prometheus metrics. Counters are created once here so the hot paths only
 * increment; gauges read live values from their owners. Micrometer's binders add the JVM's and the
 * process's own metrics (memory, GC, threads, classes, CPU, file descriptors, uptime), and
 * {@link #httpRequest} times every HTTP request by route template, so their number stays bounded.
 */
public final class ServerMetrics implements AutoCloseable {

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
  private final Timer telemetryLag;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private static final Duration[] LAG_BUCKETS = Stream.of(50, 100, 250, 500, 1000, 1500, 2000, 3000, 5000, 10_000, 30_000,
      60_000, 300_000).map(Duration::ofMillis).toArray(Duration[]::new);
  /** Most drift PSI series (model, version, feature) kept, so that cardinality stays bounded. */
  public static final int MAX_DRIFT_SERIES = 2000;
  private final Map<String, AtomicReference<Double>> driftPsi = new ConcurrentHashMap<>();
  private final Counter driftSeriesDropped;

  public ServerMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
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
    // Buckets, not client-side percentiles: a scrape's buckets add up across instances and across
    // time, so "how many batches took over 2 s" is exact over any window a reader chooses.
    telemetryLag = Timer.builder("fleet.telemetry.ingest.lag")
        .description("From the end of a telemetry batch's interval (the device's clock) until the server stored it")
        .serviceLevelObjectives(LAG_BUCKETS).minimumExpectedValue(LAG_BUCKETS[0])
        .maximumExpectedValue(LAG_BUCKETS[LAG_BUCKETS.length - 1]).register(registry);
    driftSeriesDropped = Counter.builder("fleet.drift.series.dropped")
        .description("Drift PSI updates not shown because " + MAX_DRIFT_SERIES + " series exist").register(registry);
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

  /**
   * A telemetry batch stored, {@code lag} after its interval ended. A device whose clock runs ahead
   * shows as no lag (negative lags count as zero), one that runs behind as more.
   */
  public void telemetryStored(Duration lag) {
    telemetryLag.record(lag.isNegative() ? Duration.ZERO : lag);
  }

  public void histogramSkipped() {
    histogramsSkipped.increment();
  }

  /** A counter with one tag, for an owner that counts by its own reasons. */
  public Counter counter(String name, String description, String tag, String value) {
    return Counter.builder(name).description(description).tag(tag, value).register(registry);
  }

  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /**
   * One HTTP request that ended.
   *
   * @param route the route's template (/api/v1/devices/:id), never the raw path, so one device's
   *     requests do not make a series of their own
   */
  public void httpRequest(String method, String route, int status, long nanos) {
    Timer.builder("http.server.requests").description("HTTP requests the server answered, by method, route and status")
        .tag("method", method).tag("route", route).tag("status", Integer.toString(status)).register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Sets the PSI gauge of one feature of a model version (NaN while there are too few samples).
   * At most {@link #MAX_DRIFT_SERIES} series exist; features past that are counted, not shown.
   */
  public void driftPsi(String model, int version, String feature, Double psi) {
    String key = model + "\u0000" + version + "\u0000" + feature;
    AtomicReference<Double> gauge = driftPsi.get(key);
    if (gauge == null) {
      synchronized (driftPsi) {
        if (driftPsi.size() >= MAX_DRIFT_SERIES && !driftPsi.containsKey(key)) {
          driftSeriesDropped.increment();
          return;
        }
        gauge = driftPsi.computeIfAbsent(key, k -> {
          AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
          Gauge.builder("fleet.drift.psi", ref, AtomicReference::get).description("PSI of a model version's input feature "
              + "over the last drift report on every device").tag("model", model).tag("version", String.valueOf(version))
              .tag("feature", feature).register(registry);
          return ref;
        });
      }
    }
    gauge.set(psi == null ? Double.NaN : psi);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  /** Stops the GC notifications the GC binder listens to. */
  @Override
  public void close() {
    gc.close();
  }
}
