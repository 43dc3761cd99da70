package org.edgefleet.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.config.Setting;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.edgefleet.server.broker.EmbeddedBroker;

/** Every setting of the server, with its default and one line of documentation. */
public final class Settings {

  public static final Setting<Path> DATA_DIR = Setting.of("data-dir", Path.class, Path.of("fleet-data"),
      "Directory of the SQLite database (unless --database-url names another), bundle blobs, keys, trusted keys (trust/*.json) and embedded broker state.");
  public static final Setting<String> DATABASE_URL = Setting.of("database-url", String.class, null,
      "JDBC URL of the database: jdbc:postgresql://host:5432/fleet for PostgreSQL, or jdbc:sqlite:FILE; unset, SQLite in data-dir/fleet.db.");
  public static final Setting<String> DATABASE_USERNAME = Setting.of("database-username", String.class, null,
      "User name for the PostgreSQL database.");
  public static final Setting<String> DATABASE_PASSWORD = Setting.of("database-password", String.class, null,
      "Password for the PostgreSQL database; also read from FLEET_DATABASE_PASSWORD by the command line.");
  public static final Setting<Integer> DATABASE_POOL_SIZE = Setting.of("database-pool-size", Integer.class, 8,
      "Connections to PostgreSQL, and so transactions at once (SQLite always writes on one connection and reads on two).");
  public static final Setting<String> HTTP_HOST = Setting.of("http-host", String.class, "127.0.0.1",
      "Address the REST API binds to; loopback by default. Every route but a few documented ones needs an API token (docs/security.md); serve it beyond loopback behind TLS.");
  public static final Setting<Integer> HTTP_PORT = Setting.of("http-port", Integer.class, 8080,
      "Port of the REST API, /metrics and the OpenAPI description; 0 picks a free port.");
  public static final Setting<String> MQTT_HOST = Setting.of("mqtt-host", String.class, "127.0.0.1",
      "Address the embedded MQTT broker binds to; loopback by default, 0.0.0.0 to let devices on the network in (ignored with --broker-url).");
  public static final Setting<Integer> MQTT_PORT = Setting.of("mqtt-port", Integer.class, 1883,
      "Port of the embedded MQTT broker; 0 picks a free port (ignored with --broker-url).");
  public static final Setting<String> BROKER_URL = Setting.of("broker-url", String.class, null,
      "URL of an external MQTT 3.1.1 broker (tcp://host:1883 or ssl://...); when set, no embedded broker starts.");
  public static final Setting<String> BROKER_USERNAME = Setting.of("broker-username", String.class, null,
      "User name the server presents to an external broker (the embedded broker uses fleet-server).");
  public static final Setting<String> BROKER_PASSWORD = Setting.of("broker-password", String.class, null,
      "Password for the external broker; also read from FLEET_BROKER_PASSWORD by the command line.");
  public static final Setting<String> MQTT_CLIENT_ID = Setting.of("mqtt-client-id", String.class, "fleet-server",
      "MQTT client id of the server's main connection; its second connection, for chunk requests and chunks only, uses this id with -transfer appended. With --broker-url their sessions are persistent, so device messages wait while it is away (clean with --mqtt-shared-group: the other instances take them).");
  public static final Setting<String> MQTT_SHARED_GROUP = Setting.of("mqtt-shared-group", String.class, null,
      "Shared-subscription group ($share/GROUP/...) of several server instances on one external broker and one PostgreSQL database; each instance needs its own --mqtt-client-id.");
  public static final Setting<Duration> LEASE_DURATION = Setting.of("lease-duration", Duration.class, Duration.ofSeconds(15),
      "How long the instance running the periodic work (rollout evaluation, presence expiry, desired-state repair and re-signing) holds its lease; another takes over this long after it stops.");
  public static final Setting<Boolean> BROKER_PERSISTENCE = Setting.of("broker-persistence", Boolean.class, true,
      "Whether the embedded broker keeps retained messages and sessions on disk (data-dir/broker) across restarts.");
  public static final Setting<String> TOPIC_PREFIX = Setting.of("topic-prefix", String.class, Topics.DEFAULT_PREFIX,
      "First topic levels of every fleet topic: {prefix}/d/{deviceId}/{kind}.");
  public static final Setting<Integer> MAX_PACKET_SIZE = Setting.of("max-packet-size", Integer.class, 256 * 1024,
      "Largest MQTT packet in bytes: the embedded broker's limit, and the bound chunks and desired states must fit.");
  public static final Setting<Integer> CHUNK_SIZE = Setting.of("chunk-size", Integer.class, ChunkPlan.DEFAULT_CHUNK_SIZE,
      "Bytes per bundle chunk; a chunk frame plus its topic must fit in max-packet-size.");
  public static final Setting<Integer> CHUNKS_IN_FLIGHT = Setting.of("chunks-in-flight", Integer.class, 256,
      "Most chunks published and not yet acknowledged by the broker, over all devices.");
  public static final Setting<Integer> CHUNKS_IN_FLIGHT_PER_DEVICE = Setting.of("chunks-in-flight-per-device", Integer.class, 8,
      "Most chunks in flight to one device.");
  public static final Setting<Integer> CHUNK_QUEUE_PER_DEVICE = Setting.of("chunk-queue-per-device", Integer.class, 64,
      "Requested chunks waiting per device beyond those in flight; more are dropped (the agent asks again).");
  public static final Setting<Integer> CHUNK_REQUESTS_PER_DEVICE = Setting.of("chunk-requests-per-second-per-device", Integer.class, 200,
      "Chunk requests one device may send per second (also the burst); more are refused whole. An agent sends about one per chunk.");
  public static final Setting<Long> CHUNK_BYTES_PER_DEVICE = Setting.of("chunk-bytes-per-second-per-device", Long.class, 8L << 20,
      "Chunk bytes the server may send one device per second (also the burst); at least chunk-size.");
  public static final Setting<Long> CHUNK_BYTES_TOTAL = Setting.of("chunk-bytes-per-second", Long.class, 64L << 20,
      "Chunk bytes the server may send per second over all devices (also the burst); at least chunk-size.");
  public static final Setting<Long> CHUNK_REPEAT_BYTES_PER_DEVICE = Setting.of("chunk-repeat-bytes-per-device", Long.class, 4L << 20,
      "Bytes per repeat window one device may be sent of chunks it was already sent within the last one or two windows (repairs); at least chunk-size.");
  public static final Setting<Duration> CHUNK_REPEAT_WINDOW = Setting.of("chunk-repeat-window", Duration.class, Duration.ofSeconds(60),
      "How long a chunk sent to a device counts as recently sent, and the period of its repeat budget.");
  public static final Setting<Boolean> BUNDLE_BROADCAST = Setting.of("bundle-broadcast", Boolean.class, true,
      "Whether a bundle many devices download at once is published once on its broadcast topic (fleet/b/{digest}/chunk) for all of them, each device asking per device only for what it missed; false serves every device on its own and refuses subscriptions to broadcast topics, so no device can see another's bundles.");
  public static final Setting<Integer> BROADCAST_MIN_DEVICES = Setting.of("broadcast-min-devices", Integer.class, 10,
      "Devices listening for the same bundle within broadcast-gather that start a broadcast pass of it.");
  public static final Setting<Duration> BROADCAST_GATHER = Setting.of("broadcast-gather", Duration.class, Duration.ofSeconds(5),
      "How recent a listening device's chunk request must be to count towards starting a broadcast pass.");
  public static final Setting<Integer> BROADCAST_CHUNKS_PER_SECOND = Setting.of("broadcast-chunks-per-second", Integer.class, 16,
      "Pace of a broadcast pass (1 to 1000); the broker delivers this many chunks a second to every device listening (docs/scaling.md sizes it).");
  public static final Setting<Long> MAX_BUNDLE_SIZE = Setting.of("max-bundle-size", Long.class, BundleLimits.DEFAULT.maxBundleBytes(),
      "Largest bundle accepted on upload, in bytes.");
  public static final Setting<List<Path>> TRUST_KEYS = new Setting<>("trust-key", List.class, Path.class, List.of(),
      "Public packager key file (KeyFiles JSON) whose bundles are accepted; repeatable. data-dir/trust/*.json are trusted too.");
  public static final Setting<List<String>> REVOKED_KEYS = new Setting<>("revoke-key", List.class, String.class, List.of(),
      "Key id whose bundles are refused even if its key file is trusted; repeatable.");
  public static final Setting<Path> KEY_SET = Setting.of("key-set", Path.class, null,
      "Signed key set file (model-packager keyset): its packager keys are trusted for uploads and it goes to devices with every desired state; a newer file must be signed by the kept key set's root keys.");
  public static final Setting<Duration> DESIRED_VALIDITY = Setting.of("desired-validity", Duration.class, Duration.ofDays(1),
      "How long a signed desired state stays good; the server signs every device's state afresh each third of it, and a device that hears nothing fresh for this long reports a freeze.");
  public static final Setting<Duration> RECONCILE_INTERVAL = Setting.of("reconcile-interval", Duration.class, Duration.ofSeconds(30),
      "Least time between two re-publications of one device's desired state when it reports an older revision.");
  public static final Setting<Duration> RECONNECT_MAX_DELAY = Setting.of("reconnect-max-delay", Duration.class, Duration.ofSeconds(5),
      "Longest wait between two attempts of the server's MQTT client to reconnect (backoff starts at 100 ms).");
  public static final Setting<Integer> BROKER_SESSION_QUEUE = Setting.of("broker-session-queue", Integer.class,
      EmbeddedBroker.DEFAULT_SESSION_QUEUE_SIZE,
      "Commands each of the embedded broker's session loops may queue; when one is full the broker drops publishes and acknowledgements without answering (the server and agents time out and ask again).");
  public static final Setting<Integer> INBOX_MAX_PENDING = Setting.of("inbox-max-pending", Integer.class, 10_000,
      "Telemetry batches decoded and waiting for the database, and as many other device messages (reports, events, status, samples); beyond them the server stops reading those from the broker, which holds the backlog, until the database catches up. The broker's own in-flight window (Moquette: 10 per session, Mosquitto: max_inflight_messages) usually holds it back first, since the server acknowledges a message only once it is stored. Chunk requests come on a connection of their own and never wait for these.");
  public static final Setting<Duration> PUBLISH_ACK_TIMEOUT = Setting.of("publish-ack-timeout", Duration.class, Duration.ofSeconds(20),
      "How long the server's MQTT client waits for the broker to acknowledge a publish before it counts it lost (a lost chunk is sent again when the device asks); with a quarter of its in-flight window held by lost publishes it reconnects.");
  public static final Setting<List<String>> ALLOWED_ORIGINS = new Setting<>("allowed-origin", List.class, String.class, List.of(),
      "Browser origin (scheme://host[:port]) besides the server's own that may send changing API requests (POST, PUT, PATCH, DELETE); repeatable.");
  public static final Setting<Integer> MAX_DEVICES = Setting.of("max-devices", Integer.class, 10_000,
      "Most devices the server registers; messages from further unknown device ids are dropped and counted (device_limit).");
  public static final Setting<Integer> MAX_LABELS = Setting.of("max-labels", Integer.class, 32,
      "Most labels one device may report; a report with more is dropped and counted (bad_labels).");
  public static final Setting<Integer> MAX_LABEL_KEY_LENGTH = Setting.of("max-label-key-length", Integer.class, 63,
      "Longest label key, in characters (letters, digits, '.', '_', ':', '/', '-').");
  public static final Setting<Integer> MAX_LABEL_VALUE_LENGTH = Setting.of("max-label-value-length", Integer.class, 63,
      "Longest label value, in characters (same characters as keys).");
  public static final Setting<Integer> MAX_REPORTED_SIZE = Setting.of("max-reported-size", Integer.class, 16 * 1024,
      "Largest reported state in bytes (at most 65536, the protocol's limit); larger ones are dropped and counted (too_large).");
  public static final Setting<Duration> DRIFT_WINDOW = Setting.of("drift-window", Duration.class, Duration.ofHours(1),
      "Window of the periodic drift check of every registered version (PSI gauges, retraining flag).");
  public static final Setting<Duration> DRIFT_CHECK_INTERVAL = Setting.of("drift-check-interval", Duration.class,
      Duration.ofMinutes(5), "Time between two periodic drift checks of every registered version.");
  public static final Setting<Duration> DEVICE_OFFLINE_AFTER = Setting.of("device-offline-after", Duration.class, Duration.ofMinutes(3),
      "A device with no message for this long is shown offline, even if it left without a last will.");
  public static final Setting<Integer> MAX_VERSION_STEP = Setting.of("max-version-step", Integer.class, 1000,
      "Most a new model version may exceed the highest registered one (a first version counts from 0), so a typo cannot use up the version counter.");
  public static final Setting<Duration> ROLLOUT_EVALUATE_INTERVAL = Setting.of("rollout-evaluate-interval", Duration.class,
      Duration.ofSeconds(5), "How often the rollout engine evaluates running rollouts (bake times, gates, promotion).");
  public static final Setting<Integer> MAX_EVENT_STREAMS = Setting.of("max-event-streams", Integer.class, 32,
      "Most live-update streams (GET /api/v1/events/stream, one per open dashboard tab) at once; more are refused with 503.");
  public static final Setting<String> COAP_HOST = Setting.of("coap-host", String.class, "127.0.0.1",
      "Address the CoAP device endpoint binds to; loopback by default, 0.0.0.0 to let devices on the network in.");
  public static final Setting<Integer> COAP_PORT = Setting.of("coap-port", Integer.class, -1,
      "UDP port of the CoAP device endpoint (5683 is usual, 5684 with DTLS); -1, the default, turns CoAP off; 0 picks a free port.");
  public static final Setting<Path> COAP_PSK_FILE = Setting.of("coap-psk-file", Path.class, null,
      "File of deviceId=hexKey lines; with it the CoAP endpoint speaks DTLS only and admits these devices by PSK, each as its own id (docs/coap.md).");
  public static final Setting<Boolean> COAP_CERTIFICATES = Setting.of("coap-certificates", Boolean.class, false,
      "Whether the CoAP endpoint speaks DTLS with certificates: it presents the server's fleet-CA certificate and admits devices by the fleet-CA certificate they enrolled for (docs/coap.md); with coap-psk-file, PSK devices too.");
  public static final Setting<Duration> COAP_OBSERVE_MAX_AGE = Setting.of("coap-observe-max-age", Duration.class, Duration.ofSeconds(60),
      "Max-Age of desired-state notifications over CoAP: devices register their observation again within it, which is how it comes back after a server restart.");
  public static final Setting<Boolean> BROKER_TLS = Setting.of("broker-tls", Boolean.class, false,
      "Whether the embedded broker serves MQTT over TLS only (on mqtt-port; 8883 is usual), requiring a client certificate from the fleet CA: devices enroll for one (docs/security.md).");
  public static final Setting<List<String>> TLS_HOSTS = new Setting<>("tls-host", List.class, String.class, List.of(),
      "Host name or address devices use to reach the broker or the CoAP endpoint, put in the server's TLS/DTLS certificate besides localhost, 127.0.0.1, mqtt-host and coap-host; repeatable.");
  public static final Setting<Duration> DEVICE_CERTIFICATE_VALIDITY = Setting.of("device-certificate-validity", Duration.class,
      Duration.ofDays(30), "How long a device certificate is valid; agents renew theirs when a third of it is left.");
  public static final Setting<Duration> BROKER_CERTIFICATE_VALIDITY = Setting.of("broker-certificate-validity", Duration.class,
      Duration.ofDays(90), "How long the broker's TLS certificate is valid; the server issues a new one at start when a third of it is left.");
  public static final Setting<Duration> CA_VALIDITY = Setting.of("ca-validity", Duration.class, Duration.ofDays(3650),
      "How long the fleet CA (data-dir/ca) is valid when the server creates it.");
  public static final Setting<Duration> CERTIFICATE_WARNING = Setting.of("certificate-warning", Duration.class, Duration.ofDays(30),
      "How long before the fleet CA or the broker's certificate expires the server warns (log, health EXPIRING); the seconds left"
          + " are always in fleet_ca_expiry_seconds and fleet_broker_certificate_expiry_seconds, for alerts see certificate_days_left.");

