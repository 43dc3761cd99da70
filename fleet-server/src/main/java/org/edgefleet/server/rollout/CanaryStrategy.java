package org.edgefleet.server.rollout;

import java.util.List;
import java.util.Locale;
import org.edgefleet.server.drift.DriftReport;
import org.edgefleet.server.telemetry.VersionReading;

/**
 * Canary / phased: stages of growing shares, each baked and gated. A gate that fails aborts at once,
 * bake or not, except the drift gate, which pauses (the inputs moved, the version did not fail). A
 * stage passes once it has baked, enough devices report the new version and every gate holds. The
 * last stage also waits until every target is done. With manual approval a passed stage waits for
 * an operator's promote.
 */
final class CanaryStrategy implements RolloutStrategy {

  private final StrategySpec spec;

  CanaryStrategy(StrategySpec spec) {
    this.spec = spec;
  }

  @Override
  public List<StageSpec> stages() {
    return spec.stages();
  }

  @Override
  public boolean readsGates() {
    return true;
  }

  @Override
  public Verdict decide(StageState s) {
    GateSpec g = spec.gates();
    String where = "stage " + (s.stage() + 1) + " of " + spec.stages().size();
    if (s.targets() > 0 && s.failed() > 0 && (double) s.failed() / s.targets() > g.maxInstallFailureRate()) {
      return abort(where + ": install failure rate " + rate((double) s.failed() / s.targets()) + " > "
          + rate(g.maxInstallFailureRate()) + " (" + s.failed() + " of " + s.targets() + " devices failed to update)");
    }
    VersionReading c = s.readings().candidate();
    int needed = Math.min(g.minDevicesReporting(), s.targets());
    if (c.devicesReporting() >= needed && c.devicesReporting() > 0) {
      if (c.errorRate() > g.maxErrorRate()) {
        return abort(where + ": inference error rate " + rate(c.errorRate()) + " > " + rate(g.maxErrorRate()) + " ("
            + c.errors() + " of " + c.inferences() + " inferences on " + c.devicesReporting() + " devices)");
      }
      Double invalid = c.invalidOutputRate();
      if (invalid != null && invalid > g.maxInvalidOutputRate()) {
        return abort(where + ": invalid output rate " + rate(invalid) + " > " + rate(g.maxInvalidOutputRate()) + " ("
            + c.invalidOutputs() + " of " + c.invalidChecked() + " inferences of v" + c.version() + " gave NaN or infinite outputs)");
      }
      VersionReading b = s.readings().baseline();
      if (b != null && b.p95Ms() != null && c.p95Ms() != null && c.p95Ms() > b.p95Ms() * g.maxP95Ratio()
          && c.p95Ms() - b.p95Ms() > g.p95SlackMs()) {
        return abort(where + ": p95 latency " + ms(c.p95Ms()) + " of v" + c.version() + " is more than " + g.maxP95Ratio()
            + "x the " + ms(b.p95Ms()) + " of v" + b.version() + " on the same devices (and more than " + g.p95SlackMs()
            + " ms above it)");
      }
    }
    Verdict drift = drift(where, c.version(), s.readings().drift());
    if (drift != null) {
      return drift;
    }
    StageSpec stage = spec.stages().get(s.stage());
    if (s.now().isBefore(s.startedAt().plusSeconds(stage.bakeSeconds()))) {
      return Verdict.waiting(where + " baking until " + s.startedAt().plusSeconds(stage.bakeSeconds()));
    }
    if (c.devicesReporting() < needed) {
      return Verdict.waiting(where + ": " + c.devicesReporting() + " of the " + needed + " devices needed report v" + c.version());
    }
    String passed = where + " passed: " + c.devicesReporting() + " devices reporting, error rate " + rate(c.errorRate())
        + (c.p95Ms() == null ? "" : ", p95 " + ms(c.p95Ms())) + ", " + s.failed() + " failed installs";
    if (s.stage() == spec.stages().size() - 1) {
      if (s.done() < s.targets()) {
        return Verdict.waiting(where + ": " + (s.targets() - s.done()) + " of " + s.targets() + " targets still updating");
      }
      return new Verdict(Verdict.Kind.FINISH, passed);
    }
    return new Verdict(spec.manualApproval() ? Verdict.Kind.AWAIT_APPROVAL : Verdict.Kind.PROMOTE, passed);
  }

  // Drift is the world moving, not the version failing: the rollout pauses for an operator rather than undo anything.
  private Verdict drift(String where, int version, List<DriftReport.Feature> features) {
    DriftGate gate = spec.gates().drift();
    if (gate == null || features == null) {
      return null;
    }
    List<String> over = features.stream().filter(f -> f.psi() != null && f.psi() >= gate.maxPsi())
        .map(f -> f.input() + "/" + f.feature() + " PSI " + rate(f.psi()) + " over " + f.samples() + " values").toList();
    if (over.isEmpty()) {
      return null;
    }
    return new Verdict(Verdict.Kind.PAUSE, where + ": input drift of v" + version + " at or above PSI " + gate.maxPsi() + " on "
        + String.join(", ", over) + "; resume to carry on (drift is then judged on inputs from the resume on)");
  }

  private static Verdict abort(String reason) {
    return new Verdict(Verdict.Kind.ABORT, reason);
  }

  private static String rate(double r) {
    return String.format(Locale.ROOT, "%.3f", r);
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.2f ms", v);
  }
}
