package org.edgefleet.server.device;

import java.time.Instant;
import java.util.Map;
import org.edgefleet.protocol.message.ReportedState;

/**
 * A device as stored.
 *
 * @param reported the last report, or null before the first one
 * @param reportedAt when the server received that report
 */
public record DeviceRecord(String id, Map<String, String> labels, Instant firstSeen, Instant lastSeen, boolean online,
    String agentVersion, long appliedRevision, ReportedState reported, Instant reportedAt, String lastError) {}
