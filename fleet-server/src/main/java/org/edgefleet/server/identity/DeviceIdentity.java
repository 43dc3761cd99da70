package org.edgefleet.server.identity;

import java.time.Instant;
import java.util.Objects;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * A device's identity: the public key it enrolled with (base64 of its SubjectPublicKeyInfo), its
 * state, and the serial and expiry of its newest certificate (null before the first one).
 */
public record DeviceIdentity(String deviceId, IdentityState state, String publicKey, String serial, Instant notAfter,
    Instant updatedAt) {
  public DeviceIdentity {
    Topics.requireDeviceId(deviceId);
    Objects.requireNonNull(state, "state must not be null");
    Objects.requireNonNull(publicKey, "publicKey must not be null");
    Objects.requireNonNull(updatedAt, "updatedAt must not be null");
  }

  DeviceIdentity with(IdentityState newState, Instant now) {
    return new DeviceIdentity(deviceId, newState, publicKey, serial, notAfter, now);
  }
}
