package org.edgefleet.server.rollout;

/**
 * Where a rollout is, in hawkBit's words. RUNNING, PAUSED and AWAITING_APPROVAL are active: the
 * rollout holds its cohort (no other rollout of the model may target those devices) and devices
 * that join the cohort get the current stage's version. Only a RUNNING rollout is evaluated and
 * moves between stages. FINISHED, ABORTED and ROLLED_BACK are final, except that a FINISHED
 * rollout may still be rolled back by hand, and reopens while a skipped target becomes able to run it.
 */
public enum RolloutStatus {
  RUNNING,
  /** Stopped by hand: no evaluation, no promotion, until resumed. */
  PAUSED,
  /** A stage passed its gates and the strategy asks for an operator's promote. */
  AWAITING_APPROVAL,
  FINISHED,
  /** Stopped by a failed gate or by hand; every touched device was put back on its previous version. */
  ABORTED,
  /** Finished, then undone by hand: every touched device was put back on its previous version. */
  ROLLED_BACK;

  public boolean isActive() {
    return this == RUNNING || this == PAUSED || this == AWAITING_APPROVAL;
  }
}
