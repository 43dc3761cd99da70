package org.edgefleet.agent.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.AgentConfig;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.EdgeAgentBuilder;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.TrustStore;

/**
 * The daemon's JSON config file. Only {@code deviceId}, {@code dataDir} and {@code trustKeys} are
 * required; an absent field takes the agent's default. Relative paths are resolved against the
 * config file's directory, never the working directory. Every field is described in docs/agent.md.
 */
public record DaemonConfig(String deviceId, String brokerUrl, Path dataDir, Map<String, String> labels,
    List<Path> trustKeys, List<String> revokedKeys, String topicPrefix, Long telemetryIntervalMs, Integer outboxBound,
    Boolean outboxSyncEveryCommit, Long reconnectBaseMs, Long reconnectMaxMs, Integer chunkWindow, Long chunkTimeoutMs,
    Long maxBundleBytes, Integer maxInflight, Integer keepAliveSeconds, Integer inferenceThreads, Path nativeDir,
    Boolean persistentSession) {

  private static final int MAX_CONFIG_BYTES = 256 * 1024;

  public static DaemonConfig read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("agent config " + file.toAbsolutePath() + " does not exist");
    }
    if (Files.size(file) > MAX_CONFIG_BYTES) {
      throw new IOException(file + " is larger than " + MAX_CONFIG_BYTES + " bytes: not an agent config");
    }
    DaemonConfig c;
    try {
      c = Json.read(Files.readAllBytes(file), DaemonConfig.class);
    } catch (RuntimeException e) {
      throw new IOException(file + " is not a valid agent config: " + e.getMessage(), e);
    }
    if (c.deviceId() == null || c.dataDir() == null || c.trustKeys() == null || c.trustKeys().isEmpty()) {
      throw new IOException(file + ": deviceId, dataDir and trustKeys (packager and server public key files) are required");
    }
    return c.resolvedAgainst(file.toAbsolutePath().getParent());
  }

  private DaemonConfig resolvedAgainst(Path base) {
    return new DaemonConfig(deviceId, brokerUrl, base.resolve(dataDir), labels,
        trustKeys.stream().map(base::resolve).toList(), revokedKeys, topicPrefix, telemetryIntervalMs, outboxBound,
        outboxSyncEveryCommit, reconnectBaseMs, reconnectMaxMs, chunkWindow, chunkTimeoutMs, maxBundleBytes, maxInflight,
        keepAliveSeconds, inferenceThreads, nativeDir == null ? null : base.resolve(nativeDir), persistentSession);
  }

  public Path effectiveNativeDir() {
    return nativeDir != null ? nativeDir : dataDir.resolve("native");
  }

  public TrustStore trustStore() throws IOException {
    for (Path key : trustKeys) {
      if (!Files.isRegularFile(key)) {
        throw new IOException("trust key file " + key + " does not exist (trustKeys in the agent config)");
      }
    }
    TrustStore.Builder b = KeyFiles.trustStore(trustKeys).toBuilder();
    if (revokedKeys != null) {
      revokedKeys.forEach(b::revoke);
    }
    return b.build();
  }

  /** An agent builder with every setting of this file; the caller adds the outbox and starts it. */
  public EdgeAgentBuilder toBuilder() throws IOException {
    EdgeAgentBuilder b = EdgeAgent.builder()
        .deviceId(deviceId)
        .dataDir(dataDir)
        .trust(trustStore())
        .labels(labels == null ? Map.of() : labels)
        .brokerUrl(brokerUrl == null ? AgentConfig.DEFAULT_BROKER_URL : brokerUrl)
        .topicPrefix(topicPrefix == null ? Topics.DEFAULT_PREFIX : topicPrefix)
        .telemetryInterval(millis(telemetryIntervalMs, AgentConfig.DEFAULT_TELEMETRY_INTERVAL))
        .outboxBound(outboxBound == null ? AgentConfig.DEFAULT_OUTBOX_BOUND : outboxBound)
        .reconnectBackoff(millis(reconnectBaseMs, AgentConfig.DEFAULT_RECONNECT_BASE),
            millis(reconnectMaxMs, AgentConfig.DEFAULT_RECONNECT_MAX))
        .chunkWindow(chunkWindow == null ? AgentConfig.DEFAULT_CHUNK_WINDOW : chunkWindow)
        .chunkTimeout(millis(chunkTimeoutMs, AgentConfig.DEFAULT_CHUNK_TIMEOUT))
        .maxInflight(maxInflight == null ? AgentConfig.DEFAULT_MAX_INFLIGHT : maxInflight)
        .keepAlive(keepAliveSeconds == null ? AgentConfig.DEFAULT_KEEP_ALIVE : Duration.ofSeconds(keepAliveSeconds))
        .inferenceThreads(inferenceThreads == null ? AgentConfig.DEFAULT_INFERENCE_THREADS : inferenceThreads)
        .nativeLibraryDir(effectiveNativeDir())
        .persistentSession(persistentSession == null ? AgentConfig.DEFAULT_PERSISTENT_SESSION : persistentSession);
    if (maxBundleBytes != null) {
      b.bundleLimits(BundleLimits.DEFAULT.withMaxBundleBytes(maxBundleBytes));
    }
    return b;
  }

  public int effectiveOutboxBound() {
    return outboxBound == null ? AgentConfig.DEFAULT_OUTBOX_BOUND : outboxBound;
  }

  public boolean effectiveOutboxSync() {
    return outboxSyncEveryCommit == null || outboxSyncEveryCommit;
  }

  private static Duration millis(Long ms, Duration fallback) {
    return ms == null ? fallback : Duration.ofMillis(ms);
  }
}
