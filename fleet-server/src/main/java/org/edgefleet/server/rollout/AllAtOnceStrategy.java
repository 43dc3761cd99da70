package org.edgefleet.server.rollout;

import java.util.List;

/** One stage of the whole cohort, no gates: done once every target has either activated or failed. */
final class AllAtOnceStrategy implements RolloutStrategy {

  @Override
  public List<StageSpec> stages() {
    return StrategySpec.ALL_AT_ONCE.stages();
  }

  @Override
  public boolean readsGates() {
    return false;
  }

  @Override
  public Verdict decide(StageState s) {
    if (s.done() < s.targets()) {
      return Verdict.waiting((s.targets() - s.done()) + " of " + s.targets() + " targets still updating");
    }
    return new Verdict(Verdict.Kind.FINISH, "every target is done: " + (s.done() - s.failed()) + " active, " + s.failed()
        + " failed");
  }
}
