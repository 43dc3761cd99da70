package org.edgefleet.server.device;

import java.time.Instant;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;

/** The newest event a device sent about one model. */
public record LatestEvent(String model, int version, Execution execution, Result result, String reason, String details,
    Instant receivedAt) {}
