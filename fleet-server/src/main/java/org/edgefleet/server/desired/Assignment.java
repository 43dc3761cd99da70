package org.edgefleet.server.desired;

/** The version of one model a device should run, and the rollout that put it there. */
public record Assignment(String model, int version, String digest, long rolloutId) {}
