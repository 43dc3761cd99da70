package org.edgefleet.server.rollout;

import org.edgefleet.server.experiment.AbComparison;
import org.edgefleet.server.telemetry.ModelMetrics;

/**
 * What the targets of a shadow or A/B rollout report since it began, shown on GET
 * /api/v1/rollouts/{id} and decided on by those strategies.
 *
 * @param candidate the new version: as a shadow, its comparison with the active version, its runs
 *     and its latency; as arm B, its outcomes
 * @param baseline the version the targets ran before (arm A beside an arm B), or null when they ran none
 * @param ab the arms compared, or null for a shadow rollout or while an arm has fewer than two outcomes
 * @param arms the targets in each arm of an A/B rollout, or null for a shadow rollout
 */
public record RoleReadings(ModelMetrics.Version candidate, ModelMetrics.Version baseline, AbComparison ab, Arms arms) {

  /**
   * The targets serving each arm: split by request every target serves both, split by device each
   * serves one (arm B, the new version, on the share of them that the stable hash picks).
   */
  public record Arms(AbSplit split, int a, int b) {}
}
