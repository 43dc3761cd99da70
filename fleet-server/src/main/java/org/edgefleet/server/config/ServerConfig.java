package org.edgefleet.server.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.edgefleet.protocol.config.Setting;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.Dialect;
import org.edgefleet.server.telemetry.Retention;

/**
 * The server's settings, checked together when built so that a bad combination (a chunk that
 * cannot fit the broker's packet limit) fails at start with the fix, not mid-rollout.
 */
public final class ServerConfig {

  /** Fixed header (up to 5 bytes), topic length prefix and packet id of a QoS 1 PUBLISH. */
  static final int PUBLISH_OVERHEAD = 5 + 2 + 2;
  private static final int LONGEST_DEVICE_ID = 64;
  private static final Pattern SHARE_GROUP = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern WEBHOOK = Pattern.compile("https?://[A-Za-z0-9.\\[\\]:-]+(:[0-9]{1,5})?(/\\S*)?");
  private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.\\[\\]:-]+(:[0-9]{1,5})?");

  private final Map<Setting<?>, Object> values;
  private final Clock clock;

  private ServerConfig(Map<Setting<?>, Object> values, Clock clock) {
    this.values = Map.copyOf(values);
    this.clock = clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static ServerConfig defaults() {
    return builder().build();
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return values.containsKey(setting) ? (T) values.get(setting) : setting.defaultValue();
  }

  public Path dataDir() {
    return get(Settings.DATA_DIR);
  }

  /** The database: --database-url, or SQLite in the data directory. */
  public DatabaseConfig database() {
    String url = get(Settings.DATABASE_URL);
    if (url == null) {
      return DatabaseConfig.sqlite(dataDir().resolve("fleet.db"));
    }
    return new DatabaseConfig(url, get(Settings.DATABASE_USERNAME), get(Settings.DATABASE_PASSWORD),
        get(Settings.DATABASE_POOL_SIZE));
  }

  public String brokerUrl() {
    return get(Settings.BROKER_URL);
  }

  public boolean embeddedBroker() {
    return brokerUrl() == null;
  }

  public Topics topics() {
    return new Topics(get(Settings.TOPIC_PREFIX));
  }

  public int chunkSize() {
    return get(Settings.CHUNK_SIZE);
  }

  public int maxPacketSize() {
    return get(Settings.MAX_PACKET_SIZE);
  }

  /** The clock that decides bundle expiry and timestamps; tests move it. */
  public Clock clock() {
    return clock;
  }

  /** Bytes of the longest chunk publication: header, the longest device's chunk topic, frame header, data. */
  public static int chunkPacketBytes(Topics topics, int chunkSize) {
    int topicBytes = topics.topic("x".repeat(LONGEST_DEVICE_ID), TopicKind.BUNDLE_CHUNK).length();
    return PUBLISH_OVERHEAD + topicBytes + ChunkMessage.HEADER_BYTES + chunkSize;
  }

  /** Collects settings; {@link #build()} validates them together. */
  public static final class Builder {
    private final Map<Setting<?>, Object> values = new HashMap<>();
    private Clock clock = Clock.systemUTC();

    public <T> Builder set(Setting<T> setting, T value) {
      if (!Settings.ALL.contains(setting)) {
        throw new IllegalArgumentException("unknown setting " + setting.name());
      }
      values.put(setting, setting.cast(value));
      return this;
    }

    public Builder dataDir(Path dir) {
      return set(Settings.DATA_DIR, Objects.requireNonNull(dir, "dataDir must not be null"));
    }

    public Builder httpHost(String host) {
      return set(Settings.HTTP_HOST, host);
    }

    public Builder httpPort(int port) {
      return set(Settings.HTTP_PORT, port);
    }

    public Builder mqttHost(String host) {
      return set(Settings.MQTT_HOST, host);
    }

    public Builder mqttPort(int port) {
      return set(Settings.MQTT_PORT, port);
    }

    /** An external broker, or null for the embedded one. */
    public Builder brokerUrl(String url) {
      return set(Settings.BROKER_URL, url);
    }

    public Builder brokerCredentials(String username, String password) {
      set(Settings.BROKER_USERNAME, username);
      return set(Settings.BROKER_PASSWORD, password);
    }

    public Builder brokerPersistence(boolean enabled) {
      return set(Settings.BROKER_PERSISTENCE, enabled);
    }

    public Builder topicPrefix(String prefix) {
      return set(Settings.TOPIC_PREFIX, prefix);
    }

    public Builder maxPacketSize(int bytes) {
      return set(Settings.MAX_PACKET_SIZE, bytes);
    }

    public Builder chunkSize(int bytes) {
      return set(Settings.CHUNK_SIZE, bytes);
    }

    public Builder chunksInFlight(int total, int perDevice) {
      set(Settings.CHUNKS_IN_FLIGHT, total);
      return set(Settings.CHUNKS_IN_FLIGHT_PER_DEVICE, perDevice);
    }

    public Builder chunkQueuePerDevice(int chunks) {
      return set(Settings.CHUNK_QUEUE_PER_DEVICE, chunks);
    }

    /** The chunk budgets: requests and bytes per second per device, bytes per second in total. */
    public Builder chunkRates(int requestsPerDevice, long bytesPerDevice, long bytesTotal) {
      set(Settings.CHUNK_REQUESTS_PER_DEVICE, requestsPerDevice);
      set(Settings.CHUNK_BYTES_PER_DEVICE, bytesPerDevice);
      return set(Settings.CHUNK_BYTES_TOTAL, bytesTotal);
    }

    public Builder chunkRepeatBudget(long bytesPerDevice, Duration window) {
      set(Settings.CHUNK_REPEAT_BYTES_PER_DEVICE, bytesPerDevice);
      return set(Settings.CHUNK_REPEAT_WINDOW, window);
    }

    public Builder maxBundleSize(long bytes) {
      return set(Settings.MAX_BUNDLE_SIZE, bytes);
    }

    public Builder trustedPackagerKeys(List<Path> keyFiles) {
      return set(Settings.TRUST_KEYS, List.copyOf(keyFiles));
    }

    public Builder revokedKeys(List<String> keyIds) {
      return set(Settings.REVOKED_KEYS, List.copyOf(keyIds));
    }

    public Builder reconcileInterval(Duration interval) {
      return set(Settings.RECONCILE_INTERVAL, interval);
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    public ServerConfig build() {
      ServerConfig c = new ServerConfig(withoutNulls(), clock);
      c.validate();
      return c;
    }

    private Map<Setting<?>, Object> withoutNulls() {
      Map<Setting<?>, Object> m = new HashMap<>();
      values.forEach((k, v) -> {
        if (v != null) {
          m.put(k, v);
        }
      });
      return m;
    }
  }

  private void validate() {
    requirePort(Settings.HTTP_PORT);
    requirePort(Settings.MQTT_PORT);
    if (get(Settings.COAP_PORT) != -1) {
      requirePort(Settings.COAP_PORT);
    }
    if (get(Settings.COAP_OBSERVE_MAX_AGE).toSeconds() < 1) {
      throw new IllegalArgumentException(Settings.COAP_OBSERVE_MAX_AGE.flag() + " must be at least 1s, was " + get(Settings.COAP_OBSERVE_MAX_AGE));
    }
    Topics topics;
    try {
      topics = topics();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Settings.TOPIC_PREFIX.flag() + ": " + e.getMessage(), e);
    }
    int packet = maxPacketSize();
    if (packet < 4096 || packet > 268_435_455) {
      throw new IllegalArgumentException(Settings.MAX_PACKET_SIZE.flag() + " must be between 4096 and 268435455 bytes (the MQTT limit), was " + packet);
    }
    int chunk = chunkSize();
    if (chunk < ChunkPlan.MIN_CHUNK_SIZE) {
      throw new IllegalArgumentException(Settings.CHUNK_SIZE.flag() + " must be at least " + ChunkPlan.MIN_CHUNK_SIZE + " bytes, was " + chunk);
    }
    int needed = chunkPacketBytes(topics, chunk);
    if (needed > packet) {
      throw new IllegalArgumentException("a chunk of " + chunk + " bytes needs MQTT packets of " + needed
          + " bytes (chunk frame header and topic included) but " + Settings.MAX_PACKET_SIZE.flag() + " is " + packet
          + ": lower " + Settings.CHUNK_SIZE.flag() + " to at most " + (chunk - (needed - packet)) + " or raise the packet size");
    }
    requirePositive(Settings.CHUNKS_IN_FLIGHT);
    requirePositive(Settings.CHUNKS_IN_FLIGHT_PER_DEVICE);
    requirePositive(Settings.CHUNK_QUEUE_PER_DEVICE);
    requirePositive(Settings.CHUNK_REQUESTS_PER_DEVICE);
    for (Setting<Long> bytes : List.of(Settings.CHUNK_BYTES_PER_DEVICE, Settings.CHUNK_BYTES_TOTAL, Settings.CHUNK_REPEAT_BYTES_PER_DEVICE)) {
      if (get(bytes) < chunk) {
        throw new IllegalArgumentException(bytes.flag() + " must be at least the chunk size (" + chunk + " bytes), was " + get(bytes)
            + ": a smaller budget could never send a chunk");
      }
    }
    requirePositive(Settings.CHUNK_REPEAT_WINDOW);
    if (get(Settings.CHUNKS_IN_FLIGHT_PER_DEVICE) > get(Settings.CHUNKS_IN_FLIGHT)) {
      throw new IllegalArgumentException(Settings.CHUNKS_IN_FLIGHT_PER_DEVICE.flag() + " must not exceed " + Settings.CHUNKS_IN_FLIGHT.flag());
    }
    if (get(Settings.MAX_BUNDLE_SIZE) <= 0) {
      throw new IllegalArgumentException(Settings.MAX_BUNDLE_SIZE.flag() + " must be positive");
    }
    String url = brokerUrl();
    if (url != null && !(url.startsWith("tcp://") || url.startsWith("ssl://"))) {
      throw new IllegalArgumentException(Settings.BROKER_URL.flag() + " must start with tcp:// or ssl://, was " + url);
    }
    requirePositive(Settings.RECONCILE_INTERVAL);
    requirePositive(Settings.DESIRED_VALIDITY);
    requirePositive(Settings.RECONNECT_MAX_DELAY);
    requirePositive(Settings.PUBLISH_ACK_TIMEOUT);
    requirePositive(Settings.BROKER_SESSION_QUEUE);
    requirePositive(Settings.INBOX_MAX_PENDING);
    requirePositive(Settings.BROADCAST_MIN_DEVICES);
    requirePositive(Settings.BROADCAST_GATHER);
    if (get(Settings.BROADCAST_CHUNKS_PER_SECOND) < 1 || get(Settings.BROADCAST_CHUNKS_PER_SECOND) > 1000) {
      throw new IllegalArgumentException(Settings.BROADCAST_CHUNKS_PER_SECOND.flag() + " must be 1 to 1000, was "
          + get(Settings.BROADCAST_CHUNKS_PER_SECOND));
    }
    try {
      database();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + e.getMessage(), e);
    }
    validateSharing();
    validateDeviceBounds();
      validateMonitoring();
  }

  private void validateSharing() {
    if (get(Settings.LEASE_DURATION).compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(Settings.LEASE_DURATION.flag() + " must be at least 1s, was " + get(Settings.LEASE_DURATION));
    }
    String group = get(Settings.MQTT_SHARED_GROUP);
    if (group == null) {
      return;
    }
    if (!SHARE_GROUP.matcher(group).matches()) {
      throw new IllegalArgumentException(Settings.MQTT_SHARED_GROUP.flag() + " '" + group
          + "' must be 1 to 64 letters, digits, '_' or '-' (it becomes a topic level: no '/', '+' or '#')");
    }
    if (embeddedBroker()) {
      throw new IllegalArgumentException(Settings.MQTT_SHARED_GROUP.flag() + " needs an external broker (" + Settings.BROKER_URL.flag()
          + "): the embedded broker serves one server instance only");
    }
    if (database().dialect() != Dialect.POSTGRESQL) {
      throw new IllegalArgumentException(Settings.MQTT_SHARED_GROUP.flag() + " needs a database the instances share: set "
          + Settings.DATABASE_URL.flag() + " to a PostgreSQL database (SQLite is one process's file)");
    }
  }

  private void validateDeviceBounds() {
    for (Setting<?> s : List.of(Settings.MAX_DEVICES, Settings.MAX_LABELS, Settings.MAX_LABEL_KEY_LENGTH,
        Settings.MAX_LABEL_VALUE_LENGTH, Settings.MAX_VERSION_STEP, Settings.DEVICE_OFFLINE_AFTER, Settings.MAX_EVENT_STREAMS)) {
      requirePositive(s);
    }
    int reported = get(Settings.MAX_REPORTED_SIZE);
    if (reported < 1024 || reported > ReportedState.MAX_BYTES) {
      throw new IllegalArgumentException(Settings.MAX_REPORTED_SIZE.flag() + " must be between 1024 and " + ReportedState.MAX_BYTES
          + " bytes (the protocol's limit), was " + reported);
    }
    for (String origin : get(Settings.ALLOWED_ORIGINS)) {
      if (!ORIGIN.matcher(origin).matches()) {
        throw new IllegalArgumentException(Settings.ALLOWED_ORIGINS.flag() + " '" + origin
            + "' must be an origin like https://fleet.example.com or http://127.0.0.1:3000 (scheme, host, optional port; no path)");
      }
    }
  }

  private void validateMonitoring() {
    for (Setting<?> s : List.of(Settings.DOWNSAMPLE_INTERVAL, Settings.ALERT_EVALUATE_INTERVAL, Settings.ALERT_RETRY_BASE,
        Settings.ALERT_RETRY_MAX, Settings.ALERT_MAX_ATTEMPTS)) {
      requirePositive(s);
    }
    if (get(Settings.ALERT_RETRY_MAX).compareTo(get(Settings.ALERT_RETRY_BASE)) < 0) {
      throw new IllegalArgumentException(Settings.ALERT_RETRY_MAX.flag() + " must be at least " + Settings.ALERT_RETRY_BASE.flag());
    }
    Retention.of(this);
    for (String url : get(Settings.ALERT_WEBHOOKS)) {
      if (url.length() > 2048 || !WEBHOOK.matcher(url).matches()) {
        throw new IllegalArgumentException(Settings.ALERT_WEBHOOKS.flag() + " '" + url
            + "' must be an http:// or https:// URL like https://hooks.example.com/fleet (no spaces)");
      }
    }
  }

  private void requirePort(Setting<Integer> s) {
    int p = get(s);
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException(s.flag() + " must be a port between 0 and 65535, was " + p);
    }
  }

  private void requirePositive(Setting<?> s) {
    Object v = get(s);
    boolean ok = v instanceof Integer i ? i > 0 : v instanceof Duration d && !d.isNegative() && !d.isZero();
    if (!ok) {
      throw new IllegalArgumentException(s.flag() + " must be positive, was " + v);
    }
  }

  @Override
  public String toString() {
    Map<String, Object> shown = new HashMap<>();
    values.forEach((k, v) -> shown.put(k.name(), k == Settings.BROKER_PASSWORD || k == Settings.DATABASE_PASSWORD ? "***"
        : k == Settings.DATABASE_URL ? database().safeUrl() : v));
    return "ServerConfig" + shown;
  }
}
