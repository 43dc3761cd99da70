package org.edgefleet.server.desired;

import java.time.Instant;
import java.util.List;

/** A device's desired state as stored: its revision, when that revision was made, its assignments. */
public record Desired(String deviceId, long revision, Instant issuedAt, List<Assignment> assignments) {}
