package org.edgefleet.server.rollout;

import java.time.Instant;

/** One transition of a rollout: what happened, the status and stage after it, and why. */
public record HistoryEntry(Instant at, RolloutEvent event, RolloutStatus status, int stage, String reason) {}
