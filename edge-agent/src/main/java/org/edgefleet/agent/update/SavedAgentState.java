package org.edgefleet.agent.update;

import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent state as the update code sees it, and its copy in the data directory. A change takes
 * effect in memory at once, so a failed save (a full disk) holds no update back; the save is tried
 * again on every tick until it lands, and logged only the first time it fails.
 *
 * <p>Not thread-safe: runs on the agent loop.
 */
final class SavedAgentState {

  private static final Logger log = LoggerFactory.getLogger(SavedAgentState.class);

  private final String deviceId;
  private final Path dataDir;
  private AgentState state;
  private boolean unsaved;

  SavedAgentState(String deviceId, Path dataDir) throws IOException {
    this.deviceId = deviceId;
    this.dataDir = dataDir;
    this.state = AgentState.load(dataDir);
  }

  AgentState get() {
    return state;
  }

  void save(AgentState next) {
    state = next;
    try {
      next.save(dataDir);
      unsaved = false;
    } catch (IOException e) {
      if (!unsaved) {
        log.error("event=state_save_failed action=retry device={} reason=\"{}\"", deviceId, e.getMessage());
      }
      unsaved = true;
    }
  }

  /** Periodic: saves again what a failed save left only in memory. */
  void saveIfUnsaved() {
    if (unsaved) {
      save(state);
    }
  }
}
