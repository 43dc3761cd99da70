package org.edgefleet.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many bytes this process may still write on the file system of the agent's data directory:
 * the file system's own answer by default. A platform with a better answer (Android's allocatable
 * bytes) or a stricter one (a quota for the agent on a shared disk, a simulated full disk) plugs in
 * its own through {@link EdgeAgentBuilder#usableSpace}. The agent checks it before a download and
 * when a write fails.
 */
@FunctionalInterface
public interface UsableSpace {

  /** Bytes usable under {@code dir}; -1 when unknown (the agent then just tries). */
  long bytes(Path dir);

  /** The file system's usable space for this (unprivileged) process. */
  static UsableSpace fileSystem() {
    return dir -> {
      try {
        return Files.getFileStore(dir).getUsableSpace();
      } catch (IOException | SecurityException e) {
        return -1;
      }
    };
  }
}
