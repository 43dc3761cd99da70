package org.edgefleet.agent.linux;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.edgefleet.agent.AgentSettings;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.EdgeAgentBuilder;
import org.edgefleet.agent.localapi.LocalApiSettings;
import org.edgefleet.protocol.config.NearestName;
import org.edgefleet.protocol.config.Setting;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.KeySetException;
import org.edgefleet.protocol.trust.KeySetFiles;
import org.edgefleet.protocol.trust.SignedKeySet;
import org.edgefleet.protocol.trust.TrustStore;

/**
 * The daemon's JSON config file: one key per setting of {@link DaemonSettings#ALL}. Strict, so
 * that a typo cannot pass for a default: an unknown key is refused with the nearest valid one, a
 * value of the wrong type is refused with what to write, durations are written one way
 * ({@code "30s"}), and {@code deviceId}, {@code dataDir} and one of {@code keySet} (the fleet's
 * signed root key set) and {@code trustKeys} (fixed key files, with a server key among them) are required. Relative paths are resolved against the config file's
 * directory, never the working directory. Every key is described in docs/agent.md, those of the
 * {@code localApi} block (the local inference endpoint, off when absent) in docs/local-api.md.
 */
public final class DaemonConfig {

  private static final int MAX_CONFIG_BYTES = 256 * 1024;
  private static final Map<String, Setting<?>> BY_NAME = byName(DaemonSettings.ALL);
  private static final Map<String, Setting<?>> LOCAL_API_BY_NAME = byName(LocalApiSettings.ALL);

  private final Path file;
  private final Map<Setting<?>, Object> values;

  private DaemonConfig(Path file, Map<Setting<?>, Object> values) {
    this.file = file;
    this.values = Map.copyOf(values);
  }

