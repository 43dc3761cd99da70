package org.edgefleet.agent.update;

import java.time.Duration;
import org.edgefleet.agent.UsableSpace;
import org.edgefleet.protocol.retry.Backoff;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.message.HealthGates;
import org.edgefleet.protocol.runtime.Platform;
import org.edgefleet.protocol.transfer.ChunkRequest;

/**
 * @param chunkWindow chunks requested and not yet received, at most
 * @param chunkTimeout how long a requested chunk may take before it is requested again
 * @param limits the largest bundle, manifest and entry count this device accepts
 * @param agentVersion compared with a manifest's minimum agent version
 * @param platform compared with a manifest's architectures
 * @param retryBackoff delay before an update that failed for the disk's sake (DISK_FULL, IO_ERROR) is tried again
 * @param health the health window's gates when the desired state names none
 * @param usableSpace how much the agent may still write in its data directory
 */
public record UpdateSettings(int chunkWindow, Duration chunkTimeout, BundleLimits limits, String agentVersion,
    Platform platform, Backoff retryBackoff, HealthGates health, UsableSpace usableSpace) {

  public UpdateSettings(int chunkWindow, Duration chunkTimeout, BundleLimits limits, String agentVersion, Platform platform,
      Backoff retryBackoff) {
    this(chunkWindow, chunkTimeout, limits, agentVersion, platform, retryBackoff, HealthGates.DEFAULT, UsableSpace.fileSystem());
  }

  public UpdateSettings {
    if (chunkWindow < 1 || chunkWindow > ChunkRequest.MAX_CHUNKS) {
      throw new IllegalArgumentException("chunk window must be 1.." + ChunkRequest.MAX_CHUNKS + ", was " + chunkWindow);
    }
    if (chunkTimeout == null || chunkTimeout.toMillis() < 10) {
      throw new IllegalArgumentException("chunk timeout must be at least 10 ms, was " + chunkTimeout);
    }
    if (limits == null || agentVersion == null || platform == null || retryBackoff == null || health == null
        || usableSpace == null) {
      throw new IllegalArgumentException("bundle limits, agent version, platform, retry backoff, health gates and usable space are"
          + " required");
    }
  }
}
