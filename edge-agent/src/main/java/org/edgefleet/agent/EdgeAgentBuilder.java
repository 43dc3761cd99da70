package org.edgefleet.agent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import org.edgefleet.agent.inference.InferenceEngine;
import org.edgefleet.agent.outbox.OutboxProvider;
import org.edgefleet.agent.transport.TransportFactory;
import org.edgefleet.protocol.config.Setting;
import org.edgefleet.protocol.runtime.Platform;
import org.edgefleet.protocol.trust.KeySetException;
import org.edgefleet.protocol.trust.SignedKeySet;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.protocol.trust.TrustedKeySet;

/**
 * Builds an {@link EdgeAgent}. Required: the device id, the data dir, either the trust store or the
 * fleet's root key set, the
 * transport (e.g. {@code new MqttTransportFactory()} of agent-mqtt) and the outbox (the Linux
 * daemon's SQLite one, say). Every setting, the core's ({@link AgentSettings}) or a part's,
 * goes through {@link #set}, with shortcuts for the common ones; an unset one takes its default.
 * Optional parts: the scheduler (default: one thread of the agent's own; pass a shared one to run
 * many agents on a few threads), inference engines beyond those found on the class path, the clock, and
 * how much disk the agent may use ({@link UsableSpace}).
 */
public final class EdgeAgentBuilder {

  private final Map<Setting<?>, Object> values = new HashMap<>();
  private String agentVersion = EdgeAgent.VERSION;
  private Platform platform = Platform.current();

  private TrustStore trust;
  private SignedKeySet keySet;
  private TransportFactory transport;
  private OutboxProvider outbox;
  private ScheduledExecutorService scheduler;
  private final List<InferenceEngine> engines = new ArrayList<>();
  private Clock clock = Clock.systemUTC();
  private UsableSpace usableSpace = UsableSpace.fileSystem();

  EdgeAgentBuilder() {}

  /** Sets any setting: the core's or one of a plugged-in part (transport, engine). */
  public <T> EdgeAgentBuilder set(Setting<T> setting, T value) {
    values.put(Objects.requireNonNull(setting, "setting must not be null"), setting.cast(value));
    return this;
  }

  public EdgeAgentBuilder deviceId(String id) {
    return set(AgentSettings.DEVICE_ID, id);
  }

  public EdgeAgentBuilder dataDir(Path dir) {
    return set(AgentSettings.DATA_DIR, dir);
  }

  public EdgeAgentBuilder labels(Map<String, String> labels) {
    return set(AgentSettings.LABELS, Map.copyOf(Objects.requireNonNull(labels, "labels must not be null")));
  }

  public EdgeAgentBuilder topicPrefix(String prefix) {
    return set(AgentSettings.TOPIC_PREFIX, prefix);
  }

  /** The packager keys bundles are checked with and the server keys desired states are checked with. */
  public EdgeAgentBuilder trust(TrustStore trust) {
    this.trust = trust;
    return this;
  }

  /**
   * Trust rooted in a signed key set instead of fixed keys: its packager and server keys are used,
   * and newer key sets that its root keys sign (delivered with desired states) replace them.
   */
  public EdgeAgentBuilder keySet(SignedKeySet keySet) {
    this.keySet = keySet;
    return this;
  }

  public EdgeAgentBuilder telemetryInterval(Duration interval) {
    return set(AgentSettings.TELEMETRY_INTERVAL, interval);
  }

  public EdgeAgentBuilder outboxBound(int messages) {
    return set(AgentSettings.OUTBOX_BOUND, messages);
  }

  public EdgeAgentBuilder chunkWindow(int chunks) {
    return set(AgentSettings.CHUNK_WINDOW, chunks);
  }

  public EdgeAgentBuilder reconnectBackoff(Duration base, Duration max) {
    set(AgentSettings.RECONNECT_BASE, base);
    return set(AgentSettings.RECONNECT_MAX, max);
  }

  public EdgeAgentBuilder chunkTimeout(Duration timeout) {
    return set(AgentSettings.CHUNK_TIMEOUT, timeout);
  }

  /** How long a newly activated version is watched and rolled back locally if it fails its gates. */
  public EdgeAgentBuilder healthWindow(Duration window) {
    return set(AgentSettings.HEALTH_WINDOW, window);
  }

  /** Where inference engines unpack their native libraries; default {@code dataDir/native}. */
  public EdgeAgentBuilder nativeLibraryDir(Path dir) {
    return set(AgentSettings.NATIVE_DIR, dir);
  }

  /** How the agent reaches the server; the agent creates the transport when it is built. */
  public EdgeAgentBuilder transport(TransportFactory transport) {
    this.transport = Objects.requireNonNull(transport, "transport must not be null");
    return this;
  }

  /**
   * Where messages wait until the server acknowledges them: opened when the agent starts, closed
   * when it closes.
   */
  public EdgeAgentBuilder outbox(OutboxProvider outbox) {
    this.outbox = Objects.requireNonNull(outbox, "outbox must not be null");
    return this;
  }

  /** A scheduler shared with other agents; the agent never shuts it down. */
  public EdgeAgentBuilder scheduler(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
    return this;
  }

  /**
   * Adds an inference engine, replacing the one an
   * {@link org.edgefleet.agent.inference.InferenceEngineProvider} on the class path gives for the same format.
   */
  public EdgeAgentBuilder engine(InferenceEngine engine) {
    engines.add(Objects.requireNonNull(engine, "engine must not be null"));
    return this;
  }

  /**
   * Makes the agent report, and check bundles against, another agent version and platform than
   * its own: how a simulator stands a real agent in for an older one or another kind of device.
   */
  public EdgeAgentBuilder reportAs(String agentVersion, Platform platform) {
    this.agentVersion = Objects.requireNonNull(agentVersion, "agentVersion must not be null");
    this.platform = Objects.requireNonNull(platform, "platform must not be null");
    return this;
  }

  public EdgeAgentBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
    return this;
  }

  /** How much the agent may still write in its data directory; default the file system's usable space. */
  public EdgeAgentBuilder usableSpace(UsableSpace space) {
    this.usableSpace = Objects.requireNonNull(space, "usableSpace must not be null");
    return this;
  }

  /**
   * Validates the settings and creates the agent and its transport; nothing connects before
   * {@link EdgeAgent#start()}.
   */
  public EdgeAgent build() {
    if (trust == null && keySet == null) {
      throw new IllegalStateException("trust must be set: the packager and server public keys the device trusts,"
          + " or keySet instead: the fleet's signed root key set");
    }
    if (trust != null && keySet != null) {
      throw new IllegalStateException("trust and keySet are both set; keep one: keySet (the fleet's signed root key set)"
          + " or trust (fixed packager and server public keys)");
    }
    if (keySet != null) {
      try {
        TrustedKeySet.bootstrap(keySet);
      } catch (KeySetException e) {
        throw new IllegalArgumentException("keySet cannot be trusted (" + e.reason() + "): " + e.getMessage(), e);
      }
    }
    if (transport == null) {
      throw new IllegalStateException("transport must be set: new MqttTransportFactory() (agent-mqtt) or another TransportFactory");
    }
    if (outbox == null) {
      throw new IllegalStateException("outbox must be set: the platform's (SqliteOutbox.inDataDir of agent-linux on Linux)");
    }
    AgentConfig config = new AgentConfig(values, agentVersion, platform);
    return new EdgeAgent(config, new EdgeAgent.Parts(trust, keySet, transport, outbox, scheduler, List.copyOf(engines), clock,
        usableSpace));
  }
}
