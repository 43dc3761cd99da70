package org.edgefleet.agent.update;

import java.time.Duration;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.transfer.ChunkRequest;

/**
 * @param chunkWindow chunks requested and not yet received, at most
 * @param chunkTimeout how long a requested chunk may take before it is requested again
 * @param limits the largest bundle, manifest and entry count this device accepts
 * @param agentVersion compared with a manifest's minimum agent version
 */
public record UpdateSettings(int chunkWindow, Duration chunkTimeout, BundleLimits limits, String agentVersion) {

  public UpdateSettings {
    if (chunkWindow < 1 || chunkWindow > ChunkRequest.MAX_CHUNKS) {
      throw new IllegalArgumentException("chunk window must be 1.." + ChunkRequest.MAX_CHUNKS + ", was " + chunkWindow);
    }
    if (chunkTimeout == null || chunkTimeout.toMillis() < 10) {
      throw new IllegalArgumentException("chunk timeout must be at least 10 ms, was " + chunkTimeout);
    }
    if (limits == null || agentVersion == null) {
      throw new IllegalArgumentException("bundle limits and agent version are required");
    }
  }
}
