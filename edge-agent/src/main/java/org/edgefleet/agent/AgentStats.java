package org.edgefleet.agent;

/**
 * A snapshot of the agent's own counters.
 *
 * @param outboxSize messages waiting for the server
 * @param outboxDropped messages ever dropped because the outbox was full (survives restarts)
 * @param corruptChunks bundle chunks refused because they did not match their hash
 * @param rejectedMessages desired states and chunk frames refused as malformed, unsigned or stale
 */
public record AgentStats(boolean connected, long outboxSize, long outboxDropped, long corruptChunks,
    long rejectedMessages) {}
