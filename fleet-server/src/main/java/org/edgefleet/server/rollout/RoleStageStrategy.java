package org.edgefleet.server.rollout;

import java.util.List;

/**
 * The shape blue-green, shadow and A/B share: the first stage gives every target the new version
 * in a role beside the one it serves (candidate, shadow, arm B) and is judged by the subclass, after
 * the common check that not too many targets failed to take it; every later stage, once the version
 * serves, is gated as a canary's stages are.
 */
abstract class RoleStageStrategy implements RolloutStrategy {

  final StrategySpec spec;
  private final CanaryStrategy afterFirstStage;
  private final String firstStageName;

  /** @param firstStageName how the first stage is named in verdicts, e.g. "before the switch" */
  RoleStageStrategy(StrategySpec spec, String firstStageName) {
    this.spec = spec;
    this.afterFirstStage = new CanaryStrategy(spec);
    this.firstStageName = firstStageName;
  }

  @Override
  public final List<StageSpec> stages() {
    return spec.stages();
  }

  @Override
  public final boolean readsGates() {
    return true;
  }

  @Override
  public final Verdict decide(StageState s) {
    if (s.stage() > 0) {
      return afterFirstStage.decide(s);
    }
    return StagedVersion.tooManyFailed(s, spec.gates(), firstStageName).orElseGet(() -> decideFirstStage(s, firstStageName));
  }

  /** The first stage's verdict once not too many targets failed; {@code where} names the stage. */
  abstract Verdict decideFirstStage(StageState s, String where);
}
