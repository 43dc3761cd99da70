package org.edgefleet.server.audit;

import java.time.Instant;

/**
 * Which entries a listing shows, newest first.
 *
 * @param actor exactly this actor, or null for all
 * @param since at or after, or null
 * @param until before, or null
 * @param beforeId entries older than this one (the page cursor), or null for the newest
 */
public record AuditFilter(String actor, Instant since, Instant until, Long beforeId) {}
