package org.edgefleet.server.rollout;

import java.util.Locale;
import java.util.Optional;

/**
 * What blue-green, shadow and A/B share about their first stage, where the new version is staged
 * beside the active one rather than serving: too many failed installs abort it, and it is ready
 * once every target has either staged it or failed.
 */
final class StagedVersion {

  private StagedVersion() {}

  /** An abort when more of the targets failed to stage the version than the gates allow. */
  static Optional<Verdict> tooManyFailed(StageState s, GateSpec g, String what) {
    if (s.targets() > 0 && s.failed() > 0 && (double) s.failed() / s.targets() > g.maxInstallFailureRate()) {
      return Optional.of(new Verdict(Verdict.Kind.ABORT, what + ": " + s.failed() + " of " + s.targets()
          + " devices failed to stage the version, a failure rate of " + String.format(Locale.ROOT, "%.3f",
          (double) s.failed() / s.targets()) + " > " + g.maxInstallFailureRate()));
    }
    return Optional.empty();
  }

  /** A wait while some targets have neither staged the version nor failed. */
  static Optional<Verdict> stillStaging(StageState s, String what) {
    int waiting = s.targets() - s.staged() - s.failed();
    return waiting > 0 ? Optional.of(Verdict.waiting(what + ": " + waiting + " of " + s.targets() + " targets still staging"))
        : Optional.empty();
  }
}