  public static DaemonConfig read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("agent config " + file.toAbsolutePath() + " does not exist");
    }
    if (Files.size(file) > MAX_CONFIG_BYTES) {
      throw new IOException(file + " is larger than " + MAX_CONFIG_BYTES + " bytes: not an agent config");
    }
    JsonNode root;
    try {
      root = Json.mapper().readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not a valid agent config (JSON): " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException(file + " is not a valid agent config: expected a JSON object of settings");
    }
    Path base = file.toAbsolutePath().getParent();
    Map<Setting<?>, Object> values = keys(file, root, "", BY_NAME, "docs/agent.md", base);
    DaemonConfig c = new DaemonConfig(file, values);
    boolean fixedKeys = !c.get(DaemonSettings.TRUST_KEYS).isEmpty();
    boolean keySet = values.containsKey(DaemonSettings.KEY_SET);
    if (fixedKeys && keySet) {
      throw new IOException(file + ": keySet and trustKeys both given; keep one: keySet (the fleet's signed key set file)"
          + " or trustKeys (the packager and server public key files)");
    }
    List<String> missing = new ArrayList<>(List.of(AgentSettings.DEVICE_ID, AgentSettings.DATA_DIR).stream()
        .filter(s -> !values.containsKey(s)).map(Setting::name).toList());
    if (!fixedKeys && !keySet) {
      missing.add(DaemonSettings.TRUST_KEYS.name());
    }
    if (!missing.isEmpty()) {
      throw new IOException(file + ": " + String.join(", ", missing) + " required (deviceId, dataDir, and trustKeys:"
          + " the packager and server public key files, or keySet: the fleet's signed key set file)");
    }
    return c;
  }

  /** The settings an object of {@code byName}'s keys holds, each read as its type; a null value is absent. */
  private static Map<Setting<?>, Object> keys(Path file, JsonNode object, String prefix,
      Map<String, Setting<?>> byName, String doc, Path base) throws IOException {
    Map<Setting<?>, Object> values = new HashMap<>();
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      Setting<?> setting = byName.get(field.getKey());
      if (setting == null) {
        throw new IOException(file + ": " + unknownKey(prefix, field.getKey(), byName.keySet(), doc));
      }
      if (field.getValue().isNull()) {
        continue;
      }
      if (setting == DaemonSettings.LOCAL_API) {
        values.put(setting, localApi(file, field.getValue(), base));
        continue;
      }
      try {
        values.put(setting, JsonSettings.value(setting, field.getValue(), base));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": " + prefix + e.getMessage(), e);
      }
    }
    return values;
  }

  /** The {@code localApi} block: strict like the rest of the file, its keys those of {@link LocalApiSettings#ALL}. */
  private static LocalApiSettings localApi(Path file, JsonNode block, Path base) throws IOException {
    String prefix = DaemonSettings.LOCAL_API.name() + ".";
    if (!block.isObject()) {
      throw new IOException(file + ": " + DaemonSettings.LOCAL_API.name()
          + " must be an object of the endpoint's settings, e.g. {\"unixSocket\": \"/run/edgefleet/agent.sock\"}");
    }
    try {
      return LocalApiSettings.of(keys(file, block, prefix, LOCAL_API_BY_NAME, "docs/local-api.md", base));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private static String unknownKey(String prefix, String key, Set<String> valid, String doc) {
    String shown = key.length() > 64 ? key.substring(0, 64) + "..." : key;
    Optional<String> nearest = NearestName.of(key, valid);
    return "unknown key '" + prefix + shown + "'" + nearest.map(n -> "; did you mean '" + prefix + n + "'?").orElse("")
        + " (every key is listed in " + doc + ")";
  }

  /** The value of {@code setting} in the file, or its default. */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return values.containsKey(setting) ? (T) values.get(setting) : setting.defaultValue();
  }

  public String deviceId() {
    return get(AgentSettings.DEVICE_ID);
  }

  /** The local inference endpoint's settings, if the file turns it on. */
  public Optional<LocalApiSettings> localApi() {
    return Optional.ofNullable(get(DaemonSettings.LOCAL_API));
  }

  public Path dataDir() {
    return get(AgentSettings.DATA_DIR);
  }

  public Path effectiveNativeDir() {
    Path dir = get(AgentSettings.NATIVE_DIR);
    return dir != null ? dir : dataDir().resolve("native");
  }

  /**
   * The trusted keys, of which at least one must be a server key: without one the agent would
   * refuse every desired state, so it is a config error and not a quiet device.
   */
  public TrustStore trustStore() throws IOException {
    List<Path> keys = get(DaemonSettings.TRUST_KEYS);
    for (Path key : keys) {
      if (!Files.isRegularFile(key)) {
        throw new IOException("trust key file " + key + " does not exist (trustKeys in " + file + ")");
      }
    }
    TrustStore.Builder b = KeyFiles.trustStore(keys).toBuilder();
    get(DaemonSettings.REVOKED_KEYS).forEach(b::revoke);
    TrustStore trust = b.build();
    boolean serverKey = trust.keys().stream()
        .anyMatch(k -> k.role() == KeyRole.SERVER && !trust.isRevoked(k.keyId()));
    if (!serverKey) {
      throw new IOException(file + ": trustKeys hold no server key that is not revoked; add the fleet server's"
          + " public key file (keys/server.pub.json in its data dir), or the agent would refuse every desired state");
    }
    return trust;
  }

  /** The fleet's signed root key set file, read and checked; or none when the file names fixed {@code trustKeys}. */
  public Optional<SignedKeySet> keySet() throws IOException {
    Path path = get(DaemonSettings.KEY_SET);
    if (path == null) {
      return Optional.empty();
    }
    if (!Files.isRegularFile(path)) {
      throw new IOException("key set file " + path + " does not exist (keySet in " + file + ")");
    }
    try {
      return Optional.of(KeySetFiles.read(path));
    } catch (KeySetException e) {
      throw new IOException("keySet in " + file + " (" + e.reason() + "): " + e.getMessage(), e);
    }
  }

  /** An agent builder with every setting of this file; the caller adds the transport and outbox. */
  public EdgeAgentBuilder toBuilder() throws IOException {
    EdgeAgentBuilder b = EdgeAgent.builder();
    Optional<SignedKeySet> keySet = keySet();
    if (keySet.isPresent()) {
      b.keySet(keySet.get());
    } else {
      b.trust(trustStore());
    }
    values.forEach((setting, value) -> set(b, setting, value));
    return b;
  }

  @SuppressWarnings("unchecked")
  private static <T> void set(EdgeAgentBuilder b, Setting<T> setting, Object value) {
    if (!DaemonSettings.OWN.contains(setting)) {
      b.set(setting, (T) value);
    }
  }

  private static Map<String, Setting<?>> byName(List<Setting<?>> settings) {
    Map<String, Setting<?>> map = new HashMap<>();
    for (Setting<?> s : settings) {
      if (map.put(s.name(), s) != null) {
        throw new IllegalStateException("two settings are named " + s.name());
      }
    }
    return Map.copyOf(map);
  }
}
