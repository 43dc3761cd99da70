package org.edgefleet.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.edgefleet.agent.AgentConfig;
import org.edgefleet.agent.AgentSettings;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.EdgeAgentBuilder;
import org.edgefleet.agent.UsableSpace;
import org.edgefleet.agent.inference.InferenceEngine;
import org.edgefleet.agent.inference.OnnxEngine;
import org.edgefleet.agent.linux.SqliteOutbox;
import org.edgefleet.agent.transport.CoapOptions;
import org.edgefleet.agent.transport.CoapTransportFactory;
import org.edgefleet.agent.transport.MqttOptions;
import org.edgefleet.agent.transport.MqttTransportFactory;
import org.edgefleet.agent.transport.TransportFactory;
import org.edgefleet.protocol.runtime.Platform;
import org.edgefleet.protocol.trust.TrustStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs N real edge agents in one JVM against a broker: each with its own id, data directory,
 * labels and profile, all sharing a few scheduler threads, each fed inputs (motor sensor rows, the
 * active model's test vectors or tensor files, as its profile says) by a simulated application at
 * its profile's rate, and suffering its profile's {@link Faults}.
 */
public final class FleetSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FleetSimulator.class);

  private final Builder settings;
  private final ScheduledExecutorService agentThreads;
  private final ScheduledExecutorService appThreads;
  private final ScheduledExecutorService faultThreads;
  // Written while starting, read from every thread after (a kill finds its device here by index).
  private final List<SimulatedDevice> devices = new CopyOnWriteArrayList<>();
  private final LongAdder droppedChunks = new LongAdder();
  private final LongAdder chunksAskedAgain = new LongAdder();
  private final List<FlappingLink> links = new ArrayList<>();

  private FleetSimulator(Builder settings) {
    this.settings = settings;
    this.agentThreads = Executors.newScheduledThreadPool(settings.agentThreads, daemon("sim-agent"));
    this.appThreads = Executors.newScheduledThreadPool(settings.appThreads, daemon("sim-app"));
    this.faultThreads = Executors.newScheduledThreadPool(1, daemon("sim-faults"));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts every agent; each serves its installed models at once and connects in the background. */
  private static FleetSimulator start(Builder settings) throws IOException {
    FleetSimulator sim = new FleetSimulator(settings);
    try {
      for (int i = 0; i < settings.devices; i++) {
        sim.startDevice(i);
      }
    } catch (IOException | RuntimeException e) {
      sim.close();
      throw e;
    }
    return sim;
  }

  private void startDevice(int index) throws IOException {
    DeviceProfile profile = settings.profiles.get(index % settings.profiles.size());
    Faults faults = profile.faults();
    String brokerUrl = settings.brokerUrl;
    if (faults.flaps()) {
      FlappingLink link = FlappingLink.to(brokerUrl, faults, faultThreads);
      links.add(link);
      brokerUrl = link.url();
    }
    boolean coap = settings.onCoap(index);
    TransportFactory transport = FaultyTransport.factory(coap ? new CoapTransportFactory() : new MqttTransportFactory(), faults,
        settings.seed + index,
        () -> kill(devices.get(index), faults.killedFor()), droppedChunks, chunksAskedAgain);
    String url = brokerUrl;
    EdgeAgent agent = newAgent(index, profile, url, transport);
    InputSource inputs = profile.inputs().open(profile, settings.seed + index, settings.input);
    SimulatedDevice device = new SimulatedDevice(agent, profile, settings.model, inputs, settings.outcomes,
        () -> newAgent(index, profile, url, transport));
    devices.add(device);
    if (profile.predictsPerSecond() > 0) {
      long periodMicros = Math.max(100, (long) (1_000_000 / profile.predictsPerSecond()));
      long firstDelay = ThreadLocalRandom.current().nextLong(periodMicros);
      appThreads.scheduleAtFixedRate(device::predictOnce, firstDelay, periodMicros, TimeUnit.MICROSECONDS);
    }
  }

  /** A started agent of device {@code index} on its data directory: the first one, or the one after a kill. */
  private EdgeAgent newAgent(int index, DeviceProfile profile, String brokerUrl, TransportFactory transport) throws IOException {
    String id = deviceId(settings.idPrefix, index);
    Path dataDir = settings.dataRoot.resolve(id);
    Faults faults = profile.faults();
    EdgeAgentBuilder agentBuilder = EdgeAgent.builder()
        .deviceId(id)
        .dataDir(dataDir)
        .labels(profile.labels())
        .set(MqttOptions.BROKER_URL, brokerUrl)
        .set(CoapOptions.SERVER_URL, settings.coapUrl == null ? CoapOptions.SERVER_URL.defaultValue() : settings.coapUrl)
        .transport(transport)
        .outbox(SqliteOutbox.inDataDir(true))
        .trust(settings.trust)
        .telemetryInterval(settings.telemetryInterval)
        .scheduler(agentThreads);
    if (faults.diskFull()) {
      UsableSpace real = UsableSpace.fileSystem();
      agentBuilder.usableSpace(dir -> faults.active() ? 0 : real.bytes(dir));
    }
    if (profile.agentVersion() != null || profile.platform() != null) {
      agentBuilder.reportAs(Objects.requireNonNullElse(profile.agentVersion(), EdgeAgent.VERSION),
          Objects.requireNonNullElse(profile.platform(), Platform.current()));
    }
    List<BadModel> bad = settings.badModels.stream().filter(b -> b.appliesTo(profile.labels())).toList();
    if (!bad.isEmpty() || faults.slowdown() > 1) {
      InferenceEngine engine = new OnnxEngine(dataDir.resolve("native"), AgentSettings.INFERENCE_THREADS.defaultValue());
      engine = bad.isEmpty() ? engine : new MisbehavingEngine(engine, bad);
      agentBuilder.engine(faults.slowdown() > 1 ? new SlowEngine(engine, faults.slowdown()) : engine);
    }
    EdgeAgent agent = settings.customizer.apply(agentBuilder).build();
    agent.start();
    return agent;
  }

  // Called on a transport thread at the fatal chunk: the agent is closed and a new one started later, off that thread.
  private void kill(SimulatedDevice device, Duration deadFor) {
    device.killed();
    EdgeAgent dead = device.agent();
    faultThreads.execute(() -> {
      dead.close();
      faultThreads.schedule(() -> {
        try {
          device.restart();
        } catch (IOException | RuntimeException e) {
          LOG.warn("event=sim_restart_failed device={} reason=\"{}\"", device.id(), e.toString());
        }
      }, deadFor.toMillis(), TimeUnit.MILLISECONDS);
    });
  }

  /** Device ids are the prefix and a zero-padded index: {@code sim-0007}. */
  public static String deviceId(String prefix, int index) {
    return String.format("%s-%04d", prefix, index);
  }

  public List<SimulatedDevice> devices() {
    return Collections.unmodifiableList(devices);
  }

  /** How many devices have {@code version} of {@code model} active. */
  public long countActive(String model, int version) {
    return devices.stream().filter(d -> d.agent().activeVersion(model).orElse(-1) == version).count();
  }

  public long countConnected() {
    return devices.stream().filter(d -> d.agent().isConnected()).count();
  }

  public long totalPredictions() {
    return devices.stream().mapToLong(SimulatedDevice::predictions).sum();
  }

  /** Bundle chunk frames the devices' faults dropped on the way ({@link Faults#dropChunks}). */
  public long totalDroppedChunks() {
    return droppedChunks.sum();
  }

  /**
   * Chunks the devices asked for again, each on its own (not while listening to a broadcast), after
   * asking once so: a request or its answer lost, answered after the agent's chunk timeout, or asked
   * again after a reconnect or a restart.
   */
  public long totalChunksAskedAgain() {
    return chunksAskedAgain.sum();
  }

  public long totalFailures() {
    return devices.stream().mapToLong(SimulatedDevice::failures).sum();
  }

  /** Application ticks with nothing predicted: no model active yet, or no inputs for it. */
  public long totalSkipped() {
    return devices.stream().mapToLong(SimulatedDevice::skipped).sum();
  }

  /** Stops the applications first, so every prediction made is in some agent's telemetry, then the agents. */
  @Override
  public void close() {
    appThreads.shutdownNow();
    awaitQuietly(appThreads);
    faultThreads.shutdownNow();
    awaitQuietly(faultThreads);
    for (SimulatedDevice d : devices) {
      d.agent().close();
    }
    links.forEach(FlappingLink::close);
    agentThreads.shutdownNow();
    awaitQuietly(agentThreads);
  }

  private static void awaitQuietly(ScheduledExecutorService pool) {
    try {
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Settings of a simulated fleet; broker URL, data root and trust store are required. */
  public static final class Builder {
    private String brokerUrl;
    private String coapUrl;
    private int coapEvery;
    private Path dataRoot;
    private TrustStore trust;
    private int devices = 20;
    private String idPrefix = "sim";
    private List<DeviceProfile> profiles = List.of(DeviceProfile.defaultProfile());
    private final List<BadModel> badModels = new ArrayList<>();
    private Outcomes outcomes;
    private String model = "motor-anomaly";
    private String input = "features";
    private Duration telemetryInterval = Duration.ofSeconds(10);
    private long seed = 1;
    private int agentThreads = 2;
    private int appThreads = 1;
    private UnaryOperator<EdgeAgentBuilder> customizer = UnaryOperator.identity();

    private Builder() {}

    public Builder brokerUrl(String url) {
      this.brokerUrl = Objects.requireNonNull(url, "brokerUrl must not be null");
      return this;
    }

    /**
     * A mixed fleet: every {@code everyNth} device (index % everyNth == everyNth - 1) talks CoAP to
     * the server at {@code url} (coap://host:port) instead of MQTT; 2 makes half the fleet CoAP.
     */
    public Builder coap(String url, int everyNth) {
      if (everyNth < 1) {
        throw new IllegalArgumentException("everyNth must be at least 1");
      }
      this.coapUrl = Objects.requireNonNull(url, "coap url must not be null");
      this.coapEvery = everyNth;
      return this;
    }

    boolean onCoap(int index) {
      return coapUrl != null && index % coapEvery == coapEvery - 1;
    }

    public Builder dataRoot(Path dir) {
      this.dataRoot = Objects.requireNonNull(dir, "dataRoot must not be null");
      return this;
    }

    public Builder trust(TrustStore trust) {
      this.trust = Objects.requireNonNull(trust, "trust must not be null");
      return this;
    }

    public Builder devices(int count) {
      if (count < 1 || count > 100_000) {
        throw new IllegalArgumentException("devices must be between 1 and 100000, was " + count);
      }
      this.devices = count;
      return this;
    }

    public Builder idPrefix(String prefix) {
      this.idPrefix = Objects.requireNonNull(prefix, "idPrefix must not be null");
      return this;
    }

    /** Device i gets profile i modulo the list's size. */
    public Builder profiles(List<DeviceProfile> profiles) {
      if (profiles == null || profiles.isEmpty()) {
        throw new IllegalArgumentException("at least one device profile is needed");
      }
      this.profiles = List.copyOf(profiles);
      return this;
    }

    /** The model the simulated application predicts with, and the input the motor source feeds. */
    public Builder model(String model, String input) {
      this.model = Objects.requireNonNull(model, "model must not be null");
      this.input = Objects.requireNonNull(input, "input must not be null");
      return this;
    }

    public Builder telemetryInterval(Duration interval) {
      this.telemetryInterval = Objects.requireNonNull(interval, "telemetryInterval must not be null");
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Threads shared by all agents (updates, telemetry, outbox), and by the simulated applications. */
    public Builder threads(int agentThreads, int appThreads) {
      if (agentThreads < 1 || appThreads < 1) {
        throw new IllegalArgumentException("thread counts must be >= 1");
      }
      this.agentThreads = agentThreads;
      this.appThreads = appThreads;
      return this;
    }

    /** Makes a version misbehave on the devices its labels select (ONNX models). */
    public Builder badModel(BadModel bad) {
      badModels.add(Objects.requireNonNull(bad, "bad model must not be null"));
      return this;
    }

    /** Makes every application predict with request ids and report each request's outcome (A/B tests). */
    public Builder outcomes(Outcomes outcomes) {
      this.outcomes = Objects.requireNonNull(outcomes, "outcomes must not be null");
      return this;
    }

    /** Adjusts every agent's builder (backoff, chunk window...) before it is built. */
    public Builder customizeAgents(UnaryOperator<EdgeAgentBuilder> customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer must not be null");
      return this;
    }

    public FleetSimulator start() throws IOException {
      if (brokerUrl == null || dataRoot == null || trust == null) {
        throw new IllegalStateException("brokerUrl, dataRoot and trust must be set");
      }
      return FleetSimulator.start(this);
    }
  }
}
