package org.edgefleet.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.edgefleet.agent.inference.InferenceEngine;
import org.edgefleet.agent.inference.OnnxEngine;
import org.edgefleet.agent.loop.AgentLoop;
import org.edgefleet.agent.metrics.MetricsRegistry;
import org.edgefleet.agent.metrics.TelemetryCollector;
import org.edgefleet.agent.outbox.Outbox;
import org.edgefleet.agent.outbox.OutboxProvider;
import org.edgefleet.agent.outbox.OutboxSender;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.agent.serving.ModelRegistry;
import org.edgefleet.agent.transport.Backoff;
import org.edgefleet.agent.transport.MqttSettings;
import org.edgefleet.agent.transport.MqttTransport;
import org.edgefleet.agent.transport.Transport;
import org.edgefleet.agent.transport.TransportListener;
import org.edgefleet.agent.update.EventEmitter;
import org.edgefleet.agent.update.InstalledModels;
import org.edgefleet.agent.update.UpdateCounters;
import org.edgefleet.agent.update.UpdateManager;
import org.edgefleet.agent.update.UpdateSettings;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.TrustStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge agent: serves the installed models to the application and keeps them as the server
 * wants them. {@link #start()} serves what is installed at once and connects in the background;
 * {@link #predict} never touches the network or the disk.
 *
 * <p>Threads: {@code predict} runs on the caller's thread, lock-free. Everything else (desired
 * states, chunks, installs, telemetry, the outbox) runs one task at a time on the agent's
 * {@link AgentLoop}, on a scheduler the agent owns or one shared by many agents.
 */
public final class EdgeAgent implements AutoCloseable {

  public static final String VERSION = "0.1.0";
  private static final Logger log = LoggerFactory.getLogger(EdgeAgent.class);
  private static final int OUTBOX_WINDOW = 32;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final String TELEMETRY_STREAM = "telemetry";

  /** The replaceable parts, as the builder collected them (nulls mean defaults). */
  record Parts(TrustStore trust, Transport transport, Outbox outbox, ScheduledExecutorService scheduler,
      List<InferenceEngine> engines, Clock clock) {}

  private enum Phase { NEW, RUNNING, CLOSED }

  private final AgentConfig config;
  private final Topics topics;
  private final TrustStore trust;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Transport transport;
  private final AgentLoop loop;
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final ModelRegistry registry;
  private final ModelLoader loader;
  private final UpdateCounters counters = new UpdateCounters();
  private final List<AgentListener> listeners = new CopyOnWriteArrayList<>();
  private final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();

  private volatile Phase phase = Phase.NEW;
  private volatile boolean connected;
  private Outbox outbox;
  private OutboxSender sender;
  private UpdateManager updates;
  private Reporter reporter;
  private TelemetryCollector telemetry;

  EdgeAgent(AgentConfig config, Parts parts) {
    this.config = config;
    this.topics = new Topics(config.topicPrefix());
    this.trust = parts.trust();
    this.clock = parts.clock();
    this.ownsScheduler = parts.scheduler() == null;
    this.scheduler = ownsScheduler ? Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "edge-agent-" + config.deviceId());
      t.setDaemon(true);
      return t;
    }) : parts.scheduler();
    this.loop = new AgentLoop(config.deviceId(), scheduler);
    this.transport = parts.transport() != null ? parts.transport() : mqtt(config, topics, scheduler);
    this.outbox = parts.outbox();
    this.registry = new ModelRegistry(config.deviceId());
    Map<ModelFormat, InferenceEngine> engines = new EnumMap<>(ModelFormat.class);
    engines.put(ModelFormat.ONNX, new OnnxEngine(config.nativeDir(), config.inferenceThreads()));
    for (InferenceEngine e : parts.engines()) {
      engines.put(e.format(), e);
    }
    this.loader = new ModelLoader(engines, metrics);
  }

  public static EdgeAgentBuilder builder() {
    return new EdgeAgentBuilder();
  }

  private static Transport mqtt(AgentConfig c, Topics topics, ScheduledExecutorService scheduler) {
    String statusTopic = topics.topic(c.deviceId(), TopicKind.STATUS);
    MqttSettings settings = new MqttSettings(c.brokerUrl(), c.deviceId(), c.deviceId(), c.dataDir().resolve("mqtt"),
        statusTopic, MessageCodec.encode(DeviceStatus.of(DeviceStatus.State.OFFLINE)), c.keepAlive(),
        MqttSettings.DEFAULT_CONNECT_TIMEOUT, c.maxInflight(), new Backoff(c.reconnectBase(), c.reconnectMax()),
        c.persistentSession());
    return new MqttTransport(settings, scheduler);
  }

  /**
   * Serves every installed model at once, then connects in the background.
   *
   * @throws IOException when the data dir or the outbox cannot be opened
   */
  public synchronized void start() throws IOException {
    if (phase != Phase.NEW) {
      throw new IllegalStateException("agent " + config.deviceId() + " was already started");
    }
    Files.createDirectories(config.dataDir());
    if (outbox == null) {
      outbox = OutboxProvider.load().open(config.dataDir(), config.outboxBound());
    }
    try {
      startParts();
    } catch (IOException | RuntimeException e) {
      registry.closeAll();
      outbox.close();
      throw e;
    }
    phase = Phase.RUNNING;
    connect();
    log.info("agent started device={} models={} broker={}", config.deviceId(), registry.names(), config.brokerUrl());
  }

  private void startParts() throws IOException {
    String id = config.deviceId();
    sender = new OutboxSender(outbox, transport, loop, OUTBOX_WINDOW);
    EventEmitter events = new EventEmitter(id, topics.topic(id, TopicKind.EVENTS), clock, sender, this::fireEvent);
    UpdateSettings settings = new UpdateSettings(config.chunkWindow(), config.chunkTimeout(), config.bundleLimits(), VERSION);
    updates = new UpdateManager(id, config.dataDir(), topics, trust, clock, settings, transport, loader, registry, events,
        counters, new UpdateManager.Listener() {
          @Override
          public void onActivated(String model, int version) {
            fire(l -> l.onActivated(model, version));
          }

          @Override
          public void onStateChanged() {
            reporter.changed();
          }
        });
    reporter = new Reporter(config, topics.topic(id, TopicKind.REPORTED), transport, loop, clock, updates);
    telemetry = new TelemetryCollector(id, clock, metrics);
    InstalledModels.serve(updates.slots(), loader, registry);
  }

  private void connect() {
    String id = config.deviceId();
    String desired = topics.topic(id, TopicKind.DESIRED);
    String chunk = topics.topic(id, TopicKind.BUNDLE_CHUNK);
    transport.subscribe(desired);
    transport.subscribe(chunk);
    transport.start(new TransportListener() {
      @Override
      public void onConnected() {
        long at = System.nanoTime();
        loop.execute(() -> connectedTask(at));
      }

      @Override
      public void onConnectionLost(Throwable cause) {
        loop.execute(EdgeAgent.this::disconnectedTask);
      }

      @Override
      public void onMessage(String topic, byte[] payload) {
        if (topic.equals(chunk)) {
          loop.execute(() -> updates.onChunk(payload));
        } else if (topic.equals(desired)) {
          loop.execute(() -> updates.onDesired(payload));
        } else {
          log.debug("message on an unexpected topic ignored device={} topic={}", id, topic);
        }
      }
    });
    timers.add(loop.every(this::emitTelemetry, config.telemetryInterval()));
    Duration tick = config.chunkTimeout().dividedBy(2);
    timers.add(loop.every(updates::tick, tick.toMillis() < 20 ? Duration.ofMillis(20) : tick));
  }

  /**
   * Runs the active version of {@code model}. Never blocks on the network, the disk or an update
   * in progress.
   *
   * @throws PredictionException NO_ACTIVE_MODEL, INPUT_MISMATCH (against the manifest's input
   *     specs) or INFERENCE_FAILED, with the details
   */
  public Prediction predict(String model, Map<String, Tensor> inputs) throws PredictionException {
    return registry.predict(model, inputs);
  }

  public OptionalInt activeVersion(String model) {
    return registry.activeVersion(model);
  }

  /** The models with an active version. */
  public Set<String> activeModels() {
    return registry.names();
  }

  public String deviceId() {
    return config.deviceId();
  }

  public AgentConfig config() {
    return config;
  }

  public boolean isConnected() {
    return connected;
  }

  public AgentStats stats() {
    Outbox o = outbox;
    return new AgentStats(connected, o == null ? 0 : o.size(), o == null ? 0 : o.dropped(), counters.corruptChunks(),
        counters.rejectedMessages());
  }

  public void addListener(AgentListener listener) {
    listeners.add(listener);
  }

  public void removeListener(AgentListener listener) {
    listeners.remove(listener);
  }

  /**
   * Puts a last telemetry batch into the outbox, marks the device offline, disconnects and closes
   * the sessions once their calls in progress end. Messages not yet acknowledged stay in the
   * outbox for the next start.
   */
  @Override
  public synchronized void close() {
    Phase was = phase;
    phase = Phase.CLOSED;
    if (was == Phase.RUNNING) {
      timers.forEach(t -> t.cancel(false));
      try {
        loop.call(() -> {
          emitTelemetry();
          if (transport.isConnected()) {
            transport.publish(topics.topic(config.deviceId(), TopicKind.STATUS),
                MessageCodec.encode(DeviceStatus.of(DeviceStatus.State.OFFLINE)), true).get(2, TimeUnit.SECONDS);
          }
          return null;
        }, CLOSE_TIMEOUT);
      } catch (Exception e) {
        log.warn("agent close did not finish cleanly device={} reason={}", config.deviceId(), e.toString());
      }
    }
    transport.close();
    loop.stopAndWait(CLOSE_TIMEOUT);
    registry.closeAll();
    if (outbox != null) {
      outbox.close();
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    if (was == Phase.RUNNING) {
      log.info("agent closed device={}", config.deviceId());
    }
  }

  private void connectedTask(long connectedAtNanos) {
    boolean was = connected;
    connected = true;
    transport.publish(topics.topic(config.deviceId(), TopicKind.STATUS),
        MessageCodec.encode(DeviceStatus.of(DeviceStatus.State.ONLINE)), true);
    reporter.publish();
    sender.onConnected(connectedAtNanos);
    updates.onConnected(connectedAtNanos);
    if (!was) {
      log.info("agent connected device={}", config.deviceId());
      fire(l -> l.onConnectionChanged(true));
    }
  }

  private void disconnectedTask() {
    if (connected) {
      connected = false;
      fire(l -> l.onConnectionChanged(false));
    }
  }

  private void emitTelemetry() {
    TelemetryCollector.Interval interval = telemetry.close(Map.of(
        "outboxDropped", outbox.dropped(),
        "outboxSize", outbox.size(),
        "corruptChunks", counters.corruptChunks(),
        "rejectedMessages", counters.rejectedMessages()));
    sender.send(TELEMETRY_STREAM, topics.topic(config.deviceId(), TopicKind.TELEMETRY), interval::encode);
  }

  private void fireEvent(DeviceEvent event) {
    fire(l -> l.onEvent(event));
  }

  private void fire(Consumer<AgentListener> call) {
    for (AgentListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.warn("agent listener failed device={} reason={}", config.deviceId(), e.toString());
      }
    }
  }
}
