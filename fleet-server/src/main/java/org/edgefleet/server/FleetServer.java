package org.edgefleet.server;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.trust.PublicKey;
import org.edgefleet.protocol.trust.TrustedKeySet;
import org.edgefleet.protocol.retry.Backoff;
import org.edgefleet.server.access.AdminBootstrap;
import org.edgefleet.server.access.Sessions;
import org.edgefleet.server.access.SqlTokenStore;
import org.edgefleet.server.access.TokenService;
import org.edgefleet.server.alert.AlertService;
import org.edgefleet.server.audit.AuditService;
import org.edgefleet.server.audit.SqlAuditStore;
import org.edgefleet.server.alert.SqlAlertStore;
import org.edgefleet.server.alert.WebhookDelivery;
import org.edgefleet.server.api.HttpApi;
import org.edgefleet.server.broker.BrokerTls;
import org.edgefleet.server.broker.EmbeddedBroker;
import org.edgefleet.server.identity.CertificateWatch;
import org.edgefleet.server.identity.FleetCa;
import org.edgefleet.server.identity.IdentityService;
import org.edgefleet.server.identity.ServerCertificate;
import org.edgefleet.server.identity.SqlIdentityStore;
import org.edgefleet.server.channel.DesiredRouting;
import org.edgefleet.server.cluster.LeaderWork;
import org.edgefleet.server.coap.CoapDeviceServer;
import org.edgefleet.server.cluster.Lease;
import org.edgefleet.server.cohort.CohortService;
import org.edgefleet.server.cohort.SqlCohortStore;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.dashboard.LiveEvents;
import org.edgefleet.server.desired.DesiredStateService;
import org.edgefleet.server.desired.SqlDesiredStore;
import org.edgefleet.server.device.DeviceLimits;
import org.edgefleet.server.device.DeviceService;
import org.edgefleet.server.device.SqlDeviceStore;
import org.edgefleet.server.ingest.DeviceInbox;
import org.edgefleet.server.keys.PackagerTrust;
import org.edgefleet.server.keys.ServerKeySet;
import org.edgefleet.server.keys.ServerKeys;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.mqtt.MqttDeviceChannel;
import org.edgefleet.server.mqtt.MqttLink;
import org.edgefleet.server.mqtt.ServerClientIds;
import org.edgefleet.server.registry.BlobStore;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.registry.SqlModelStore;
import org.edgefleet.server.rollout.RolloutService;
import org.edgefleet.server.rollout.SqlRolloutStore;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.StoreException;
import org.edgefleet.server.drift.DriftService;
import org.edgefleet.server.sampling.SampleService;
import org.edgefleet.server.sampling.SamplingPolicies;
import org.edgefleet.server.sampling.SqlSampleStore;
import org.edgefleet.server.drift.SqlDriftStore;
import org.edgefleet.server.telemetry.Downsampler;
import org.edgefleet.server.telemetry.Retention;
import org.edgefleet.server.telemetry.SqlTelemetryStore;
import org.edgefleet.server.telemetry.TelemetryService;
import org.edgefleet.server.transfer.ChunkBudget;
import org.edgefleet.server.transfer.BundleBroadcasts;
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
  private static final Duration REFRESH_INTERVAL = Duration.ofSeconds(5);
  private static final Duration PRESENCE_EXPIRY_INTERVAL = Duration.ofSeconds(30);
  private static final Duration SAMPLE_PURGE_INTERVAL = Duration.ofHours(1);
  private static final Duration DESIRED_REPAIR_INTERVAL = Duration.ofSeconds(5);
  // How long a committed desired revision may stay unpublished before the lease holder publishes it.
  private static final Duration DESIRED_REPAIR_AFTER = Duration.ofSeconds(5);
  // Due webhook deliveries are looked for this often; their retries wait the alert Backoff.
  private static final Duration ALERT_DELIVERY_INTERVAL = Duration.ofMillis(500);
  private static final Duration CERTIFICATE_CHECK_INTERVAL = Duration.ofHours(6);
  private static final Duration AUDIT_PURGE_INTERVAL = Duration.ofHours(1);
  // Dashboard sessions the database keeps at once; beyond, the oldest end (a login loop cannot grow the table).
  private static final int MAX_SESSIONS = 10_000;
  // The main connection takes what is stored; chunk requests have a connection of their own (see ServerClientIds).
  private static final List<TopicKind> STORED = List.of(TopicKind.REPORTED, TopicKind.EVENTS, TopicKind.TELEMETRY,
      TopicKind.SAMPLES, TopicKind.STATUS);
  private static final List<TopicKind> TRANSFER = List.of(TopicKind.BUNDLE_REQUEST);

  private final ServerConfig config;
  private final Topics topics;
  // Closed last-started first, so nothing is used after it is closed.
  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private ServerKeys keys;
  private EmbeddedBroker broker;
  private BrokerTls brokerTls;
  private IdentityService identity;
  private MqttLink link;
  private MqttLink transferLink;
  private DeviceService devices;
  private RolloutService rollouts;
  private DriftService drift;
  private TransferService transfer;
  private volatile DesiredStateService desiredStates;
  private DeviceInbox inbox;
  private CoapDeviceServer coap;
  private LeaderWork leader;
  private Vertx vertx;
  private HttpApi http;
  private TokenService tokens;

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
    LOG.info("event=fleet_server_started http={} mqtt={} data_dir={} database={} server_key={}", s.httpUrl(), s.mqttUrl(),
        config.dataDir().toAbsolutePath(), config.database().safeUrl(), s.keys.signingKey().keyId());
    return s;
  }

  private void startAll() throws IOException {
    Path dataDir = Files.createDirectories(config.dataDir());
    keys = ServerKeys.loadOrCreate(dataDir);
    Optional<TrustedKeySet> keySet = ServerKeySet.load(config.get(Settings.KEY_SET), dataDir, keys.publicKey(),
        config.clock().instant());
    PackagerTrust trust = PackagerTrust.load(config.get(Settings.TRUST_KEYS), config.get(Settings.REVOKED_KEYS), dataDir)
        .withKeySet(keySet.map(TrustedKeySet::trustStore));
    Database db = openDatabase(config.database());
    tokens = new TokenService(db, SqlTokenStore::new, config.clock());
    await(tokens.load(), "load the API tokens");
    AdminBootstrap.run(tokens, adminTokenFile());
    ServerMetrics metrics = new ServerMetrics();
    toClose.push(metrics);
    ExecutorService blobWorker = pool("fleet-blob", 1);
    ExecutorService signer = pool("fleet-sign", 1);
    ExecutorService transferIo = pool("fleet-transfer", 2);
    ExecutorService work = pool("fleet-work", 2);
    ScheduledExecutorService timer = ThreadPools.scheduled("fleet-timer");
    toClose.push(timer::shutdownNow);

    FleetCa ca = FleetCa.loadOrCreate(dataDir.resolve("ca"), config.get(Settings.CA_VALIDITY), config.clock());
    CertificateWatch certificates = new CertificateWatch(config.get(Settings.CERTIFICATE_WARNING), config.clock());
    certificates.watch("ca", ca.certificate());
    identity = new IdentityService(db, SqlIdentityStore::new, ca, config.get(Settings.DEVICE_CERTIFICATE_VALIDITY), config.clock());
    await(identity.load(), "load device identities");
    // One server certificate for the broker's TLS and the CoAP endpoint's DTLS.
    boolean coapCertificates = config.get(Settings.COAP_PORT) != -1 && config.get(Settings.COAP_CERTIFICATES);
    ServerCertificate own = null;
    if ((config.embeddedBroker() && config.get(Settings.BROKER_TLS)) || coapCertificates) {
      own = ServerCertificate.loadOrIssue(dataDir.resolve("ca"), ca, tlsHosts(), config.get(Settings.BROKER_CERTIFICATE_VALIDITY),
          config.clock());
      certificates.watch("broker", own.certificate());
    }
    if (config.embeddedBroker()) {
      if (config.get(Settings.BROKER_TLS)) {
        brokerTls = new BrokerTls(own.key(), own.certificate(), ca.certificate(), identity::admits);
      }
      broker = EmbeddedBroker.start(new EmbeddedBroker.Options(config.get(Settings.MQTT_HOST), config.get(Settings.MQTT_PORT),
          config.get(Settings.BROKER_PERSISTENCE) ? dataDir.resolve("broker") : null, config.maxPacketSize(), topics,
          config.get(Settings.MQTT_CLIENT_ID), keys.brokerPassword(), brokerTls, identity::revoked,
          config.get(Settings.BROKER_SESSION_QUEUE), this::mayReadBundle));
      toClose.push(broker);
      EmbeddedBroker b = broker;
      identity.onRevoked(b::disconnect);
    }
    certificates.check();
    timer.scheduleWithFixedDelay(certificates::check, CERTIFICATE_CHECK_INTERVAL.toMillis(), CERTIFICATE_CHECK_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    metrics.gauge("fleet.ca.expiry.seconds", "Seconds until the fleet CA expires (negative once expired: no device can "
        + "connect over TLS or enroll)", () -> certificates.secondsLeft("ca"));
    if (own != null) {
      metrics.gauge("fleet.broker.certificate.expiry.seconds", "Seconds until the broker's TLS certificate expires "
          + "(the server issues a new one at start when a third is left)", () -> certificates.secondsLeft("broker"));
    }
    String clientId = config.get(Settings.MQTT_CLIENT_ID);
    try {
      link = new MqttLink(linkOptions(clientId, STORED), (topic, payload) -> inbox.accept(topic, payload));
      toClose.push(link);
      transferLink = new MqttLink(linkOptions(ServerClientIds.transfer(clientId), TRANSFER),
          (topic, payload) -> inbox.accept(topic, payload));
      toClose.push(transferLink);
    } catch (MqttException e) {
      throw new IOException("cannot use MQTT broker " + mqttUrl() + ": " + e.getMessage(), e);
    }
    metrics.gauge("fleet.mqtt.publish.acks.lost", "Server publishes the broker did not acknowledge within publish-ack-timeout",
        () -> link.acksLost() + transferLink.acksLost());

    SamplingPolicies samplingPolicies = new SamplingPolicies();
    RegistryService registry = new RegistryService(db, SqlModelStore::new, BlobStore.open(dataDir), trust,
        BundleLimits.DEFAULT.withMaxBundleBytes(config.get(Settings.MAX_BUNDLE_SIZE)), config.clock(), config.chunkSize(),
        config.get(Settings.MAX_VERSION_STEP), blobWorker, metrics, (tx, v) -> rollouts.whyInUse(tx, v));
    // A device's desired state goes over the channel it talks on; the CoAP side starts once the inbox exists.
    DesiredRouting desiredChannels = new DesiredRouting(new MqttDeviceChannel(link, topics),
        (id, state) -> coap.desiredChannel().sendDesired(id, state), id -> coap != null && coap.talksCoap(id));
    DesiredStateService desired = new DesiredStateService(db, SqlDesiredStore::new, registry, keys.signingKey(), topics,
        desiredChannels, config.maxPacketSize(), config.get(Settings.RECONCILE_INTERVAL), signer, metrics,
        config.get(Settings.DESIRED_VALIDITY), keySet.map(TrustedKeySet::signed).orElse(null), config.clock(), samplingPolicies);
    SampleService samples = new SampleService(db, SqlSampleStore::new, samplingPolicies, desired, registry, config.clock());
    devices = new DeviceService(db, SqlDeviceStore::new, config.clock(), DeviceLimits.of(config));
    TelemetryService telemetry = new TelemetryService(db, SqlTelemetryStore::new, config.clock(), work, metrics);
    CohortService cohorts = new CohortService(db, SqlCohortStore::new, config.clock());
    drift = new DriftService(db, SqlDriftStore::new, registry, devices, config.clock(), work, metrics);
    rollouts = new RolloutService(db, SqlRolloutStore::new, devices, registry, desired, cohorts, telemetry, drift, config.clock());
    desiredStates = desired;
    MqttDeviceChannel chunkChannel = new MqttDeviceChannel(transferLink, topics);
    transfer = new TransferService(registry, chunkChannel, new TransferService.Limits(config.get(Settings.CHUNKS_IN_FLIGHT),
        config.get(Settings.CHUNKS_IN_FLIGHT_PER_DEVICE), config.get(Settings.CHUNK_QUEUE_PER_DEVICE)), ChunkBudget.Limits.of(config),
        BundleBroadcasts.Limits.of(config), chunkChannel, desired::devicesNaming, transferIo, metrics);
    toClose.push(transfer);
    devices.addListener(rollouts);
    devices.addListener(desired);
    devices.addListener(transfer);
    // After the rollout service: its events name rollouts that have already moved.
    LiveEvents events = new LiveEvents(config.get(Settings.MAX_EVENT_STREAMS), desired, metrics);
    devices.addListener(events);
    inbox = new DeviceInbox(topics, devices, telemetry, transfer, samples, metrics, config.get(Settings.INBOX_MAX_PENDING));
    if (config.get(Settings.COAP_PORT) != -1) {
      coap = CoapDeviceServer.start(new CoapDeviceServer.Options(config.get(Settings.COAP_HOST), config.get(Settings.COAP_PORT),
          config.get(Settings.COAP_PSK_FILE), config.get(Settings.COAP_OBSERVE_MAX_AGE), config.get(Settings.MAX_DEVICES),
          config.get(Settings.MAX_REPORTED_SIZE)), coapCertificates ? new CoapDeviceServer.Certificates(own, identity) : null,
          inbox, desired::publish, registry, transferIo, metrics);
      toClose.push(coap);
    }
    metrics.gauge("fleet.devices.known", "Devices that have sent a valid message", devices::knownCount);
    metrics.gauge("fleet.devices.online", "Devices connected as far as their status says", devices::onlineCount);
    keySet.ifPresent(ks -> metrics.gauge("fleet.keyset.expiry.seconds",
        "Seconds until the fleet key set expires (negative once expired: devices then act on no desired state)",
        () -> java.time.Duration.between(config.clock().instant(), ks.keySet().expiresAt()).getSeconds()));
    if (broker != null) {
      EmbeddedBroker b = broker;
      metrics.gauge("fleet.broker.logins.refused", "Embedded broker logins refused for their credentials or names",
          b::refusedLogins);
      metrics.gauge("fleet.broker.takeovers.refused", "Embedded broker logins refused because their client id was connected",
          b::refusedTakeovers);
      metrics.gauge("fleet.broker.restarts", "Times the embedded broker restarted itself after a session loop died", b::restarts);
    }

    await(registry.load().thenCompose(v -> samples.load()).thenCompose(v -> devices.load()).thenCompose(v -> rollouts.loadSkipped()), "load the database");
    // In a group, also what the other instances on the same database changed: devices, bundles, skipped targets.
    boolean shared = config.get(Settings.MQTT_SHARED_GROUP) != null;
    timer.scheduleWithFixedDelay(() -> devices.flushLastSeen().thenCompose(v -> shared ? devices.refresh()
        .thenCompose(r -> registry.refresh()).thenCompose(r -> samples.load()).thenCompose(r -> rollouts.loadSkipped())
        .thenCompose(r -> tokens.refresh()) : CompletableFuture.completedFuture(null))
        .exceptionally(e -> {
          LOG.warn("event=refresh_failed reason=\"{}\"", e.getMessage());
          return null;
        }), REFRESH_INTERVAL.toMillis(), REFRESH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    // Once for the group, on the lease holder; its first runs after taking the lease pick up what the last holder left.
    leader = new LeaderWork(new Lease(db, "periodic-work", config.get(Settings.MQTT_CLIENT_ID) + "-" + UUID.randomUUID(),
        config.get(Settings.LEASE_DURATION), config.clock()), timer);
    leader.every("rollout-evaluation", config.get(Settings.ROLLOUT_EVALUATE_INTERVAL), () -> rollouts.evaluateRunning(leader.lease()));
    leader.every("presence-expiry", PRESENCE_EXPIRY_INTERVAL, () -> devices.expirePresence(leader.lease()));
    leader.every("desired-repair", DESIRED_REPAIR_INTERVAL, () -> desired.publishUnpublished(DESIRED_REPAIR_AFTER));
    leader.every("desired-resign", Duration.ofMillis(Math.max(1000, config.get(Settings.DESIRED_VALIDITY).toMillis() / 3)),
        desired::publishAll);
    Duration driftWindow = config.get(Settings.DRIFT_WINDOW);
    leader.every("drift-check", config.get(Settings.DRIFT_CHECK_INTERVAL), () -> drift.checkAll(driftWindow));
    Retention retention = Retention.of(config);
    Downsampler downsampler = new Downsampler(db, retention, config.clock());
    leader.every("telemetry-downsampling", config.get(Settings.DOWNSAMPLE_INTERVAL), () -> downsampler.run(leader.lease()::checkHeld));
    AlertService alerts = new AlertService(db, SqlAlertStore::new, telemetry, drift, registry, devices, certificates,
        config.get(Settings.ALERT_WEBHOOKS), config.clock());
    leader.every("alert-evaluation", config.get(Settings.ALERT_EVALUATE_INTERVAL),
        () -> alerts.evaluate(leader.lease()::checkHeld, retention.hours()));
    Duration sampleRetention = config.get(Settings.SAMPLE_RETENTION);
    leader.every("sample-retention", SAMPLE_PURGE_INTERVAL, () -> samples.purge(sampleRetention));
    AuditService audit = new AuditService(db, SqlAuditStore::new, config.clock());
    Duration auditRetention = config.get(Settings.AUDIT_RETENTION);
    leader.every("audit-retention", AUDIT_PURGE_INTERVAL, () -> audit.purge(auditRetention));
    toClose.push(leader);

    link.onConnected(desired::publishAll);
    connect();
    leader.start();

    vertx = Vertx.vertx();
    toClose.push(() -> vertx.close().await(10, TimeUnit.SECONDS));
    WebhookDelivery webhooks = new WebhookDelivery(db, SqlAlertStore::new, vertx, new Backoff(config.get(Settings.ALERT_RETRY_BASE),
        config.get(Settings.ALERT_RETRY_MAX)), config.get(Settings.ALERT_MAX_ATTEMPTS), metrics);
    toClose.push(webhooks);
    leader.every("alert-delivery", ALERT_DELIVERY_INTERVAL, () -> webhooks.deliverDue(leader.lease()::checkHeld));
    HttpApi.Services services = new HttpApi.Services(registry, devices, desired, rollouts, cohorts, telemetry, drift, metrics,
        keys.publicKeyFile(), this::mqttConnected, config.get(Settings.MAX_BUNDLE_SIZE), config.get(Settings.ALLOWED_ORIGINS), events,
        alerts, identity, certificates, samples, tokens, new Sessions(db, SqlTokenStore::new, config.get(Settings.SESSION_DURATION),
        MAX_SESSIONS, config.clock()), audit);
    http = await(HttpApi.start(vertx, config.get(Settings.HTTP_HOST), config.get(Settings.HTTP_PORT),
        HttpApi.router(vertx, services)).toCompletionStage().toCompletableFuture(), "listen on HTTP port " + config.get(Settings.HTTP_PORT));
    toClose.push(() -> http.close().await(10, TimeUnit.SECONDS));
  }

  // The names devices may reach the broker or the CoAP endpoint by: the server certificate must carry each.
  private List<String> tlsHosts() {
    Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
    for (String bind : List.of(config.get(Settings.MQTT_HOST), config.get(Settings.COAP_HOST))) {
      if (!bind.equals("0.0.0.0") && !bind.equals("::")) {
        hosts.add(bind);
      }
    }
    hosts.addAll(config.get(Settings.TLS_HOSTS));
    return List.copyOf(hosts);
  }

  private Database openDatabase(DatabaseConfig database) throws IOException {
    try {
      Database db = Database.open(database);
      toClose.push(db);
      return db;
    } catch (StoreException e) {
      throw new IOException("cannot open the database " + database.safeUrl() + ": " + e.getMessage(), e);
    }
  }

  private ExecutorService pool(String name, int threads) {
    ExecutorService p = ThreadPools.fixed(name, threads);
    toClose.push(() -> ThreadPools.shutdown(p, 5_000));
    return p;
  }

  private MqttLink.Options linkOptions(String clientId, List<TopicKind> kinds) {
    // With a group, the broker hands each device message to one of the group's instances (a chunk
    // request too: the instance that takes it answers it on its own transfer connection).
    String group = config.get(Settings.MQTT_SHARED_GROUP);
    String share = group == null ? "" : "$share/" + group + "/";
    List<String> subs = kinds.stream().map(k -> share + topics.allDevices(k)).toList();
    int maxInflight = config.get(Settings.CHUNKS_IN_FLIGHT) + 512;
    if (broker != null) {
      // A clean session: the embedded broker lives and dies with this process, so a persistent
      // session would keep nothing, and its re-sends (DUP) after a reconnect crash Moquette 0.17.
      return new MqttLink.Options(broker.url(), clientId, EmbeddedBroker.serverUsername(),
          keys.brokerPassword(), subs, maxInflight, config.get(Settings.RECONNECT_MAX_DELAY), false,
          config.get(Settings.PUBLISH_ACK_TIMEOUT), brokerTls == null ? null : brokerTls.clientSockets());
    }
    // In a shared group, a clean session: a broker keeps the share of a stopped instance's persistent
    // session for it (Mosquitto queues it), and the others would never see those messages.
    return new MqttLink.Options(config.brokerUrl(), clientId, config.get(Settings.BROKER_USERNAME),
        config.get(Settings.BROKER_PASSWORD), subs, maxInflight, config.get(Settings.RECONNECT_MAX_DELAY), group == null,
        config.get(Settings.PUBLISH_ACK_TIMEOUT), null);
  }

  private void connect() throws IOException {
    try {
      CompletableFuture.allOf(link.start(), transferLink.start()).get(CONNECT_WAIT_SECONDS, TimeUnit.SECONDS);
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

  private static <T> T await(CompletableFuture<T> f, String what) throws IOException {
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

  /** Where the first admin API token is (the server wrote it there, or read it from there). */
  public Path adminTokenFile() {
    Path file = config.get(Settings.ADMIN_TOKEN_FILE);
    return file != null ? file : config.dataDir().resolve("admin-token");
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

  /** Enrollment, device certificates and revocation. */
  public IdentityService identity() {
    return identity;
  }

  /** The embedded broker, absent when an external broker is used. */
  public Optional<EmbeddedBroker> broker() {
    return Optional.ofNullable(broker);
  }

  /** The CoAP device endpoint, absent unless --coap-port is set. */
  public Optional<CoapDeviceServer> coap() {
    return Optional.ofNullable(coap);
  }

  /** The entry of every device message, as MQTT delivers them: for benchmarks and in-process transports. */
  public DeviceInbox inbox() {
    return inbox;
  }

  /** The chunk flow, whose in-flight counts and peaks tests and benchmarks read. */
  /** Drift of model versions' inputs: what a rollout gate reads. */
  public DriftService drift() {
    return drift;
  }

  public TransferService transfer() {
    return transfer;
  }

  /** Whether this instance holds the lease and runs the periodic work now. */
  public boolean leading() {
    return leader != null && leader.leading();
  }

  /** Whether both of the server's MQTT connections are up (see {@link ServerClientIds}). */
  public boolean mqttConnected() {
    return link != null && link.isConnected() && transferLink != null && transferLink.isConnected();
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

  // The embedded broker's rule for bundle broadcast topics; the broker starts before the desired states are loaded.
  private boolean mayReadBundle(String deviceId, String digest) {
    DesiredStateService states = desiredStates;
    return config.get(Settings.BUNDLE_BROADCAST) && states != null && states.names(deviceId, digest);
  }
}
