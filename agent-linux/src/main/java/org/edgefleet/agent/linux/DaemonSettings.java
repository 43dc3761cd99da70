package org.edgefleet.agent.linux;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.agent.AgentSettings;
import org.edgefleet.agent.localapi.LocalApiSettings;
import org.edgefleet.agent.transport.CoapOptions;
import org.edgefleet.agent.transport.MqttOptions;
import org.edgefleet.protocol.config.Setting;

/**
 * The daemon's own settings, beside the core's ({@link AgentSettings}) and the MQTT
 * transports' ({@link MqttOptions}, {@link CoapOptions}): together they are every key its config file may hold.
 */
public final class DaemonSettings {

  public static final Setting<List<Path>> TRUST_KEYS = Setting.listOf("trustKeys", Path.class, List.of(),
      "Public key files (KeyFiles JSON) the device trusts: the packagers' and at least one of the server's."
          + " Required unless keySet is given; not both.");
  public static final Setting<Path> KEY_SET = Setting.of("keySet", Path.class, null,
      "The fleet's signed root key set file (model-packager keyset create/sign): its packager and server keys are"
          + " trusted, and newer key sets its root keys sign replace it. Instead of trustKeys.");
  public static final Setting<List<String>> REVOKED_KEYS = Setting.listOf("revokedKeys", String.class, List.of(),
      "Key ids refused even if a trusted key file holds them.");
  public static final Setting<Boolean> OUTBOX_SYNC_EVERY_COMMIT = Setting.of("outboxSyncEveryCommit", Boolean.class, true,
      "Whether the SQLite outbox syncs to disk on every commit (off: faster, but a power cut may lose the last messages).");

  public static final Setting<String> ENROLL_URL = Setting.of("enrollUrl", String.class, null,
      "The fleet server's REST API (http://host:8080): set, the agent enrolls for a device certificate (dataDir/identity) when it has"
          + " none, renews it when a third of its validity is left, and connects to an ssl:// brokerUrl with it.");
  public static final Setting<String> ENROLL_TOKEN = Setting.of("enrollToken", String.class, null,
      "The enrollment token an operator issued (POST /api/v1/enrollment-tokens); needed until the device holds its certificate.");

  public static final Setting<String> TRANSPORT = Setting.of("transport", String.class, "mqtt",
      "How the agent reaches the fleet server: mqtt (brokerUrl) or coap (coapServerUrl; for devices that cannot hold an MQTT session, docs/coap.md).");

  public static final Setting<LocalApiSettings> LOCAL_API = Setting.of("localApi", LocalApiSettings.class, null,
      "The local inference endpoint for the device's other processes, a block of its own keys (docs/local-api.md); absent: off.");

  public static final List<Setting<?>> OWN = List.of(TRUST_KEYS, KEY_SET, REVOKED_KEYS, OUTBOX_SYNC_EVERY_COMMIT, ENROLL_URL, ENROLL_TOKEN,
      TRANSPORT, LOCAL_API);

  /** Every key of the config file. */
  public static final List<Setting<?>> ALL = all();

  private DaemonSettings() {}

  private static List<Setting<?>> all() {
    List<Setting<?>> all = new ArrayList<>(AgentSettings.ALL);
    all.addAll(MqttOptions.ALL);
    all.addAll(CoapOptions.ALL);
    all.addAll(OWN);
    return List.copyOf(all);
  }
}
