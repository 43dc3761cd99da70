package org.edgefleet.server.rollout;

/** What a strategy decided at one evaluation, and why in words an operator reads in the history. */
public record Verdict(Kind kind, String reason) {

  public enum Kind {
    /** Nothing to do yet (baking, devices still updating or not reporting). */
    WAIT,
    /** The stage passed: start the next one. */
    PROMOTE,
    /** The stage passed and an operator must promote it. */
    AWAIT_APPROVAL,
    /** The last stage passed: the rollout is done. */
    FINISH,
    /** A gate failed: stop and put every touched device back. */
    ABORT,
    /** A gate asks for an operator (the inputs drifted): stop moving, keep every device as it is. */
    PAUSE
  }

  static Verdict waiting(String reason) {
    return new Verdict(Kind.WAIT, reason);
  }
}
