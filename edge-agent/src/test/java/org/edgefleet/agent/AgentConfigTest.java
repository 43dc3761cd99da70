package org.edgefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.edgefleet.protocol.config.Setting;
import org.edgefleet.protocol.runtime.Platform;
import org.junit.jupiter.api.Test;

/** The core's settings: defaults, a part's setting carried through, and refusals that name the setting. */
class AgentConfigTest {

  static final Setting<Integer> PART_SETTING = Setting.of("somePartSetting", Integer.class, 7, "A setting of a plugged-in part.");

  private static AgentConfig config(Map<Setting<?>, Object> extra) {
    Map<Setting<?>, Object> values = new HashMap<>(Map.of(AgentSettings.DEVICE_ID, "dev-1", AgentSettings.DATA_DIR, Path.of("data")));
    values.putAll(extra);
    return new AgentConfig(values, EdgeAgent.VERSION, Platform.current());
  }

  @Test
  void unsetSettingsTakeTheirDefaults() {
    AgentConfig c = config(Map.of());
    assertThat(c.telemetryInterval()).isEqualTo(AgentSettings.TELEMETRY_INTERVAL.defaultValue());
    assertThat(c.nativeDir()).isEqualTo(Path.of("data", "native"));
    assertThat(c.bundleLimits().maxBundleBytes()).isEqualTo(AgentSettings.MAX_BUNDLE_BYTES.defaultValue());
    assertThat(c.get(PART_SETTING)).isEqualTo(7);
  }

  @Test
  void aPartsSettingIsCarriedForThePart() {
    AgentConfig c = config(Map.of(PART_SETTING, 42, AgentSettings.MAX_BUNDLE_BYTES, 1000L));
    assertThat(c.get(PART_SETTING)).isEqualTo(42);
    assertThat(c.bundleLimits().maxBundleBytes()).isEqualTo(1000L);
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> config(Map.of(AgentSettings.CHUNK_WINDOW, 0))).hasMessageContaining("chunkWindow must be 1..64");
    assertThatThrownBy(() -> config(Map.of(AgentSettings.CHUNK_WINDOW, 65))).hasMessageContaining("chunkWindow");
    assertThatThrownBy(() -> config(Map.of(AgentSettings.OUTBOX_BOUND, -1))).hasMessageContaining("outboxBound");
    assertThatThrownBy(() -> config(Map.of(AgentSettings.TELEMETRY_INTERVAL, Duration.ZERO)))
        .hasMessageContaining("telemetryInterval must be a positive duration");
    assertThatThrownBy(() -> config(Map.of(AgentSettings.RECONNECT_BASE, Duration.ofSeconds(10), AgentSettings.RECONNECT_MAX,
        Duration.ofSeconds(1)))).hasMessageContaining("reconnectMax").hasMessageContaining("reconnectBase");
    assertThatThrownBy(() -> config(Map.of(AgentSettings.MAX_BUNDLE_BYTES, 0L))).hasMessageContaining("maxBundleBytes");
    assertThatThrownBy(() -> config(Map.of(AgentSettings.TOPIC_PREFIX, "fleet/#"))).hasMessageContaining("fleet/#");
    assertThatThrownBy(() -> config(Map.of(AgentSettings.DEVICE_ID, "a/b"))).isInstanceOf(IllegalArgumentException.class);
    Map<Setting<?>, Object> noDir = new HashMap<>(Map.of(AgentSettings.DEVICE_ID, "dev-1"));
    assertThatThrownBy(() -> new AgentConfig(noDir, EdgeAgent.VERSION, Platform.current())).hasMessageContaining("dataDir must be set");
  }

  @Test
  void theBuilderRefusesAValueOfTheWrongTypeAndMissingParts() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    Setting<Object> untyped = (Setting) AgentSettings.CHUNK_WINDOW;
    assertThatThrownBy(() -> EdgeAgent.builder().set(untyped, "8")).hasMessageContaining("chunkWindow must be a Integer");
    assertThatThrownBy(() -> EdgeAgent.builder().deviceId("d").dataDir(Path.of("x")).build()).hasMessageContaining("trust must be set");
  }
}
