package org.edgefleet.server;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.trust.PublicKey;
import org.edgefleet.server.api.HttpApi;
import org.edgefleet.server.broker.EmbeddedBroker;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.desired.DesiredStateService;
import org.edgefleet.server.desired.SqliteDesiredStore;
import org.edgefleet.server.device.DeviceService;
import org.edgefleet.server.device.SqliteDeviceStore;
import org.edgefleet.server.ingest.DeviceInbox;
import org.edgefleet.server.keys.PackagerTrust;
import org.edgefleet.server.keys.ServerKeys;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.mqtt.MqttLink;
import org.edgefleet.server.registry.BlobStore;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.registry.SqliteModelStore;
import org.edgefleet.server.rollout.RolloutService;
import org.edgefleet.server.rollout.SqliteRolloutStore;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.telemetry.SqliteTelemetryStore;
import org.edgefleet.server.telemetry.TelemetryService;
import org.edgefleet.server.transfer.TransferService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet server: REST API, model registry, rollouts, telemetry and the MQTT side (an embedded
 * broker unless an external one is configured). {@link #start} returns once the server is
 * listening and connected to its broker; {@link #close} stops everything it started.
 */
public final class FleetServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FleetServer.class);
  private static final long CONNECT_WAIT_SECONDS = 15;
  private static final int MAX_PENDING_MESSAGES = 10_000;
  private static final List<TopicKind> SUBSCRIBED = List.of(TopicKind.REPORTED, TopicKind.EVENTS, TopicKind.TELEMETRY,
      TopicKind.SAMPLES, TopicKind.BUNDLE_REQUEST, TopicKind.STATUS);

  private final ServerConfig config;
  private final Topics topics;
  // Closed last-started first, so nothing is used after it is closed.
  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private ServerKeys keys;
  private EmbeddedBroker broker;
  private MqttLink link;
  private DeviceService devices;
  private RolloutService rollouts;
  private TransferService transfer;
  private DeviceInbox inbox;
  private Vertx vertx;
  private HttpApi http;

  private FleetServer(ServerConfig config) {
    this.config = config;
    this.topics = config.topics();
  }

  /**
   * Starts a server and waits until it serves HTTP and is connected to its broker (with an external
   * broker that is down, it starts anyway and keeps reconnecting).
   *
   * @throws IOException with the reason when something cannot start (port in use, unreadable key, ...)
   */
  public static FleetServer start(ServerConfig config) throws IOException {
    FleetServer s = new FleetServer(config);
    try {
      s.startAll();
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    LOG.info("event=fleet_server_started http={} mqtt={} data_dir={} server_key={}", s.httpUrl(), s.mqttUrl(),
        config.dataDir().toAbsolutePath(), s.keys.signingKey().keyId());
    return s;
  }

  private void startAll() throws IOException {
    Path dataDir = Files.createDirectories(config.dataDir());
    keys = ServerKeys.loadOrCreate(dataDir);
    PackagerTrust trust = PackagerTrust.load(config.get(Settings.TRUST_KEYS), config.get(Settings.REVOKED_KEYS), dataDir);
    Database db = openDatabase(dataDir.resolve("fleet.db"));
    ServerMetrics metrics = new ServerMetrics();
    ExecutorService blobWorker = pool("fleet-blob", 1);
    ExecutorService signer = pool("fleet-sign", 1);
    ExecutorService transferIo = pool("fleet-transfer", 2);
    ExecutorService work = pool("fleet-work", 2);
    ScheduledExecutorService timer = ThreadPools.scheduled("fleet-timer");
    toClose.push(timer::shutdownNow);

    if (config.embeddedBroker()) {
      broker = EmbeddedBroker.start(new EmbeddedBroker.Options(config.get(Settings.MQTT_HOST), config.get(Settings.MQTT_PORT),
          config.get(Settings.BROKER_PERSISTENCE) ? dataDir.resolve("broker") : null, config.maxPacketSize(), topics,
          keys.brokerPassword()));
      toClose.push(broker);
    }
    try {
      link = new MqttLink(linkOptions(), (topic, payload) -> inbox.accept(topic, payload));
    } catch (MqttException e) {
      throw new IOException("cannot use MQTT broker " + mqttUrl() + ": " + e.getMessage(), e);
    }
    toClose.push(link);

    SqliteModelStore modelStore = new SqliteModelStore(db.connection());
    SqliteDesiredStore desiredStore = new SqliteDesiredStore(db.connection());
    SqliteDeviceStore deviceStore = new SqliteDeviceStore(db.connection());
    RegistryService registry = new RegistryService(db, modelStore, BlobStore.open(dataDir), trust,
        BundleLimits.DEFAULT.withMaxBundleBytes(config.get(Settings.MAX_BUNDLE_SIZE)), config.clock(), config.chunkSize(),
        blobWorker, metrics, v -> rollouts.whyInUse(v));
    DesiredStateService desired = new DesiredStateService(db, desiredStore, modelStore, registry, keys.signingKey(), topics,
        link, config.maxPacketSize(), config.get(Settings.RECONCILE_INTERVAL), signer, metrics);
    rollouts = new RolloutService(db, new SqliteRolloutStore(db.connection()), desiredStore, deviceStore, registry, desired,
        config.clock());
    devices = new DeviceService(db, deviceStore, config.clock());
    transfer = new TransferService(registry, link, topics, new TransferService.Limits(config.get(Settings.CHUNKS_IN_FLIGHT),
        config.get(Settings.CHUNKS_IN_FLIGHT_PER_DEVICE), config.get(Settings.CHUNK_QUEUE_PER_DEVICE)), transferIo, metrics);
    toClose.push(transfer);
    devices.addListener(rollouts);
    devices.addListener(desired);
    devices.addListener(transfer);
    TelemetryService telemetry = new TelemetryService(db, new SqliteTelemetryStore(db.connection()), config.clock(), work, metrics);
    inbox = new DeviceInbox(topics, devices, telemetry, transfer, metrics, MAX_PENDING_MESSAGES);
    metrics.gauge("fleet.devices.known", "Devices that have sent a valid message", devices::knownCount);
    metrics.gauge("fleet.devices.online", "Devices connected as far as their status says", devices::onlineCount);

    await(registry.load().thenCompose(v -> devices.load()).thenCompose(v -> rollouts.resume()), "load the database");
    timer.scheduleWithFixedDelay(devices::flushLastSeen, 5, 5, TimeUnit.SECONDS);

    link.onConnected(desired::publishAll);
    connect();

    vertx = Vertx.vertx();
    toClose.push(() -> vertx.close().await(10, TimeUnit.SECONDS));
    HttpApi.Services services = new HttpApi.Services(registry, devices, desired, rollouts, telemetry, metrics,
        keys.publicKeyFile(), link::isConnected, config.get(Settings.MAX_BUNDLE_SIZE));
    http = await(HttpApi.start(vertx, config.get(Settings.HTTP_HOST), config.get(Settings.HTTP_PORT),
        HttpApi.router(vertx, services)).toCompletionStage().toCompletableFuture(), "listen on HTTP port " + config.get(Settings.HTTP_PORT));
    toClose.push(() -> http.close().await(10, TimeUnit.SECONDS));
  }

  private Database openDatabase(Path file) throws IOException {
    try {
      Database db = Database.open(file);
      toClose.push(db);
      return db;
    } catch (SQLException e) {
      throw new IOException("cannot open the database " + file + ": " + e.getMessage(), e);
    }
  }

  private ExecutorService pool(String name, int threads) {
    ExecutorService p = ThreadPools.fixed(name, threads);
    toClose.push(() -> ThreadPools.shutdown(p, 5_000));
    return p;
  }

  private MqttLink.Options linkOptions() {
    List<String> subs = SUBSCRIBED.stream().map(topics::allDevices).toList();
    int maxInflight = config.get(Settings.CHUNKS_IN_FLIGHT) + 512;
    if (broker != null) {
      // A clean session: the embedded broker lives and dies with this process, so a persistent
      // session would keep nothing, and its re-sends (DUP) after a reconnect crash Moquette 0.17.
      return new MqttLink.Options(broker.url(), config.get(Settings.MQTT_CLIENT_ID), EmbeddedBroker.serverUsername(),
          keys.brokerPassword(), subs, maxInflight, config.get(Settings.RECONNECT_MAX_DELAY), false);
    }
    return new MqttLink.Options(config.brokerUrl(), config.get(Settings.MQTT_CLIENT_ID), config.get(Settings.BROKER_USERNAME),
        config.get(Settings.BROKER_PASSWORD), subs, maxInflight, config.get(Settings.RECONNECT_MAX_DELAY), true);
  }

  private void connect() throws IOException {
    try {
      link.start().get(CONNECT_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      if (broker != null) {
        throw new IOException("the server could not connect to its embedded broker at " + broker.url()
            + " within " + CONNECT_WAIT_SECONDS + " s", e);
      }
      LOG.warn("event=broker_unreachable url={} action=\"starting anyway, reconnecting in the background\"", config.brokerUrl());
    } catch (Exception e) {
      throw new IOException("cannot connect to the MQTT broker: " + e.getMessage(), e);
    }
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> f, String what) throws IOException {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while trying to " + what, e);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IOException("cannot " + what + ": " + cause.getMessage(), cause);
    }
  }

  public int httpPort() {
    return http.port();
  }

  /** The base URL of the REST API, e.g. http://127.0.0.1:8080. */
  public String httpUrl() {
    String host = config.get(Settings.HTTP_HOST);
    return "http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + httpPort();
  }

  /** The broker URL devices on this machine connect to. */
  public String mqttUrl() {
    return broker != null ? broker.url() : config.brokerUrl();
  }

  /** The key that signs desired states; agents trust it. */
  public PublicKey serverKey() {
    return keys.publicKey();
  }

  public Topics topics() {
    return topics;
  }

  /** The embedded broker, absent when an external broker is used. */
  public Optional<EmbeddedBroker> broker() {
    return Optional.ofNullable(broker);
  }

  /** The entry of every device message, as MQTT delivers them: for benchmarks and in-process transports. */
  public DeviceInbox inbox() {
    return inbox;
  }

  /** The chunk flow, whose in-flight counts and peaks tests and benchmarks read. */
  public TransferService transfer() {
    return transfer;
  }

  public boolean mqttConnected() {
    return link != null && link.isConnected();
  }

  @Override
  public void close() {
    if (devices != null) {
      devices.flushLastSeen();
    }
    AutoCloseable c;
    while ((c = toClose.poll()) != null) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("event=close_failed part={} reason=\"{}\"", c, e.toString());
      }
    }
  }
}
