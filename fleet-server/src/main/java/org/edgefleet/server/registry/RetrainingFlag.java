package org.edgefleet.server.registry;

import java.time.Instant;

/**
 * A model version flagged as needing retraining: its inputs drifted away from its reference data.
 *
 * @param since when the flag was set
 * @param reason what set it (which features drifted, by how much)
 */
public record RetrainingFlag(Instant since, String reason) {}
