package org.edgefleet.agent.update;

import java.time.Clock;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.trust.KeySetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the accepted desired state once {@link DesiredCheck} has judged it: keeps its expiry
 * current as fresh signed copies come, notices a freeze (no fresh copy before the expiry) and
 * reports it once, and reports what became of a key set that came with it. What it reports goes
 * into the agent state's last error.
 *
 * <p>Not thread-safe: runs on the agent loop.
 */
final class DesiredStateWatch {

  private static final Logger log = LoggerFactory.getLogger(DesiredStateWatch.class);
  private static final String EXPIRED = "desired state expired";

  private final String deviceId;
  private final Clock clock;
  private final SavedAgentState state;
  private final UpdateCounters counters;
  private final Runnable stateChanged;
  private boolean expiryReported;

  DesiredStateWatch(String deviceId, Clock clock, SavedAgentState state, UpdateCounters counters, Runnable stateChanged) {
    this.deviceId = deviceId;
    this.clock = clock;
    this.state = state;
    this.counters = counters;
    this.stateChanged = stateChanged;
  }

  /** A newer revision was accepted: its orders hold until its expiry. */
  void accepted(DesiredState desired) {
    expiryReported = false;
    state.save(state.get().withAccepted(desired.revision(), desired.expiresAt()));
  }

  /** A fresh signature of the accepted revision: its orders hold until the new expiry. */
  void refreshed(DesiredState desired) {
    Instant held = state.get().acceptedExpiresAt();
    if (held != null && !desired.expiresAt().isAfter(held)) {
      return;
    }
    AgentState next = state.get().withAccepted(desired.revision(), desired.expiresAt());
    if (next.lastError() != null && next.lastError().startsWith(EXPIRED)) {
      next = next.withLastError(null);
    }
    expiryReported = false;
    state.save(next);
    stateChanged.run();
  }

  /**
   * Periodic. A freeze: the accepted revision's newest signed copy expired and no fresher one
   * came. {@code stopUnfinished} stops the work left on it and says whether there was any; the
   * installed models keep running either way.
   */
  void checkExpiry(BooleanSupplier stopUnfinished) {
    AgentState s = state.get();
    Instant expiresAt = s.acceptedExpiresAt();
    if (expiryReported || expiresAt == null || expiresAt.isAfter(clock.instant())) {
      return;
    }
    expiryReported = true;
    boolean unfinished = stopUnfinished.getAsBoolean();
    log.warn("event=desired_state_expired device={} revision={} expired_at={} unfinished_update_stopped={}", deviceId,
        s.acceptedRevision(), expiresAt, unfinished);
    state.save(state.get().withLastError(EXPIRED + ": revision " + s.acceptedRevision() + " expired at " + expiresAt
        + " and no fresh copy came from the server; the installed models keep running"
        + (unfinished ? "; the unfinished update stopped" : "")));
    stateChanged.run();
  }

  void reportKeySet(DesiredCheck.KeySetOutcome outcome) {
    if (outcome == null) {
      return;
    }
    if (outcome.offer() == AgentTrust.Offer.UPDATED) {
      // The report carries the trusted version: operators see the rotation reach this device.
      stateChanged.run();
      return;
    }
    if (outcome.refusal() == null) {
      return;
    }
    KeySetException e = outcome.refusal();
    log.warn("event=key_set_refused device={} reason={} details=\"{}\"", deviceId, e.reason(), e.getMessage());
    if (e.reason() != KeySetException.Reason.VERSION_NOT_NEWER) {
      state.save(state.get().withLastError("key set refused: " + e.reason() + ": " + e.getMessage()));
      stateChanged.run();
    }
  }

  void rejected(String reason, String details) {
    counters.rejectedMessage();
    log.warn("event=desired_state_rejected device={} reason={} details=\"{}\"", deviceId, reason, details);
    state.save(state.get().withLastError("desired state rejected: " + reason + ": " + details));
    stateChanged.run();
  }
}
