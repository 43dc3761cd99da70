package org.edgefleet.server.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A rollout of one model version to the devices a selector matched when it was created.
 *
 * @param counts targets per state (wire names) plus "total"
 * @param targets every target, or null in listings
 */
public record Rollout(long id, String model, int version, String digest, String selector, Strategy strategy,
    RolloutStatus status, int stage, Instant createdAt, Instant updatedAt, Map<String, Integer> counts,
    List<RolloutTarget> targets) {}
