package org.edgefleet.server.rollout;

import org.edgefleet.server.telemetry.ModelMetrics;

/**
 * Shadow: the targets run the new version beside their active one on the same inputs, its outputs
 * only compared. Once every target runs it, an operator promotes it (it then serves on the whole
 * cohort, gated as a canary's last stage) or aborts it; with a {@code promoteWhen} rule the server
 * promotes it itself once the reported agreement meets the rule.
 */
final class ShadowStrategy extends RoleStageStrategy {

  ShadowStrategy(StrategySpec spec) {
    super(spec, "shadow");
  }

  @Override
  Verdict decideFirstStage(StageState s, String where) {
    var staging = StagedVersion.stillStaging(s, where);
    if (staging.isPresent()) {
      return staging.get();
    }
    ModelMetrics.Version shadow = s.roles() == null ? null : s.roles().candidate();
    ShadowSpec.PromoteWhen rule = spec.shadow().promoteWhen();
    String running = s.staged() + " targets run v" + (shadow == null ? "?" : shadow.version()) + " as a shadow";
    if (rule == null) {
      return new Verdict(Verdict.Kind.AWAIT_APPROVAL, running + "; compare its readings, then promote it or abort");
    }
    String unmet = rule.unmet(shadow == null ? null : shadow.shadow(), shadow == null ? 0 : shadow.inferences());
    if (unmet != null) {
      return Verdict.waiting(running + "; not promoted yet: " + unmet);
    }
    return new Verdict(spec.manualApproval() ? Verdict.Kind.AWAIT_APPROVAL : Verdict.Kind.PROMOTE, running + " and meets the "
        + "promotion rule (top-1 agreement " + shadow.shadow().top1Agreement() + ", mean absolute difference "
        + shadow.shadow().meanAbsDiff() + " over " + shadow.inferences() + " runs)");
  }
}
