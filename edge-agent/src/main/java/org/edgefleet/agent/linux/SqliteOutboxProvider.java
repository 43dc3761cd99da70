package org.edgefleet.agent.linux;

import java.io.IOException;
import java.nio.file.Path;
import org.edgefleet.agent.outbox.Outbox;
import org.edgefleet.agent.outbox.OutboxProvider;

/** Registers {@link SqliteOutbox} as the platform outbox: {@code outbox.db} in the data dir, synced on every commit. */
public final class SqliteOutboxProvider implements OutboxProvider {

  public static final String FILE_NAME = "outbox.db";

  @Override
  public Outbox open(Path dataDir, int bound) throws IOException {
    return SqliteOutbox.open(dataDir.resolve(FILE_NAME), bound, true);
  }
}