  public static final Setting<Duration> TELEMETRY_RAW_RETENTION = Setting.of("telemetry-raw-retention", Duration.class,
      Duration.ofHours(6), "How long raw telemetry rows (one per batch and model version) are kept before they are folded into per-minute buckets; a replay of a batch older than this is counted again.");
  public static final Setting<Duration> TELEMETRY_MINUTE_RETENTION = Setting.of("telemetry-minute-retention", Duration.class,
      Duration.ofDays(3), "How long per-minute telemetry buckets are kept before they are folded into per-hour buckets.");
  public static final Setting<Duration> TELEMETRY_HOUR_RETENTION = Setting.of("telemetry-hour-retention", Duration.class,
      Duration.ofDays(90), "How long per-hour telemetry buckets (and resolved alerts) are kept; older ones are deleted.");
  public static final Setting<Duration> DRIFT_RETENTION = Setting.of("drift-retention", Duration.class, Duration.ofDays(2),
      "How long the devices' drift histograms are kept; drift reports and gates read windows within it.");
  public static final Setting<Duration> DOWNSAMPLE_INTERVAL = Setting.of("downsample-interval", Duration.class,
      Duration.ofMinutes(1), "Time between two runs of the downsampler (folding and expiring telemetry), on the lease holder.");
  public static final Setting<Integer> DOWNSAMPLE_BATCH_ROWS = Setting.of("downsample-batch-rows", Integer.class, 2000,
      "Most rows one downsampling transaction reads; a run takes as many transactions as it needs, so ingest never waits behind a long one.");
  public static final Setting<Duration> ALERT_EVALUATE_INTERVAL = Setting.of("alert-evaluate-interval", Duration.class,
      Duration.ofSeconds(15), "How often the lease holder evaluates every alert rule.");
  public static final Setting<List<String>> ALERT_WEBHOOKS = new Setting<>("alert-webhook", List.class, String.class, List.of(),
      "URL (http:// or https://) that receives every alert as a JSON POST when it fires and when it resolves; repeatable.");
  public static final Setting<Duration> ALERT_RETRY_BASE = Setting.of("alert-retry-base", Duration.class, Duration.ofSeconds(1),
      "First wait before a failed webhook delivery is tried again; each retry waits up to twice as long (full jitter).");
  public static final Setting<Duration> ALERT_RETRY_MAX = Setting.of("alert-retry-max", Duration.class, Duration.ofMinutes(5),
      "Longest wait between two attempts of one webhook delivery.");
  public static final Setting<Integer> ALERT_MAX_ATTEMPTS = Setting.of("alert-max-attempts", Integer.class, 12,
      "Attempts of one webhook delivery before it is given up (logged and counted in fleet.alerts.deliveries.failed).");

