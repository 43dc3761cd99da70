package org.edgefleet.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.transfer.ChunkRequest;

/**
 * The agent's settings, each with a default that works (see docs/agent.md). Immutable; made by
 * {@link EdgeAgentBuilder}, which validates them and names the setting at fault.
 *
 * @param deviceId the device's identity: MQTT client id and user name, and its topic subtree
 * @param dataDir everything the agent keeps: slots, chunks, outbox, MQTT session, state files
 * @param labels hardware and placement labels reported to the server for cohort selection
 * @param brokerUrl MQTT broker, {@code tcp://host:port} or {@code ssl://host:port}
 * @param topicPrefix first topic levels of the fleet's tree
 * @param telemetryInterval how often a telemetry batch goes into the outbox
 * @param outboxBound most messages the outbox keeps; the oldest are dropped beyond it
 * @param reconnectBase first reconnect delay ceiling (exponential backoff, full jitter)
 * @param reconnectMax largest reconnect delay ceiling
 * @param chunkWindow bundle chunks requested and not yet received, at most
 * @param chunkTimeout wait for a requested chunk before requesting it again
 * @param bundleLimits the largest bundle, manifest and entry count accepted
 * @param maxInflight unacknowledged MQTT publishes at once
 * @param keepAlive MQTT keep-alive interval
 * @param inferenceThreads ONNX Runtime intra-op threads per session
 * @param nativeDir where ONNX Runtime's native libraries are unpacked
 * @param persistentSession whether the broker keeps the agent's MQTT session across disconnects
 *     (off by default: see {@link #DEFAULT_PERSISTENT_SESSION})
 */
public record AgentConfig(String deviceId, Path dataDir, Map<String, String> labels, String brokerUrl,
    String topicPrefix, Duration telemetryInterval, int outboxBound, Duration reconnectBase, Duration reconnectMax,
    int chunkWindow, Duration chunkTimeout, BundleLimits bundleLimits, int maxInflight, Duration keepAlive,
    int inferenceThreads, Path nativeDir, boolean persistentSession) {

  public static final String DEFAULT_BROKER_URL = "tcp://127.0.0.1:1883";
  public static final Duration DEFAULT_TELEMETRY_INTERVAL = Duration.ofSeconds(10);
  public static final int DEFAULT_OUTBOX_BOUND = 10_000;
  public static final Duration DEFAULT_RECONNECT_BASE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(60);
  public static final int DEFAULT_CHUNK_WINDOW = 8;
  public static final Duration DEFAULT_CHUNK_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_INFLIGHT = 128;
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
  public static final int DEFAULT_INFERENCE_THREADS = 1;
  /**
   * A clean session by default. The agent needs nothing a persistent session would keep: what it
   * sends waits in its outbox until acknowledged, the desired state is retained, and missing chunks
   * are requested again. A clean session also spares the broker a queue per offline device, and
   * Moquette 0.17 (the embedded broker) stops serving a group of clients when a reconnecting client
   * re-sends an unacknowledged QoS 1 message, which Paho does in a persistent session.
   */
  public static final boolean DEFAULT_PERSISTENT_SESSION = false;

  public AgentConfig {
    Topics.requireDeviceId(deviceId);
    Objects.requireNonNull(dataDir, "dataDir must be set");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    Objects.requireNonNull(brokerUrl, "brokerUrl must not be null");
    new Topics(topicPrefix); // throws, naming the prefix, when it is not plain topic levels
    requirePositive(telemetryInterval, "telemetryInterval");
    requirePositive(reconnectBase, "reconnectBackoff base");
    requirePositive(reconnectMax, "reconnectBackoff max");
    if (reconnectMax.compareTo(reconnectBase) < 0) {
      throw new IllegalArgumentException("reconnectBackoff max (" + reconnectMax + ") must not be below its base (" + reconnectBase + ")");
    }
    requirePositive(chunkTimeout, "chunkTimeout");
    requirePositive(keepAlive, "keepAlive");
    if (outboxBound < 1) {
      throw new IllegalArgumentException("outboxBound must be at least 1, was " + outboxBound);
    }
    if (chunkWindow < 1 || chunkWindow > ChunkRequest.MAX_CHUNKS) {
      throw new IllegalArgumentException("chunkWindow must be 1.." + ChunkRequest.MAX_CHUNKS + ", was " + chunkWindow);
    }
    if (maxInflight < chunkWindow + 10) {
      throw new IllegalArgumentException("maxInflight must be at least chunkWindow + 10, was " + maxInflight);
    }
    if (inferenceThreads < 1) {
      throw new IllegalArgumentException("inferenceThreads must be at least 1, was " + inferenceThreads);
    }
    Objects.requireNonNull(bundleLimits, "bundleLimits must not be null");
    Objects.requireNonNull(nativeDir, "nativeDir must not be null");
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
    }
  }
}
