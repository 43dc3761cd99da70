package org.edgefleet.agent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import org.edgefleet.agent.inference.InferenceEngine;
import org.edgefleet.agent.outbox.Outbox;
import org.edgefleet.agent.transport.Transport;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.trust.TrustStore;

/**
 * Builds an {@link EdgeAgent}. Device id, data dir and trust store are required; every other
 * setting has a default ({@link AgentConfig}'s {@code DEFAULT_*}). Parts the embedder may supply
 * instead of the defaults: the transport (default MQTT to {@link #brokerUrl}), the outbox
 * (default: the platform's, found on the class path), the scheduler (default: one thread of
 * the agent's own; pass a shared one to run many agents on a few threads), extra inference
 * engines and the clock.
 */
public final class EdgeAgentBuilder {

  private String deviceId;
  private Path dataDir;
  private Map<String, String> labels = Map.of();
  private String brokerUrl = AgentConfig.DEFAULT_BROKER_URL;
  private String topicPrefix = Topics.DEFAULT_PREFIX;
  private Duration telemetryInterval = AgentConfig.DEFAULT_TELEMETRY_INTERVAL;
  private int outboxBound = AgentConfig.DEFAULT_OUTBOX_BOUND;
  private Duration reconnectBase = AgentConfig.DEFAULT_RECONNECT_BASE;
  private Duration reconnectMax = AgentConfig.DEFAULT_RECONNECT_MAX;
  private int chunkWindow = AgentConfig.DEFAULT_CHUNK_WINDOW;
  private Duration chunkTimeout = AgentConfig.DEFAULT_CHUNK_TIMEOUT;
  private BundleLimits bundleLimits = BundleLimits.DEFAULT;
  private int maxInflight = AgentConfig.DEFAULT_MAX_INFLIGHT;
  private Duration keepAlive = AgentConfig.DEFAULT_KEEP_ALIVE;
  private int inferenceThreads = AgentConfig.DEFAULT_INFERENCE_THREADS;
  private Path nativeDir;
  private boolean persistentSession = AgentConfig.DEFAULT_PERSISTENT_SESSION;

  private TrustStore trust;
  private Transport transport;
  private Outbox outbox;
  private ScheduledExecutorService scheduler;
  private final List<InferenceEngine> engines = new ArrayList<>();
  private Clock clock = Clock.systemUTC();

  EdgeAgentBuilder() {}

  public EdgeAgentBuilder deviceId(String id) {
    this.deviceId = id;
    return this;
  }

  public EdgeAgentBuilder dataDir(Path dir) {
    this.dataDir = dir;
    return this;
  }

  public EdgeAgentBuilder labels(Map<String, String> labels) {
    this.labels = Objects.requireNonNull(labels, "labels must not be null");
    return this;
  }

  public EdgeAgentBuilder brokerUrl(String url) {
    this.brokerUrl = url;
    return this;
  }

  public EdgeAgentBuilder topicPrefix(String prefix) {
    this.topicPrefix = prefix;
    return this;
  }

  /** The packager keys bundles are checked with and the server keys desired states are checked with. */
  public EdgeAgentBuilder trust(TrustStore trust) {
    this.trust = trust;
    return this;
  }

  public EdgeAgentBuilder telemetryInterval(Duration interval) {
    this.telemetryInterval = interval;
    return this;
  }

  public EdgeAgentBuilder outboxBound(int messages) {
    this.outboxBound = messages;
    return this;
  }

  public EdgeAgentBuilder reconnectBackoff(Duration base, Duration max) {
    this.reconnectBase = base;
    this.reconnectMax = max;
    return this;
  }

  public EdgeAgentBuilder chunkWindow(int chunks) {
    this.chunkWindow = chunks;
    return this;
  }

  public EdgeAgentBuilder chunkTimeout(Duration timeout) {
    this.chunkTimeout = timeout;
    return this;
  }

  public EdgeAgentBuilder bundleLimits(BundleLimits limits) {
    this.bundleLimits = limits;
    return this;
  }

  public EdgeAgentBuilder maxInflight(int publishes) {
    this.maxInflight = publishes;
    return this;
  }

  public EdgeAgentBuilder keepAlive(Duration interval) {
    this.keepAlive = interval;
    return this;
  }

  public EdgeAgentBuilder inferenceThreads(int threads) {
    this.inferenceThreads = threads;
    return this;
  }

  /** Where ONNX Runtime's native libraries are unpacked; default {@code dataDir/native}. */
  public EdgeAgentBuilder nativeLibraryDir(Path dir) {
    this.nativeDir = dir;
    return this;
  }

  /** Replaces the MQTT transport (the broker URL is then unused). */
  public EdgeAgentBuilder transport(Transport transport) {
    this.transport = transport;
    return this;
  }

  /** Replaces the platform outbox; the agent closes it when it closes. */
  public EdgeAgentBuilder outbox(Outbox outbox) {
    this.outbox = outbox;
    return this;
  }

  /** A scheduler shared with other agents; the agent never shuts it down. */
  public EdgeAgentBuilder scheduler(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
    return this;
  }

  /** Adds an inference engine, replacing the built-in one for the same format. */
  public EdgeAgentBuilder engine(InferenceEngine engine) {
    engines.add(Objects.requireNonNull(engine, "engine must not be null"));
    return this;
  }

  /** Whether the broker keeps the MQTT session across disconnects; see {@link AgentConfig#DEFAULT_PERSISTENT_SESSION}. */
  public EdgeAgentBuilder persistentSession(boolean persistent) {
    this.persistentSession = persistent;
    return this;
  }

  public EdgeAgentBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
    return this;
  }

  public EdgeAgent build() {
    Objects.requireNonNull(dataDir, "dataDir must be set");
    if (trust == null) {
      throw new IllegalStateException("trust must be set: the packager and server public keys the device trusts");
    }
    AgentConfig config = new AgentConfig(deviceId, dataDir, labels, brokerUrl, topicPrefix, telemetryInterval,
        outboxBound, reconnectBase, reconnectMax, chunkWindow, chunkTimeout, bundleLimits, maxInflight, keepAlive,
        inferenceThreads, nativeDir != null ? nativeDir : dataDir.resolve("native"), persistentSession);
    return new EdgeAgent(config, new EdgeAgent.Parts(trust, transport, outbox, scheduler, List.copyOf(engines), clock));
  }
}
