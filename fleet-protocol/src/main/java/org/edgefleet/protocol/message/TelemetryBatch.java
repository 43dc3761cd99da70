package org.edgefleet.protocol.message;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * Metrics a device recorded over {@code [from, to)}. {@code seq} grows per device and survives
 * restarts, so a batch sent twice (after a lost acknowledgement) is stored once.
 *
 * @param counters the agent's own running totals (e.g. outboxDropped, corruptChunks), by name
 * @param drift live-input histograms on the manifests' reference bins, counts only (absent from
 *     agents that do not bin; an empty list when nothing was binned)
 */
public record TelemetryBatch(int v, String deviceId, long seq, Instant from, Instant to,
    List<ModelMetrics> models, ResourceUsage resources, Map<String, Long> counters, List<DriftCounts> drift) {

  public static final int MAX_BYTES = 256 * 1024;
  /** Longest interval one batch may cover; an agent sends one every telemetry interval (seconds). */
  public static final Duration MAX_INTERVAL = Duration.ofDays(7);
  /** Most inferences one model may record per second of a batch's interval (one per microsecond). */
  public static final long MAX_INFERENCES_PER_SECOND = 1_000_000;
  /** Largest counter or inference count in any batch: MAX_INTERVAL at MAX_INFERENCES_PER_SECOND. */
  public static final long MAX_COUNT = MAX_INTERVAL.getSeconds() * MAX_INFERENCES_PER_SECOND;
  /** Most drift histograms in one batch, over every model version. */
  public static final int MAX_DRIFT_HISTOGRAMS = 4096;
  /** Most bins of one drift histogram (the bundle reader's default bound on reference bins). */
  public static final int MAX_DRIFT_BINS = 1000;

  /** A batch without drift histograms. */
  public TelemetryBatch(int v, String deviceId, long seq, Instant from, Instant to, List<ModelMetrics> models,
      ResourceUsage resources, Map<String, Long> counters) {
    this(v, deviceId, seq, from, to, models, resources, counters, List.of());
  }

  public TelemetryBatch {
    MessageCodec.requireVersion(v, "telemetry");
    Topics.requireDeviceId(deviceId);
    if (seq < 0 || from == null || to == null || to.isBefore(from)) {
      throw new IllegalArgumentException("telemetry needs seq >= 0 and from <= to");
    }
    Duration interval = Duration.between(from, to);
    if (interval.compareTo(MAX_INTERVAL) > 0) {
      throw new IllegalArgumentException("telemetry interval from " + from + " to " + to + " is longer than " + MAX_INTERVAL
          + ": send one batch per telemetry interval");
    }
    models = models == null ? List.of() : List.copyOf(models);
    // Counts are bounded by what the interval can hold (one second at least, for clock steps).
    long maxCount = Math.max(1, interval.getSeconds() + 1) * MAX_INFERENCES_PER_SECOND;
    for (ModelMetrics m : models) {
      if (m.count() > maxCount) {
        throw new IllegalArgumentException("telemetry count of model " + m.name() + " is " + m.count() + ", more than "
            + maxCount + " (" + MAX_INFERENCES_PER_SECOND + " per second of the interval from " + from + " to " + to + ")");
      }
    }
    counters = counters == null ? Map.of() : Map.copyOf(counters);
    counters.forEach((name, value) -> {
      if (name.isBlank() || name.length() > 64 || value == null || value < 0 || value > MAX_COUNT) {
        throw new IllegalArgumentException("telemetry counter " + name + " must be named (at most 64 characters) and between 0 and "
            + MAX_COUNT + ", was " + value);
      }
    });
    drift = drift == null ? List.of() : List.copyOf(drift);
    if (drift.size() > MAX_DRIFT_HISTOGRAMS) {
      throw new IllegalArgumentException("telemetry drift has " + drift.size() + " histograms, the limit is " + MAX_DRIFT_HISTOGRAMS);
    }
  }

  /**
   * One live histogram of one model version over the batch's interval: {@code counts[i]} values of
   * the input fell in bin i of the manifest's reference statistics named by (input, feature).
   */
  public record DriftCounts(String model, int version, String input, String feature, List<Long> counts) {
    public DriftCounts {
      if (model == null || model.isBlank() || version < 1) {
        throw new IllegalArgumentException("drift counts need a model name and version >= 1");
      }
      if (input == null || input.isBlank() || input.length() > 256 || feature == null || feature.isBlank()
          || feature.length() > 256) {
        throw new IllegalArgumentException("drift counts of " + model + " v" + version + " need an input and a feature name "
            + "(1 to 256 characters)");
      }
      if (counts == null || counts.isEmpty() || counts.size() > MAX_DRIFT_BINS) {
        throw new IllegalArgumentException("drift counts of " + model + " v" + version + " " + input + "/" + feature
            + " need 1 to " + MAX_DRIFT_BINS + " bins, had " + (counts == null ? 0 : counts.size()));
      }
      long total = 0;
      for (Long c : counts) {
        if (c == null || c < 0 || c > MAX_COUNT - total) {
          throw new IllegalArgumentException("drift counts of " + model + " v" + version + " " + input + "/" + feature
              + " must be >= 0 and total at most " + MAX_COUNT);
        }
        total += c;
      }
      counts = List.copyOf(counts);
    }

    public long total() {
      return counts.stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Inference metrics of one model version.
   *
   * @param latencyMicros latency histogram in microseconds, as {@link LatencyHistograms} encodes it
   * @param shadow for a version that ran as a shadow: how it compared with the active version
   *     (its runs, errors and latency are {@code count}, {@code errors} and {@code latencyMicros})
   * @param outcomes for a version that served as an A/B arm (or the active version beside one): the
   *     outcomes the application reported for its requests
   * @param invalidOutputs calls whose floating outputs held NaN or infinity; null from agents that do
   *     not count them (older ones), which the server reads as unknown, not as none
   */
  public record ModelMetrics(String name, int version, long count, long errors, String latencyMicros, ShadowComparison shadow,
      Outcomes outcomes, Long invalidOutputs) {
    public ModelMetrics {
      if (name == null || name.isBlank() || version < 1) {
        throw new IllegalArgumentException("model metrics need a name and version >= 1");
      }
      if (count < 0 || count > MAX_COUNT || errors < 0 || errors > count) {
        throw new IllegalArgumentException("model metrics of " + name + " need 0 <= errors <= count <= " + MAX_COUNT + ", were count "
            + count + " and errors " + errors);
      }
      if (invalidOutputs != null && (invalidOutputs < 0 || invalidOutputs > count)) {
        throw new IllegalArgumentException("model metrics of " + name + " need 0 <= invalidOutputs <= count (" + count + "), were "
            + invalidOutputs);
      }
    }

    /** Metrics without the invalid-output count, as an agent that does not count them sends. */
    public ModelMetrics(String name, int version, long count, long errors, String latencyMicros, ShadowComparison shadow,
        Outcomes outcomes) {
      this(name, version, count, errors, latencyMicros, shadow, outcomes, null);
    }

    public ModelMetrics(String name, int version, long count, long errors, String latencyMicros) {
      this(name, version, count, errors, latencyMicros, null, null, null);
    }
  }

  /**
   * A shadow version against the active one, over the runs it made in the interval.
   *
   * @param activeVersion the version whose outputs the shadow's were compared with
   * @param skipped shadow runs left out because the shadow queue was full (the caller never waits)
   * @param top1Compared runs compared by their top class (outputs shaped like one row of class scores)
   * @param top1Agreed of those, runs whose top class matched the active version's
   * @param meanAbsDiff per output name, the mean absolute difference over every element compared
   */
  public record ShadowComparison(int activeVersion, long skipped, long top1Compared, long top1Agreed,
      Map<String, Double> meanAbsDiff) {
    private static final int MAX_OUTPUTS = 64;

    public ShadowComparison {
      if (activeVersion < 1 || skipped < 0 || skipped > MAX_COUNT || top1Compared < 0 || top1Compared > MAX_COUNT
          || top1Agreed < 0 || top1Agreed > top1Compared) {
        throw new IllegalArgumentException("shadow comparison needs activeVersion >= 1, 0 <= skipped <= " + MAX_COUNT
            + " and 0 <= top1Agreed <= top1Compared <= " + MAX_COUNT);
      }
      meanAbsDiff = meanAbsDiff == null ? Map.of() : Map.copyOf(meanAbsDiff);
      if (meanAbsDiff.size() > MAX_OUTPUTS) {
        throw new IllegalArgumentException("shadow comparison has " + meanAbsDiff.size() + " outputs, at most " + MAX_OUTPUTS);
      }
      meanAbsDiff.forEach((output, d) -> {
        if (output.isBlank() || output.length() > 256 || d == null || !(d >= 0) || d.isInfinite()) {
          throw new IllegalArgumentException("shadow meanAbsDiff of output '" + output + "' must be finite and >= 0, was " + d);
        }
      });
    }
  }

  /**
   * Outcomes the application reported ({@code recordOutcome}) for requests one arm served: enough
   * for the server to compute the arm's mean and its confidence interval.
   */
  public record Outcomes(long count, double sum, double sumSquares) {
    public Outcomes {
      if (count < 1 || count > MAX_COUNT || !Double.isFinite(sum) || !Double.isFinite(sumSquares) || sumSquares < 0) {
        throw new IllegalArgumentException("outcomes need 1 <= count <= " + MAX_COUNT + ", a finite sum and a finite sumSquares >= 0;"
            + " were " + count + ", " + sum + ", " + sumSquares);
      }
    }
  }

  /** Resource use of the agent process and the device; any field may be absent, none negative or not finite. */
  public record ResourceUsage(Double cpuLoad, Long rssBytes, Long heapUsedBytes, Double temperatureC) {
    public ResourceUsage {
      if ((cpuLoad != null && !(cpuLoad >= 0 && cpuLoad <= 1024)) || (rssBytes != null && rssBytes < 0)
          || (heapUsedBytes != null && heapUsedBytes < 0)
          || (temperatureC != null && !(temperatureC >= -273.15 && temperatureC <= 1000))) {
        throw new IllegalArgumentException("resource usage needs 0 <= cpuLoad <= 1024, rssBytes and heapUsedBytes >= 0 and "
            + "-273.15 <= temperatureC <= 1000; was " + cpuLoad + ", " + rssBytes + ", " + heapUsedBytes + ", " + temperatureC);
      }
    }
  }
}
