package org.edgefleet.protocol.message;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * What the server wants a device to run. {@code revision} grows with every change for this
 * device, so a device can ignore a stale retained copy, refuse a replayed older one, and the
 * server can see in a report whether the device has caught up. {@code expiresAt} bounds how long
 * a signed copy stays good: the server signs the same revision again before it expires, so a
 * device that hears nothing fresh for that long knows it is being held on old orders (a freeze).
 * A model has at most one active version and at most one other version as candidate, shadow or
 * arm (a device holds two slots per model); a shadow or an arm needs an active version beside it.
 *
 * @param health the gates a device applies after it activates a version; absent: the device's own
 */
public record DesiredState(int v, String deviceId, long revision, Instant issuedAt, Instant expiresAt,
    List<ModelAssignment> models, HealthGates health) {

  /** How long a desired state stays good when its maker gives no expiry. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(1);

  public DesiredState {
    MessageCodec.requireVersion(v, "desired state");
    Topics.requireDeviceId(deviceId);
    if (revision < 1 || issuedAt == null) {
      throw new IllegalArgumentException("desired state needs a revision >= 1 and issuedAt");
    }
    if (expiresAt == null || !expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException("desired state needs an expiresAt after issuedAt (" + issuedAt + "), was " + expiresAt);
    }
    models = models == null ? List.of() : List.copyOf(models);
    Set<String> names = new HashSet<>();
    Map<String, ModelAssignment> active = new HashMap<>();
    Map<String, ModelAssignment> other = new HashMap<>();
    for (ModelAssignment m : models) {
      if (!names.add(m.name() + "/" + m.role())) {
        throw new IllegalArgumentException("desired state assigns model " + m.name() + " twice in role " + m.role().wireName());
      }
      if (m.role() == SlotRole.ACTIVE) {
        active.put(m.name(), m);
      } else if (other.put(m.name(), m) != null) {
        throw new IllegalArgumentException("desired state gives model " + m.name() + " more than one candidate, shadow or arm:"
            + " a device holds two slots per model");
      }
    }
    for (ModelAssignment m : other.values()) {
      ModelAssignment a = active.get(m.name());
      if (a == null && m.role() != SlotRole.CANDIDATE) {
        throw new IllegalArgumentException("desired state has a " + m.role().wireName() + " of model " + m.name()
            + " but no active version for it to run beside");
      }
      if (a != null && a.version() == m.version()) {
        throw new IllegalArgumentException("desired state makes v" + m.version() + " of model " + m.name() + " both active and "
            + m.role().wireName());
      }
    }
  }

  public DesiredState(String deviceId, long revision, Instant issuedAt, Instant expiresAt, List<ModelAssignment> models,
      HealthGates health) {
    this(MessageCodec.VERSION, deviceId, revision, issuedAt, expiresAt, models, health);
  }

  public DesiredState(String deviceId, long revision, Instant issuedAt, Instant expiresAt, List<ModelAssignment> models) {
    this(deviceId, revision, issuedAt, expiresAt, models, null);
  }

  /** A state good for {@link #DEFAULT_VALIDITY} from {@code issuedAt}. */
  public DesiredState(String deviceId, long revision, Instant issuedAt, List<ModelAssignment> models) {
    this(deviceId, revision, issuedAt, issuedAt.plus(DEFAULT_VALIDITY), models);
  }

  public boolean isExpired(Instant now) {
    return !expiresAt.isAfter(now);
  }
}
