package org.edgefleet.agent.outbox;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens the platform's outbox when the agent starts, given to {@code EdgeAgentBuilder.outbox}:
 * the Linux daemon passes the SQLite one ({@code SqliteOutbox.inDataDir}), Android its own. The
 * core thus never names a platform class.
 */
@FunctionalInterface
public interface OutboxProvider {

  /** Opens (or creates) the outbox kept in {@code dataDir}, holding at most {@code bound} messages. */
  Outbox open(Path dataDir, int bound) throws IOException;
}
