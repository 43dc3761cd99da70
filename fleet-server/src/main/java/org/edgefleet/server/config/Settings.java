package org.edgefleet.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.transfer.ChunkPlan;

/** Every setting of the server, with its default and one line of documentation. */
public final class Settings {

  public static final Setting<Path> DATA_DIR = Setting.of("data-dir", Path.class, Path.of("fleet-data"),
      "Directory of the SQLite database, bundle blobs, keys, trusted keys (trust/*.json) and embedded broker state.");
  public static final Setting<String> HTTP_HOST = Setting.of("http-host", String.class, "127.0.0.1",
      "Address the REST API binds to; loopback by default because the API has no authentication yet.");
  public static final Setting<Integer> HTTP_PORT = Setting.of("http-port", Integer.class, 8080,
      "Port of the REST API, /metrics and the OpenAPI description; 0 picks a free port.");
  public static final Setting<String> MQTT_HOST = Setting.of("mqtt-host", String.class, "0.0.0.0",
      "Address the embedded MQTT broker binds to (ignored with --broker-url).");
  public static final Setting<Integer> MQTT_PORT = Setting.of("mqtt-port", Integer.class, 1883,
      "Port of the embedded MQTT broker; 0 picks a free port (ignored with --broker-url).");
  public static final Setting<String> BROKER_URL = Setting.of("broker-url", String.class, null,
      "URL of an external MQTT 3.1.1 broker (tcp://host:1883 or ssl://...); when set, no embedded broker starts.");
  public static final Setting<String> BROKER_USERNAME = Setting.of("broker-username", String.class, null,
      "User name the server presents to an external broker (the embedded broker uses fleet-server).");
  public static final Setting<String> BROKER_PASSWORD = Setting.of("broker-password", String.class, null,
      "Password for the external broker; also read from FLEET_BROKER_PASSWORD by the command line.");
  public static final Setting<String> MQTT_CLIENT_ID = Setting.of("mqtt-client-id", String.class, "fleet-server",
      "MQTT client id of the server; with --broker-url its session is persistent, so device messages wait while it is away.");
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
  public static final Setting<Long> MAX_BUNDLE_SIZE = Setting.of("max-bundle-size", Long.class, BundleLimits.DEFAULT.maxBundleBytes(),
      "Largest bundle accepted on upload, in bytes.");
  public static final Setting<List<Path>> TRUST_KEYS = new Setting<>("trust-key", List.class, Path.class, List.of(),
      "Public packager key file (KeyFiles JSON) whose bundles are accepted; repeatable. data-dir/trust/*.json are trusted too.");
  public static final Setting<List<String>> REVOKED_KEYS = new Setting<>("revoke-key", List.class, String.class, List.of(),
      "Key id whose bundles are refused even if its key file is trusted; repeatable.");
  public static final Setting<Duration> RECONCILE_INTERVAL = Setting.of("reconcile-interval", Duration.class, Duration.ofSeconds(30),
      "Least time between two re-publications of one device's desired state when it reports an older revision.");
  public static final Setting<Duration> RECONNECT_MAX_DELAY = Setting.of("reconnect-max-delay", Duration.class, Duration.ofSeconds(5),
      "Longest wait between two attempts of the server's MQTT client to reconnect (backoff starts at 100 ms).");

  public static final List<Setting<?>> ALL = List.of(DATA_DIR, HTTP_HOST, HTTP_PORT, MQTT_HOST, MQTT_PORT, BROKER_URL,
      BROKER_USERNAME, BROKER_PASSWORD, MQTT_CLIENT_ID, BROKER_PERSISTENCE, TOPIC_PREFIX, MAX_PACKET_SIZE, CHUNK_SIZE,
      CHUNKS_IN_FLIGHT, CHUNKS_IN_FLIGHT_PER_DEVICE, CHUNK_QUEUE_PER_DEVICE, MAX_BUNDLE_SIZE, TRUST_KEYS, REVOKED_KEYS,
      RECONCILE_INTERVAL, RECONNECT_MAX_DELAY);

  private Settings() {}
}
