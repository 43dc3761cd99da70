package org.edgefleet.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.serving.ShadowRunner;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.config.Setting;
import org.edgefleet.protocol.message.HealthGates;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * Every setting of the agent's core, with its default and one line of documentation (listed in
 * docs/agent.md). The name is the key in the daemon's config file. Transports, engines and
 * platforms list their own settings beside their code (the MQTT transport's broker URL, say);
 * none of theirs are here.
 */
public final class AgentSettings {

  public static final Setting<String> DEVICE_ID = Setting.of("deviceId", String.class, null,
      "The device's identity: its topic subtree, and the MQTT client id and user name. Required.");
  public static final Setting<Path> DATA_DIR = Setting.of("dataDir", Path.class, null,
      "Everything the agent keeps: slots, chunks, outbox, transport session, state files. Required.");
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static final Setting<Map<String, String>> LABELS = new Setting<>("labels", Map.class, String.class, (Map) Map.of(),
      "Hardware and placement labels reported to the server for cohort selection.");
  public static final Setting<String> TOPIC_PREFIX = Setting.of("topicPrefix", String.class, Topics.DEFAULT_PREFIX,
      "First topic levels of the fleet's tree; the server's topic-prefix.");
  public static final Setting<Duration> TELEMETRY_INTERVAL = Setting.of("telemetryInterval", Duration.class,
      Duration.ofSeconds(10), "How often a telemetry batch goes into the outbox.");
  public static final Setting<Integer> OUTBOX_BOUND = Setting.of("outboxBound", Integer.class, 10_000,
      "Most messages the outbox keeps; the oldest are dropped (and counted) beyond it.");
  public static final Setting<Duration> RECONNECT_BASE = Setting.of("reconnectBase", Duration.class, Duration.ofSeconds(1),
      "First delay ceiling of reconnects and of retries of updates the disk refused (exponential backoff, full jitter).");
  public static final Setting<Duration> RECONNECT_MAX = Setting.of("reconnectMax", Duration.class, Duration.ofSeconds(60),
      "Largest delay ceiling of reconnects and retries.");
  public static final Setting<Integer> CHUNK_WINDOW = Setting.of("chunkWindow", Integer.class, 8,
      "Bundle chunks requested and not yet received, at most.");
  public static final Setting<Duration> CHUNK_TIMEOUT = Setting.of("chunkTimeout", Duration.class, Duration.ofSeconds(5),
      "Wait for a requested chunk before requesting it again.");
  public static final Setting<Long> MAX_BUNDLE_BYTES = Setting.of("maxBundleBytes", Long.class,
      BundleLimits.DEFAULT.maxBundleBytes(), "Largest bundle the device accepts, in bytes (reported to the server).");
  public static final Setting<Integer> INFERENCE_THREADS = Setting.of("inferenceThreads", Integer.class, 1,
      "Threads an inference engine uses per model session.");
  public static final Setting<Path> NATIVE_DIR = Setting.of("nativeDir", Path.class, null,
      "Where inference engines unpack their native libraries; default dataDir/native.");

  public static final Setting<Duration> HEALTH_WINDOW = Setting.of("healthWindow", Duration.class,
      Duration.ofSeconds(HealthGates.DEFAULT.windowSeconds()),
      "How long a newly activated version is watched (and rolled back locally when it fails) unless the desired state says.");
  public static final Setting<Integer> SHADOW_QUEUE = Setting.of("shadowQueue", Integer.class, ShadowRunner.DEFAULT_QUEUE,
      "Shadow runs waiting, at most; beyond it they are skipped and counted, never waited for.");

  public static final List<Setting<?>> ALL = List.of(DEVICE_ID, DATA_DIR, LABELS, TOPIC_PREFIX, TELEMETRY_INTERVAL,
      OUTBOX_BOUND, RECONNECT_BASE, RECONNECT_MAX, CHUNK_WINDOW, CHUNK_TIMEOUT, MAX_BUNDLE_BYTES, INFERENCE_THREADS,
      NATIVE_DIR, HEALTH_WINDOW, SHADOW_QUEUE);

  private AgentSettings() {}
}
