package org.edgefleet.server.rollout;

import java.util.List;

/**
 * The seam between the engine and a strategy. A strategy plans the stages (which share of the
 * cohort, in which role) and decides at each evaluation, from where its stage is and what the
 * gates read; the engine does the rest (picking devices by stable hash, assigning, persisting each
 * transition, rolling back). A strategy holds no state of its own: everything it decides from is
 * stored, so a restarted server decides the same.
 */
public interface RolloutStrategy {

  List<StageSpec> stages();

  /** Whether the engine should read telemetry for {@link #decide}. */
  boolean readsGates();

  Verdict decide(StageState state);

  static RolloutStrategy of(StrategySpec spec) {
    return switch (spec.kind()) {
      case ALL_AT_ONCE -> new AllAtOnceStrategy();
      case CANARY -> new CanaryStrategy(spec);
      case BLUE_GREEN -> new BlueGreenStrategy(spec);
      case SHADOW -> new ShadowStrategy(spec);
      case AB -> new AbStrategy(spec);
    };
  }
}
