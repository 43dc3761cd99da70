package org.edgefleet.agent.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.edgefleet.protocol.message.TelemetryBatch;

/** The metrics of every model version that served since the last telemetry interval. */
public final class MetricsRegistry {

  private final Map<String, ModelMetrics> byVersion = new ConcurrentHashMap<>();

  /** The metrics of a version about to serve; a version that served before continues its own. */
  public ModelMetrics forVersion(String model, int version) {
    return byVersion.compute(model + "@" + version, (k, m) -> {
      if (m == null) {
        return new ModelMetrics(model, version);
      }
      m.revive();
      return m;
    });
  }

  /** Every known version's cumulative calls and errors, sorted by model and version. */
  public List<ModelTotals> totals() {
    List<ModelTotals> out = new ArrayList<>();
    for (ModelMetrics m : byVersion.values()) {
      out.add(m.totals());
    }
    out.sort(Comparator.comparing(ModelTotals::model).thenComparingInt(ModelTotals::version));
    return out;
  }
  /** One interval of every version: its metrics and its drift counts. */
  record Taken(List<TelemetryBatch.ModelMetrics> models, List<TelemetryBatch.DriftCounts> drift) {}

  /** Takes every version's interval; retired versions are reported a last time and forgotten. */
  Taken takeIntervals() {
    List<TelemetryBatch.ModelMetrics> out = new ArrayList<>();
    List<TelemetryBatch.DriftCounts> drift = new ArrayList<>();
    for (ModelMetrics m : byVersion.values()) {
      TelemetryBatch.ModelMetrics interval = m.takeInterval();
      if (!m.isRetired() || interval.count() > 0) {
        out.add(interval);
      }
      drift.addAll(m.takeDrift());
      // Atomic with forVersion: a version activated again in the meantime is kept.
      byVersion.computeIfPresent(m.key(), (k, current) -> current == m && m.isRetired() ? null : current);
    }
    // Bounded like the message: a device serving that many histograms reports the first ones.
    return new Taken(out, drift.size() > TelemetryBatch.MAX_DRIFT_HISTOGRAMS ? drift.subList(0, TelemetryBatch.MAX_DRIFT_HISTOGRAMS) : drift);
  }
}
