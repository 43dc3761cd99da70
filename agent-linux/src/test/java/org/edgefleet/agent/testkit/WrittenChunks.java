package org.edgefleet.agent.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What an agent's download has on disk, read from its data dir as the agent leaves it: the chunk
 * maps beside the scratch files in {@code downloads/} (one byte per chunk, 1 once written).
 */
public final class WrittenChunks {

  private WrittenChunks() {}

  /** Chunks written into the scratch files of {@code agentDir}'s downloads; 0 when there are none. */
  public static long in(Path agentDir) throws IOException {
    Path downloads = agentDir.resolve("downloads");
    if (!Files.isDirectory(downloads)) {
      return 0;
    }
    long written = 0;
    try (Stream<Path> files = Files.list(downloads)) {
      for (Path map : files.filter(p -> p.toString().endsWith(".chunks")).toList()) {
        for (byte b : Files.readAllBytes(map)) {
          written += b == 1 ? 1 : 0;
        }
      }
    }
    return written;
  }
}