  public static final Setting<Duration> SAMPLE_RETENTION = Setting.of("sample-retention", Duration.class, Duration.ofDays(30),
      "How long sampled inputs and their outcomes are kept (counted from their arrival); older ones are deleted every hour.");

  public static final Setting<Path> ADMIN_TOKEN_FILE = Setting.of("admin-token-file", Path.class, null,
      "File of the first admin API token: at a start with no token issued yet, a token written there (ef_...) becomes the admin token, or else the server writes a new one there, readable by its owner only; unset, data-dir/admin-token.");
  public static final Setting<Duration> SESSION_DURATION = Setting.of("session-duration", Duration.class, Duration.ofHours(8),
      "How long a dashboard login lasts (never longer than its API token); sessions are kept in the database, so a restart"
          + " or another instance honours them.");
  public static final Setting<Duration> AUDIT_RETENTION = Setting.of("audit-retention", Duration.class, Duration.ofDays(90),
      "How long audit log entries are kept; older ones are deleted every hour.");

  public static final List<Setting<?>> ALL = List.of(DATA_DIR, DATABASE_URL, DATABASE_USERNAME, DATABASE_PASSWORD,
      DATABASE_POOL_SIZE, HTTP_HOST, HTTP_PORT, MQTT_HOST, MQTT_PORT, BROKER_URL,
      BROKER_USERNAME, BROKER_PASSWORD, MQTT_CLIENT_ID, MQTT_SHARED_GROUP, LEASE_DURATION, BROKER_PERSISTENCE, TOPIC_PREFIX, MAX_PACKET_SIZE, CHUNK_SIZE,
      CHUNKS_IN_FLIGHT, CHUNKS_IN_FLIGHT_PER_DEVICE, CHUNK_QUEUE_PER_DEVICE, CHUNK_REQUESTS_PER_DEVICE, CHUNK_BYTES_PER_DEVICE,
      CHUNK_BYTES_TOTAL, CHUNK_REPEAT_BYTES_PER_DEVICE, CHUNK_REPEAT_WINDOW, BUNDLE_BROADCAST,
      BROADCAST_MIN_DEVICES, BROADCAST_GATHER, BROADCAST_CHUNKS_PER_SECOND, MAX_BUNDLE_SIZE, TRUST_KEYS, REVOKED_KEYS,
      KEY_SET, DESIRED_VALIDITY, RECONCILE_INTERVAL, RECONNECT_MAX_DELAY, PUBLISH_ACK_TIMEOUT, BROKER_SESSION_QUEUE, INBOX_MAX_PENDING,
      ALLOWED_ORIGINS, MAX_DEVICES, MAX_LABELS, MAX_LABEL_KEY_LENGTH, MAX_LABEL_VALUE_LENGTH, MAX_REPORTED_SIZE,
      DEVICE_OFFLINE_AFTER, MAX_VERSION_STEP, ROLLOUT_EVALUATE_INTERVAL, MAX_EVENT_STREAMS, DRIFT_WINDOW, DRIFT_CHECK_INTERVAL,
      TELEMETRY_RAW_RETENTION, TELEMETRY_MINUTE_RETENTION, TELEMETRY_HOUR_RETENTION, DRIFT_RETENTION, DOWNSAMPLE_INTERVAL,
      DOWNSAMPLE_BATCH_ROWS, ALERT_EVALUATE_INTERVAL, ALERT_WEBHOOKS, ALERT_RETRY_BASE, ALERT_RETRY_MAX, ALERT_MAX_ATTEMPTS,
      BROKER_TLS, TLS_HOSTS, DEVICE_CERTIFICATE_VALIDITY, BROKER_CERTIFICATE_VALIDITY, CA_VALIDITY, CERTIFICATE_WARNING,
      SAMPLE_RETENTION, COAP_HOST, COAP_PORT, COAP_PSK_FILE, COAP_CERTIFICATES, COAP_OBSERVE_MAX_AGE, ADMIN_TOKEN_FILE, SESSION_DURATION,
      AUDIT_RETENTION);

  private Settings() {}
}
