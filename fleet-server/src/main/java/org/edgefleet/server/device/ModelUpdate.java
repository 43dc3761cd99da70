package org.edgefleet.server.device;

/** A device's progress with one model version, from an event or a report. */
public record ModelUpdate(String deviceId, String model, int version, UpdateState state, String reason, String details) {}
