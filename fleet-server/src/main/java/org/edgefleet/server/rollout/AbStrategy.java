package org.edgefleet.server.rollout;

import java.util.Locale;
import org.edgefleet.server.experiment.AbComparison;

/**
 * A/B: every target sends its share of requests to the new version (arm B) beside the active one
 * (arm A), or (split by device) each target serves one arm. The arms are judged once both reached the sample size declared in the plan, never
 * before; then the rollout waits for an operator: promote makes the new version active on the
 * whole cohort (gated as a canary's last stage), abort keeps arm A. The verdict and both arms'
 * means with their 95 % intervals are in the history and on GET /api/v1/rollouts/{id}.
 */
final class AbStrategy extends RoleStageStrategy {

  AbStrategy(StrategySpec spec) {
    super(spec, "A/B");
  }

  @Override
  Verdict decideFirstStage(StageState s, String where) {
    AbComparison ab = s.roles() == null ? null : s.roles().ab();
    long planned = spec.ab().plannedPerArm();
    RoleReadings.Arms devices = s.roles() == null ? null : s.roles().arms();
    if (devices != null && devices.split() == AbSplit.DEVICE && (devices.a() == 0 || devices.b() == 0)
        && devices.a() + devices.b() > 0) {
      return Verdict.waiting("A/B split by device: arm " + (devices.a() == 0 ? "A" : "B") + " holds none of the "
          + (devices.a() + devices.b()) + " targets, so it collects no outcomes; abort, and split by request or target more devices");
    }
    if (ab == null || ab.decision() == AbComparison.Decision.COLLECTING) {
      return Verdict.waiting("A/B collecting outcomes: " + (ab == null ? "fewer than 2 per arm" : ab.a().count() + " in arm A, "
          + ab.b().count() + " in arm B") + " of the " + planned + " per arm planned");
    }
    String arms = String.format(Locale.ROOT, "arm A mean %.4f [%.4f, %.4f] (n=%d), arm B mean %.4f [%.4f, %.4f] (n=%d), "
        + "difference %.4f [%.4f, %.4f]", ab.a().mean(), ab.a().ciLow(), ab.a().ciHigh(), ab.a().count(), ab.b().mean(),
        ab.b().ciLow(), ab.b().ciHigh(), ab.b().count(), ab.difference(), ab.differenceLow(), ab.differenceHigh());
    String verdict = switch (ab.decision()) {
      case B_BETTER -> "arm B (the new version) is better: promote to make it active everywhere";
      case A_BETTER -> "arm A (the active version) is better: abort to keep it";
      case NOT_SIGNIFICANT -> "the difference is not significant at 95 %: promote or abort as you see fit";
      case COLLECTING -> throw new IllegalStateException("handled above");
    };
    return new Verdict(Verdict.Kind.AWAIT_APPROVAL, "A/B reached " + planned + " outcomes per arm: " + verdict + "; " + arms);
  }
}
