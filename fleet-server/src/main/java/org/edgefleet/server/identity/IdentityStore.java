package org.edgefleet.server.identity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Enrollment tokens and device identities, in one transaction. */
public interface IdentityStore {

  void addToken(EnrollmentToken token);

  Optional<EnrollmentToken> token(String hash);

  /** Takes one use of the token if it has one left and has not expired at {@code now}; false otherwise. */
  boolean useToken(String hash, Instant now);

  Optional<DeviceIdentity> identity(String deviceId);

  /** Inserts or replaces the device's identity. */
  void save(DeviceIdentity identity);

  /** Identities in a state (every one when null), by device id after {@code afterId}. */
  List<DeviceIdentity> list(IdentityState state, String afterId, int limit);
}
