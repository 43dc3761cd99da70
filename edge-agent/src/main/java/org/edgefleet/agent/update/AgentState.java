package org.edgefleet.agent.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.edgefleet.protocol.json.Json;

/**
 * What the agent must remember across restarts besides its slots: the last desired revision it
 * finished (successfully or not, so a refused revision is not retried forever), its last error,
 * the highest revision it accepted (so a replayed older one is refused even after a restart) and
 * when that revision's newest signed copy expires. The last two are absent from files written
 * before they existed, and then start at the applied revision and no expiry.
 */
public record AgentState(long appliedRevision, String lastError, Long acceptedRevision, Instant acceptedExpiresAt) {

  public AgentState {
    acceptedRevision = acceptedRevision == null ? appliedRevision : Math.max(acceptedRevision, appliedRevision);
  }

  public AgentState(long appliedRevision, String lastError) {
    this(appliedRevision, lastError, appliedRevision, null);
  }

  static final String FILE_NAME = "agent-state.json";

  public static AgentState load(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return new AgentState(0, null);
    }
    try {
      return Json.read(Files.readAllBytes(file), AgentState.class);
    } catch (RuntimeException e) {
      throw new IOException(file + " is corrupt (" + e.getMessage() + "); delete it to start from revision 0", e);
    }
  }

  void save(Path dataDir) throws IOException {
    AtomicFiles.write(dataDir.resolve(FILE_NAME), Json.writePretty(this));
  }

  AgentState withApplied(long revision) {
    return new AgentState(revision, lastError, acceptedRevision, acceptedExpiresAt);
  }

  AgentState withLastError(String error) {
    return new AgentState(appliedRevision, error, acceptedRevision, acceptedExpiresAt);
  }

  AgentState withAccepted(long revision, Instant expiresAt) {
    return new AgentState(appliedRevision, lastError, revision, expiresAt);
  }
}
