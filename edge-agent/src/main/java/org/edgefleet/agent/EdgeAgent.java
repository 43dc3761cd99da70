package org.edgefleet.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.edgefleet.agent.inference.InferenceEngine;
import org.edgefleet.agent.inference.InferenceEngineProvider;
import org.edgefleet.agent.loop.AgentLoop;
import org.edgefleet.agent.metrics.MetricsRegistry;
import org.edgefleet.agent.metrics.ModelTotals;
import org.edgefleet.agent.metrics.TelemetryCollector;
import org.edgefleet.agent.outbox.Outbox;
import org.edgefleet.agent.outbox.OutboxProvider;
import org.edgefleet.agent.outbox.OutboxSender;
import org.edgefleet.agent.sampling.Sampler;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.agent.serving.ModelRegistry;
import org.edgefleet.agent.serving.ServingModel;
import org.edgefleet.agent.serving.ShadowRunner;
import org.edgefleet.agent.transport.Transport;
import org.edgefleet.agent.transport.TransportFactory;
import org.edgefleet.agent.transport.TransportListener;
import org.edgefleet.agent.update.AgentTrust;
import org.edgefleet.agent.update.EventEmitter;
import org.edgefleet.agent.update.InstalledModels;
import org.edgefleet.agent.update.UpdateCounters;
import org.edgefleet.agent.update.UpdateManager;
import org.edgefleet.agent.update.UpdateSettings;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.KeySetException;
import org.edgefleet.protocol.trust.SignedKeySet;
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

  public static final String VERSION = "0.2.0";
  private static final Logger log = LoggerFactory.getLogger(EdgeAgent.class);
  private static final int OUTBOX_WINDOW = 32;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final String TELEMETRY_STREAM = "telemetry";

  /** The replaceable parts, as the builder collected them (nulls mean defaults). */
  record Parts(TrustStore trust, SignedKeySet keySet, TransportFactory transport, OutboxProvider outbox,
      ScheduledExecutorService scheduler,
      List<InferenceEngine> engines, Clock clock, UsableSpace usableSpace) {}

  private enum Phase { NEW, RUNNING, CLOSED }

  private final AgentConfig config;
  private final Topics topics;
  private final TrustStore trust;
  private final SignedKeySet keySet;
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
  private final OutboxProvider outboxProvider;
  private final UsableSpace usableSpace;
  private volatile Outbox outbox;
  private OutboxSender sender;
  private UpdateManager updates;
  private Reporter reporter;
  private TelemetryCollector telemetry;
  private volatile Sampler sampler;

  EdgeAgent(AgentConfig config, Parts parts) {
    this.config = config;
    this.topics = new Topics(config.topicPrefix());
    this.trust = parts.trust();
    this.keySet = parts.keySet();
    this.clock = parts.clock();
    this.ownsScheduler = parts.scheduler() == null;
    this.scheduler = ownsScheduler ? Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "edge-agent-" + config.deviceId());
      t.setDaemon(true);
      return t;
    }) : parts.scheduler();
    this.loop = new AgentLoop(config.deviceId(), scheduler);
    this.outboxProvider = parts.outbox();
    this.usableSpace = parts.usableSpace();
    try {
      this.transport = parts.transport().create(config, scheduler);
    } catch (RuntimeException e) {
      stopOwnScheduler();
      throw e;
    }
    this.registry = new ModelRegistry(config.deviceId(), new ShadowRunner(config.deviceId(), config.shadowQueue()));
    // Engines come from the class path (agent-onnx, agent-tflite), then the builder's replace them.
    Map<ModelFormat, InferenceEngine> engines = new EnumMap<>(ModelFormat.class);
    for (InferenceEngineProvider provider : InferenceEngineProvider.loadAll()) {
      InferenceEngine e = provider.create(config.nativeDir(), config.inferenceThreads());
      engines.put(e.format(), e);
    }
    for (InferenceEngine e : parts.engines()) {
      engines.put(e.format(), e);
    }
    this.loader = new ModelLoader(engines, metrics);
  }

  public static EdgeAgentBuilder builder() {
    return new EdgeAgentBuilder();
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
    outbox = outboxProvider.open(config.dataDir(), config.outboxBound());
    try {
      startParts();
    } catch (IOException | RuntimeException e) {
      registry.closeAll();
      outbox.close();
      throw e;
    }
    phase = Phase.RUNNING;
    connect();
    log.info("event=agent_started device={} models={} transport={}", config.deviceId(), String.join(",", registry.names()),
        transport);
  }

  private void startParts() throws IOException {
    String id = config.deviceId();
    sender = new OutboxSender(outbox, transport, loop, OUTBOX_WINDOW);
    sampler = new Sampler(id, topics.topic(id, TopicKind.SAMPLES), clock, loop, sender, config.dataDir());
    EventEmitter events = new EventEmitter(id, topics.topic(id, TopicKind.EVENTS), clock, sender, this::fireEvent);
    // Updates that failed for the disk's sake are retried on the same schedule as reconnects.
    UpdateSettings settings = new UpdateSettings(config.chunkWindow(), config.chunkTimeout(), config.bundleLimits(),
        config.agentVersion(), config.platform(), config.backoff(), config.healthGates(), usableSpace);
    AgentTrust keys;
    try {
      keys = keySet != null ? AgentTrust.rooted(keySet, config.dataDir()) : AgentTrust.fixed(trust);
    } catch (KeySetException e) {
      throw new IOException("the configured key set cannot be trusted: " + e.getMessage(), e);
    }
    updates = new UpdateManager(id, config.dataDir(), topics, keys, clock, settings, transport, loop, loader, registry, events,
        counters, new UpdateManager.Listener() {
          @Override
          public void onActivated(String model, int version) {
            fire(l -> l.onActivated(model, version));
          }

          @Override
          public void onStateChanged() {
            reporter.changed();
          }

          @Override
          public void onDesired(DesiredState desired) {
            sampler.apply(desired);
          }
        });
    reporter = new Reporter(config, topics.topic(id, TopicKind.REPORTED), transport, loop, clock, updates, loader.formats());
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
        } else if (topics.parseBundleChunks(topic).isPresent()) {
          loop.execute(() -> updates.onBroadcastChunk(payload));
        } else if (topic.equals(desired)) {
          loop.execute(() -> updates.onDesired(payload));
        } else {
          log.debug("event=unexpected_topic device={} topic={}", id, topic);
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
    return sampled(registry.predict(model, inputs), inputs, null);
  }

  /**
   * Runs {@code model} for a request the application may later report an outcome of. While the
   * desired state runs an A/B split on this device, the request goes to the arm its id's stable
   * hash falls in (see {@code RequestSplit}); otherwise this is {@link #predict(String, Map)}.
   */
  public Prediction predict(String model, Map<String, Tensor> inputs, String requestId) throws PredictionException {
    return sampled(registry.predict(model, inputs, requestId), inputs, requestId);
  }

  /** Offers a served call to the sampling policy of the version that served it (a lookup and a draw). */
  private Prediction sampled(Prediction p, Map<String, Tensor> inputs, String requestId) {
    Sampler s = sampler;
    if (s != null) {
      s.offer(p.model(), p.version(), inputs, p.outputs(), requestId);
    }
    return p;
  }

  /**
   * Reports the outcome of a request made with {@link #predict(String, Map, String)} (a click, a
   * corrected label, revenue: any number the application wants to compare arms by). It goes to the
   * arm that served the request (in an A/B test split by device, the active version the device
   * serves for its arm) and travels with the next telemetry batch; when the request was
   * sampled, it also follows its sample to the server, for the dataset export. Returns false when no
   * A/B split runs, so the outcome counts in no arm.
   *
   * @throws IllegalArgumentException when the request id is null or the value is not finite
   */
  public boolean recordOutcome(String requestId, double value) {
    int arms = registry.recordOutcome(requestId, value);
    Sampler s = sampler;
    if (s != null) {
      s.outcome(requestId, value);
    }
    return arms > 0;
  }

  public OptionalInt activeVersion(String model) {
    return registry.activeVersion(model);
  }

  /** The manifest of the active version of {@code model}: its inputs, outputs and test vectors. */
  public Optional<Manifest> activeManifest(String model) {
    return registry.active(model).map(ServingModel::manifest);
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

  /** Each model version's calls and errors since it first served, for a metrics endpoint. */
  public List<ModelTotals> modelTotals() {
    return metrics.totals();
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
        log.warn("event=agent_close_unclean device={} reason=\"{}\"", config.deviceId(), e.toString());
      }
    }
    transport.close();
    loop.stopAndWait(CLOSE_TIMEOUT);
    registry.closeAll();
    if (outbox != null) {
      outbox.close();
    }
    stopOwnScheduler();
    if (was == Phase.RUNNING) {
      log.info("event=agent_closed device={}", config.deviceId());
    }
  }

  private void stopOwnScheduler() {
    if (ownsScheduler) {
      scheduler.shutdownNow();
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
      log.info("event=agent_connected device={}", config.deviceId());
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
    Map<String, Long> totals = new HashMap<>(sampler.counters());
    totals.put("outboxDropped", outbox.dropped());
    totals.put("outboxSize", outbox.size());
    totals.put("outboxUnsaved", outbox.unsaved());
    totals.put("corruptChunks", counters.corruptChunks());
    totals.put("rejectedMessages", counters.rejectedMessages());
    TelemetryCollector.Interval interval = telemetry.close(totals);
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
        log.warn("event=listener_failed device={} reason=\"{}\"", config.deviceId(), e.toString());
      }
    }
  }
}
