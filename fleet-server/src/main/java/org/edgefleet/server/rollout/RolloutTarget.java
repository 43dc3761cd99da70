package org.edgefleet.server.rollout;

import java.time.Instant;

/** One device of a rollout and how far it got; {@code reason} and {@code details} say why it failed. */
public record RolloutTarget(String deviceId, TargetState state, String reason, String details, Instant updatedAt) {}
