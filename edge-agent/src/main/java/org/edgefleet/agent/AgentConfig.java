package org.edgefleet.agent;

import java.nio.file.Path;
import java.time.Duration;
import org.edgefleet.protocol.message.HealthGates;
import java.util.Map;
import java.util.Objects;
import org.edgefleet.protocol.retry.Backoff;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.config.Setting;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.runtime.AgentVersion;
import org.edgefleet.protocol.runtime.Platform;
import org.edgefleet.protocol.transfer.ChunkRequest;

/**
 * The agent's settings: the core's ({@link AgentSettings}) and those of the parts plugged in
 * (a transport's, an engine's), each read with {@link #get}. Immutable; made by
 * {@link EdgeAgentBuilder}. The core's settings are validated here, naming the setting at
 * fault; a part validates its own when the agent creates it.
 *
 * <p>{@code agentVersion} and {@code platform} are not settings: they are what the agent is,
 * {@link EdgeAgent#VERSION} and {@link Platform#current()}, unless a simulator stands it in for
 * an older agent or another device.
 */
public final class AgentConfig {

  private final Map<Setting<?>, Object> values;
  private final String agentVersion;
  private final Platform platform;

  AgentConfig(Map<Setting<?>, Object> values, String agentVersion, Platform platform) {
    this.values = Map.copyOf(values);
    this.agentVersion = agentVersion;
    this.platform = Objects.requireNonNull(platform, "platform must not be null");
    Topics.requireDeviceId(deviceId());
    if (dataDir() == null) {
      throw new IllegalArgumentException(AgentSettings.DATA_DIR.name() + " must be set");
    }
    new Topics(topicPrefix()); // throws, naming the prefix, when it is not plain topic levels
    requirePositive(AgentSettings.TELEMETRY_INTERVAL);
    requirePositive(AgentSettings.RECONNECT_BASE);
    requirePositive(AgentSettings.RECONNECT_MAX);
    requirePositive(AgentSettings.CHUNK_TIMEOUT);
    if (reconnectMax().compareTo(reconnectBase()) < 0) {
      throw new IllegalArgumentException(AgentSettings.RECONNECT_MAX.name() + " (" + reconnectMax()
          + ") must not be below " + AgentSettings.RECONNECT_BASE.name() + " (" + reconnectBase() + ")");
    }
    requireAtLeast(AgentSettings.OUTBOX_BOUND, 1, Integer.MAX_VALUE);
    requireAtLeast(AgentSettings.CHUNK_WINDOW, 1, ChunkRequest.MAX_CHUNKS);
    requireAtLeast(AgentSettings.INFERENCE_THREADS, 1, 1024);
    requireAtLeast(AgentSettings.SHADOW_QUEUE, 1, 1_000_000);
    healthGates(); // throws, naming healthWindow, when the window is out of range
    long maxBundle = get(AgentSettings.MAX_BUNDLE_BYTES);
    if (maxBundle < 1) {
      throw new IllegalArgumentException(AgentSettings.MAX_BUNDLE_BYTES.name() + " must be at least 1, was " + maxBundle);
    }
    AgentVersion.parse(agentVersion); // throws, naming the text, when it is not a version
  }

  /** The value of {@code setting}, or its default when it was not set. */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return values.containsKey(setting) ? (T) values.get(setting) : setting.defaultValue();
  }

  public String deviceId() {
    return get(AgentSettings.DEVICE_ID);
  }

  public Path dataDir() {
    return get(AgentSettings.DATA_DIR);
  }

  public Map<String, String> labels() {
    return get(AgentSettings.LABELS);
  }

  public String topicPrefix() {
    return get(AgentSettings.TOPIC_PREFIX);
  }

  public Duration telemetryInterval() {
    return get(AgentSettings.TELEMETRY_INTERVAL);
  }

  public int outboxBound() {
    return get(AgentSettings.OUTBOX_BOUND);
  }

  public Duration reconnectBase() {
    return get(AgentSettings.RECONNECT_BASE);
  }

  public Duration reconnectMax() {
    return get(AgentSettings.RECONNECT_MAX);
  }

  /** The reconnect schedule; also the retry schedule of updates the disk refused. */
  public Backoff backoff() {
    return new Backoff(reconnectBase(), reconnectMax());
  }

  public int chunkWindow() {
    return get(AgentSettings.CHUNK_WINDOW);
  }

  public Duration chunkTimeout() {
    return get(AgentSettings.CHUNK_TIMEOUT);
  }

  public BundleLimits bundleLimits() {
    return BundleLimits.DEFAULT.withMaxBundleBytes(get(AgentSettings.MAX_BUNDLE_BYTES));
  }

  /** The health window's gates when the desired state names none: the defaults over this device's window. */
  public HealthGates healthGates() {
    Duration w = get(AgentSettings.HEALTH_WINDOW);
    HealthGates d = HealthGates.DEFAULT;
    try {
      return new HealthGates((int) Math.min(Integer.MAX_VALUE, w.getSeconds()), d.minCalls(), d.maxErrorRate(), d.maxCrashes(),
          d.maxInvalidRate(), d.maxLatencyRatio());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(AgentSettings.HEALTH_WINDOW.name() + " must be 1 s to 1 day, was " + w, e);
    }
  }

  public int shadowQueue() {
    return get(AgentSettings.SHADOW_QUEUE);
  }

  public int inferenceThreads() {
    return get(AgentSettings.INFERENCE_THREADS);
  }

  public Path nativeDir() {
    Path dir = get(AgentSettings.NATIVE_DIR);
    return dir != null ? dir : dataDir().resolve("native");
  }

  public String agentVersion() {
    return agentVersion;
  }

  public Platform platform() {
    return platform;
  }

  private void requirePositive(Setting<Duration> setting) {
    Duration d = get(setting);
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(setting.name() + " must be a positive duration, was " + d);
    }
  }

  private void requireAtLeast(Setting<Integer> setting, int least, int most) {
    Integer v = get(setting);
    if (v == null || v < least || v > most) {
      throw new IllegalArgumentException(setting.name() + " must be " + least + ".." + most + ", was " + v);
    }
  }

  @Override
  public String toString() {
    return "AgentConfig[device=" + deviceId() + ", dataDir=" + dataDir() + ", settings=" + values.size() + "]";
  }
}
