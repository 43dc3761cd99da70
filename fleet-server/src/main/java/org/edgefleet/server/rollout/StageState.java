package org.edgefleet.server.rollout;

import java.time.Instant;

/**
 * Where a rollout's current stage is, for its strategy to decide on.
 *
 * @param targets devices of this and earlier stages (skipped and superseded ones excluded)
 * @param done targets that are active or failed
 * @param failed targets whose update failed
 * @param readings the gate readings, or null for a strategy without gates
 * @param staged targets that hold the version in a role beside the active one (candidate staged, shadow or arm running)
 * @param roles what shadows and arms report, or null for a strategy that reads none
 */
public record StageState(int stage, Instant startedAt, Instant now, int targets, int done, int failed, GateReadings readings,
    int staged, RoleReadings roles) {

  /** A stage whose version serves: nothing staged beside it. */
  public StageState(int stage, Instant startedAt, Instant now, int targets, int done, int failed, GateReadings readings) {
    this(stage, startedAt, now, targets, done, failed, readings, 0, null);
  }
}
