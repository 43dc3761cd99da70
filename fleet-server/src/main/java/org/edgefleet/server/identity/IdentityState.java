package org.edgefleet.server.identity;

/** Where a device's identity stands. */
public enum IdentityState {
  /** Enrolled with a token that needs an operator's acceptance, not yet accepted: no certificate. */
  PENDING,
  /** Has (or may get) a certificate, and the broker lets it in. */
  ACCEPTED,
  /** Kept out for good: no certificate, no login, no renewal. */
  REVOKED
}
