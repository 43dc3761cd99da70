package org.edgefleet.server.rollout;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of POST /api/v1/rollouts. Either {@code selector} or {@code cohort} (a saved cohort's
 * name) picks the devices; neither means every device.
 *
 * @param strategy absent (all-at-once), a strategy's name, or a {@link StrategySpec} object
 * @param incompatible what to do about targets that cannot run the bundle: {@code refuse} (the
 *     default: no rollout, 409 with the list) or {@code skip} (roll out to the others, record these)
 */
public record RolloutRequest(String model, Integer version, String selector, String cohort, JsonNode strategy,
    String incompatible) {}
