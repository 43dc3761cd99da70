package org.edgefleet.server.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A rollout of one model version to a cohort: the selector (and the saved cohort it came from, if
 * any) as it was at creation, its plan, where it is, and its history.
 *
 * @param stage index of the current stage in {@code strategy.stages()}
 * @param counts targets per state (wire names) plus "total"
 * @param targets the first targets, or null in listings
 * @param history every transition, oldest first, or null in listings
 * @param readings what a shadow or A/B rollout's targets report, or null for other kinds and in listings
 */
public record Rollout(long id, String model, int version, String digest, String selector, String cohort,
    StrategySpec strategy, RolloutStatus status, int stage, Instant stageStartedAt, Instant createdAt, Instant updatedAt,
    Map<String, Integer> counts, List<RolloutTarget> targets, List<HistoryEntry> history, RoleReadings readings) {

  Rollout withDetails(Map<String, Integer> newCounts, List<RolloutTarget> newTargets, List<HistoryEntry> newHistory) {
    return new Rollout(id, model, version, digest, selector, cohort, strategy, status, stage, stageStartedAt, createdAt,
        updatedAt, newCounts, newTargets, newHistory, readings);
  }

  Rollout withReadings(RoleReadings newReadings) {
    return new Rollout(id, model, version, digest, selector, cohort, strategy, status, stage, stageStartedAt, createdAt,
        updatedAt, counts, targets, history, newReadings);
  }
}
