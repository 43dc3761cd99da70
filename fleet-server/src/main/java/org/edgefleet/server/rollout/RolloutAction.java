package org.edgefleet.server.rollout;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.edgefleet.server.FleetException;

/** What an operator can do to a rollout (POST /api/v1/rollouts/{id}/{action}), and from which statuses. */
public enum RolloutAction {
  PAUSE(Set.of(RolloutStatus.RUNNING, RolloutStatus.AWAITING_APPROVAL)),
  RESUME(Set.of(RolloutStatus.PAUSED)),
  /** Starts the next stage now (bake and gates or not); on the last stage, finishes. */
  PROMOTE(Set.of(RolloutStatus.RUNNING, RolloutStatus.AWAITING_APPROVAL)),
  /** Stops an active rollout and puts every touched device back. */
  ABORT(Set.of(RolloutStatus.RUNNING, RolloutStatus.PAUSED, RolloutStatus.AWAITING_APPROVAL)),
  /** Undoes a finished rollout: every touched device back on its previous version. */
  ROLLBACK(Set.of(RolloutStatus.FINISHED));

  static final int MAX_REASON = 500;

  private final Set<RolloutStatus> from;

  RolloutAction(Set<RolloutStatus> from) {
    this.from = from;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RolloutAction parse(String name) {
    for (RolloutAction a : values()) {
      if (a.wireName().equals(name)) {
        return a;
      }
    }
    throw FleetException.notFound("unknown_action", "no rollout action '" + name + "'; actions: "
        + Arrays.stream(values()).map(RolloutAction::wireName).collect(Collectors.joining(", ")));
  }

  /** Refuses the action on a rollout in a status it does not apply to, saying which it applies to. */
  void checkFrom(long id, RolloutStatus status) {
    if (!from.contains(status)) {
      throw FleetException.conflict("action_not_allowed", "rollout " + id + " is " + status + ": " + wireName()
          + " applies only to a rollout that is " + from.stream().map(Enum::name).sorted().collect(Collectors.joining(" or ")));
    }
  }

  /** Checks the reason an operator gave: required, printable, at most {@value #MAX_REASON} characters. */
  static String checkReason(String reason) {
    if (reason == null || reason.isBlank()) {
      throw FleetException.invalid("reason_required", "every rollout action needs a \"reason\", recorded in the rollout's history");
    }
    if (reason.length() > MAX_REASON || reason.chars().anyMatch(c -> Character.isISOControl(c))) {
      throw FleetException.invalid("bad_reason", "\"reason\" must be at most " + MAX_REASON
          + " characters without control characters");
    }
    return reason.strip();
  }
}
