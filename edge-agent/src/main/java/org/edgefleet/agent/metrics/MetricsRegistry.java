package org.edgefleet.agent.metrics;

import java.util.ArrayList;
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

  /** Takes every version's interval; retired versions are reported a last time and forgotten. */
  List<TelemetryBatch.ModelMetrics> takeIntervals() {
    List<TelemetryBatch.ModelMetrics> out = new ArrayList<>();
    for (ModelMetrics m : byVersion.values()) {
      TelemetryBatch.ModelMetrics interval = m.takeInterval();
      if (!m.isRetired() || interval.count() > 0) {
        out.add(interval);
      }
      // Atomic with forVersion: a version activated again in the meantime is kept.
      byVersion.computeIfPresent(m.key(), (k, current) -> current == m && m.isRetired() ? null : current);
    }
    return out;
  }
}
