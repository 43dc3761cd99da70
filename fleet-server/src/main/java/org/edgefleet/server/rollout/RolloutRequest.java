package org.edgefleet.server.rollout;

/** The body of POST /api/v1/rollouts; selector and strategy may be absent. */
public record RolloutRequest(String model, Integer version, String selector, String strategy) {}
