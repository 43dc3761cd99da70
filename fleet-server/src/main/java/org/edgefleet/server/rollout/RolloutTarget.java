package org.edgefleet.server.rollout;

import java.time.Instant;

/**
 * One device of a rollout and how far it got; {@code stage} is the stage that took it in,
 * {@code reason} and {@code details} say why it failed.
 */
public record RolloutTarget(String deviceId, int stage, TargetState state, String reason, String details, Instant updatedAt) {}
