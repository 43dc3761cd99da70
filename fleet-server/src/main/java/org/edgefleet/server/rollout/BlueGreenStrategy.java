package org.edgefleet.server.rollout;


/**
 * Blue-green: every target stages the new version as a candidate (downloaded, verified,
 * self-tested, not serving) beside the one it runs; once the set share of targets is ready, one
 * promotion switches them all to it at once. After the switch the version is gated as a canary's
 * last stage is, and a failing gate aborts, which switches every target back at once.
 */
final class BlueGreenStrategy extends RoleStageStrategy {

  BlueGreenStrategy(StrategySpec spec) {
    super(spec, "before the switch");
  }

  @Override
  Verdict decideFirstStage(StageState s, String where) {
    double switchAt = spec.blueGreen().switchAtPercent();
    String ready = s.staged() + " of " + s.targets() + " targets staged the candidate";
    if (s.targets() > 0 && s.staged() * 100.0 >= switchAt * s.targets()) {
      return new Verdict(spec.manualApproval() ? Verdict.Kind.AWAIT_APPROVAL : Verdict.Kind.PROMOTE, ready + " (switch at "
          + switchAt + " %): switching every target at once");
    }
    return StagedVersion.stillStaging(s, where + ", " + ready + " (switch at " + switchAt + " %)")
        .orElseGet(() -> new Verdict(Verdict.Kind.ABORT, where + ": every target is done staging and only " + ready
            + ", fewer than the " + switchAt + " % the switch needs"));
  }
}
