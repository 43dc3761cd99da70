package org.edgefleet.agent.outbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * Opens the platform's outbox, found with {@link ServiceLoader}: the Linux daemon registers the
 * SQLite one, the Android module its own. The core thus never names a platform class.
 */
public interface OutboxProvider {

  /** Opens (or creates) the outbox kept in {@code dataDir}, holding at most {@code bound} messages. */
  Outbox open(Path dataDir, int bound) throws IOException;

  /** The first provider on the class path. */
  static OutboxProvider load() {
    Iterator<OutboxProvider> it = ServiceLoader.load(OutboxProvider.class).iterator();
    if (!it.hasNext()) {
      throw new IllegalStateException("no Outbox implementation on the class path: add the platform module"
          + " (edge-agent's SQLite outbox on Linux) or pass one with EdgeAgentBuilder.outbox(...)");
    }
    return it.next();
  }
}
