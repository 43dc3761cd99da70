package org.edgefleet.server.rollout;

import java.util.List;
import org.edgefleet.server.drift.DriftReport;
import org.edgefleet.server.telemetry.VersionReading;

/**
 * What the gates read for one evaluation, on the devices of the current and earlier stages.
 *
 * @param candidate the new version since the rollout started
 * @param baseline the version those devices ran before, on the same devices, or null when they ran none
 * @param drift the new version's drift per feature over the drift gate's window, or null without a drift gate
 */
public record GateReadings(VersionReading candidate, VersionReading baseline, List<DriftReport.Feature> drift) {

  public GateReadings {
    drift = drift == null ? null : List.copyOf(drift);
  }
}
