package org.edgefleet.agent.update;

import java.time.Clock;
import java.time.Instant;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.message.SignedDesiredState;
import org.edgefleet.protocol.trust.KeySetException;

/**
 * Decides what a desired-state message may do on this device, trusting nothing the broker adds:
 * the key set it carries must pass the root update rule, the state must be signed by a server key
 * of the trusted set, be addressed to this device, be unexpired, and not be older than the
 * highest revision the device has accepted (a replay or a rollback of orders).
 */
final class DesiredCheck {

  /** The outcome for one message. */
  sealed interface Verdict {}

  /** Refused: nothing changes but the reason reported. */
  record Refused(String reason, String details) implements Verdict {}

  /** A newer revision: work on it. */
  record Accepted(DesiredState state) implements Verdict {}

  /** The accepted revision again, signed afresh (a later expiry) or re-delivered. */
  record Same(DesiredState state) implements Verdict {}

  /** What a key set offered alongside did, reported even when the state itself is refused. */
  record KeySetOutcome(AgentTrust.Offer offer, KeySetException refusal) {}

  private final String deviceId;
  private final AgentTrust trust;
  private final Clock clock;
  private KeySetOutcome lastKeySet;

  DesiredCheck(String deviceId, AgentTrust trust, Clock clock) {
    this.deviceId = deviceId;
    this.trust = trust;
    this.clock = clock;
  }

  Verdict check(byte[] payload, long acceptedRevision) {
    lastKeySet = null;
    Instant now = clock.instant();
    SignedDesiredState signed;
    try {
      signed = MessageCodec.decode(payload, SignedDesiredState.class, SignedDesiredState.MAX_BYTES);
    } catch (MessageException e) {
      return new Refused(e.reason().name(), e.getMessage());
    }
    if (signed.keySet() != null) {
      try {
        lastKeySet = new KeySetOutcome(trust.offer(signed.keySet(), now), null);
      } catch (KeySetException e) {
        lastKeySet = new KeySetOutcome(null, e);
      }
    }
    if (trust.isExpired(now)) {
      return new Refused("KEY_SET_EXPIRED", "the trusted key set v" + trust.version() + " expired at " + trust.expiresAt()
          + "; the models installed keep running until a newer key set signed by the root keys arrives");
    }
    DesiredState desired;
    try {
      desired = signed.open(trust.current());
    } catch (MessageException e) {
      return new Refused(e.reason().name(), e.getMessage());
    }
    if (!desired.deviceId().equals(deviceId)) {
      return new Refused(MessageException.Reason.INVALID.name(), "it is addressed to device " + desired.deviceId());
    }
    if (desired.isExpired(now)) {
      return new Refused("EXPIRED", "desired state expired: revision " + desired.revision() + " expired at "
          + desired.expiresAt() + " (device clock " + now + "); the server signs it afresh before it expires");
    }
    if (desired.revision() < acceptedRevision) {
      return new Refused("REPLAYED", "revision " + desired.revision() + " is older than the accepted revision "
          + acceptedRevision + " (a replay or a rollback of orders)");
    }
    return desired.revision() == acceptedRevision ? new Same(desired) : new Accepted(desired);
  }

  /** What the key set of the last message did, or null when it carried none. */
  KeySetOutcome lastKeySet() {
    return lastKeySet;
  }
}
