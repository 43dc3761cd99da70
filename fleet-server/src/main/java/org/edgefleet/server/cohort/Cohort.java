package org.edgefleet.server.cohort;

import java.time.Instant;

/** A selector saved under a name, so rollouts can say "10 % of cohort eu-boards". */
public record Cohort(String name, Selector selector, Instant createdAt, Instant updatedAt) {}
