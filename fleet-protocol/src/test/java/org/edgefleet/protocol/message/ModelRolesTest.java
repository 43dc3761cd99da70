package org.edgefleet.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Roles and health gates in the desired state, shadow and outcome metrics in telemetry: old forms parse, bad ones name the field. */
class ModelRolesTest {

  static final Instant T = Instant.parse("2026-11-23T12:00:00Z");
  static final BundleRef REF = new BundleRef("ab".repeat(32), 10, 10, List.of("cd".repeat(32)));

  static ModelAssignment in(int version, SlotRole role) {
    return new ModelAssignment("m", version, role, REF, false);
  }

  @Test
  void everyRoleAndTheGatesRoundTrip() throws Exception {
    DesiredState d = new DesiredState("dev-1", 3, T, T.plus(DesiredState.DEFAULT_VALIDITY),
        List.of(in(1, SlotRole.ACTIVE), ModelAssignment.arm("m", 2, REF, 0.25),
        new ModelAssignment("n", 4, SlotRole.CANDIDATE, REF, false)), new HealthGates(60, 10, 0.1, 1, 0.0, 1.5));
    DesiredState back = MessageCodec.decode(MessageCodec.encode(d), DesiredState.class, SignedDesiredState.MAX_BYTES);
    assertThat(back).isEqualTo(d);
    assertThat(new String(MessageCodec.encode(d), StandardCharsets.UTF_8)).contains("\"role\":\"arm\"", "\"share\":0.25",
        "\"role\":\"candidate\"", "\"windowSeconds\":60");
  }

  @Test
  void aDesiredStateFromBeforeRolesStillParses() throws Exception {
    String old = "{\"v\":1,\"deviceId\":\"dev-1\",\"revision\":2,\"issuedAt\":\"2026-11-23T12:00:00Z\","
        + "\"expiresAt\":\"2026-11-24T12:00:00Z\",\"models\":[{\"name\":\"m\","
        + "\"version\":1,\"role\":\"active\",\"allowRollback\":false,\"bundle\":{\"digest\":\"" + "ab".repeat(32)
        + "\",\"size\":10,\"chunkSize\":10,\"chunkHashes\":[\"" + "cd".repeat(32) + "\"]}}]}";
    DesiredState d = MessageCodec.decode(old.getBytes(StandardCharsets.UTF_8), DesiredState.class, SignedDesiredState.MAX_BYTES);
    assertThat(d.health()).isNull();
    assertThat(d.models().get(0).share()).isNull();
    assertThat(d.models().get(0).role()).isEqualTo(SlotRole.ACTIVE);
    assertThat(d.models().get(0).recordOutcomes()).isFalse();
  }

  @Test
  void outcomesRecordedByTheActiveVersionRoundTripAndAreLeftOutWhenFalse() throws Exception {
    DesiredState d = new DesiredState("dev-1", 3, T, List.of(in(2, SlotRole.ACTIVE).recordingOutcomes(), in(5, SlotRole.CANDIDATE)));
    String wire = new String(MessageCodec.encode(d), StandardCharsets.UTF_8);
    assertThat(wire).containsOnlyOnce("\"recordOutcomes\":true");
    DesiredState back = MessageCodec.decode(MessageCodec.encode(d), DesiredState.class, SignedDesiredState.MAX_BYTES);
    assertThat(back).isEqualTo(d);
    assertThat(back.models().get(0).recordOutcomes()).isTrue();
    assertThat(back.models().get(0).withSampling(null).recordOutcomes()).as("kept by withSampling").isTrue();
    assertThat(back.models().get(1).recordOutcomes()).isFalse();
    // An agent from before the field sees exactly what it saw: false is not written at all.
    assertThat(new String(MessageCodec.encode(in(1, SlotRole.ACTIVE)), StandardCharsets.UTF_8)).doesNotContain("recordOutcomes");
  }

  @Test
  void outcomesRecordedByAnythingButAnActiveVersionOrNotABooleanAreRefused() {
    assertThatThrownBy(() -> in(2, SlotRole.SHADOW).recordingOutcomes()).hasMessageContaining("only an active version");
    assertThatThrownBy(() -> in(2, SlotRole.CANDIDATE).recordingOutcomes()).hasMessageContaining("only an active version");
    assertThatThrownBy(() -> ModelAssignment.arm("m", 2, REF, 0.5).recordingOutcomes()).hasMessageContaining("share of the requests");
    for (String bad : List.of("\"yes\"", "\"true\"", "1", "[]", "{}")) {
      String json = "{\"v\":1,\"deviceId\":\"dev-1\",\"revision\":2,\"issuedAt\":\"2026-11-23T12:00:00Z\","
          + "\"expiresAt\":\"2026-11-24T12:00:00Z\",\"models\":[{\"name\":\"m\",\"version\":1,\"role\":\"active\","
          + "\"allowRollback\":false,\"recordOutcomes\":" + bad + ",\"bundle\":{\"digest\":\"" + "ab".repeat(32)
          + "\",\"size\":10,\"chunkSize\":10,\"chunkHashes\":[\"" + "cd".repeat(32) + "\"]}}]}";
      assertThatThrownBy(() -> MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8), DesiredState.class,
          SignedDesiredState.MAX_BYTES)).as(bad).isInstanceOf(MessageException.class);
    }
  }

  @Test
  void rolesThatADeviceCannotHoldAreRefusedWithTheReason() {
    assertThatThrownBy(() -> new ModelAssignment("m", 2, SlotRole.ARM, REF, false)).hasMessageContaining("share");
    assertThatThrownBy(() -> ModelAssignment.arm("m", 2, REF, 1.0)).hasMessageContaining("below 1");
    assertThatThrownBy(() -> ModelAssignment.arm("m", 2, REF, Double.NaN)).hasMessageContaining("share");
    assertThatThrownBy(() -> new ModelAssignment("m", 2, SlotRole.SHADOW, REF, false, 0.5)).hasMessageContaining("only an arm");
    assertThatThrownBy(() -> new DesiredState("dev-1", 1, T, List.of(in(1, SlotRole.ACTIVE), in(2, SlotRole.SHADOW),
        in(3, SlotRole.CANDIDATE)))).hasMessageContaining("two slots");
    assertThatThrownBy(() -> new DesiredState("dev-1", 1, T, List.of(in(2, SlotRole.SHADOW)))).hasMessageContaining("no active");
    assertThatThrownBy(() -> new DesiredState("dev-1", 1, T, List.of(in(2, SlotRole.ACTIVE), in(2, SlotRole.SHADOW))))
        .hasMessageContaining("both active and shadow");
    assertThat(new DesiredState("dev-1", 1, T, List.of(in(2, SlotRole.CANDIDATE))).models()).hasSize(1);
    assertThatThrownBy(() -> MessageCodec.decode(("{\"v\":1,\"deviceId\":\"d\",\"revision\":1,\"issuedAt\":\"2026-11-23T12:00:00Z\","
        + "\"models\":[{\"name\":\"m\",\"version\":1,\"role\":\"primary\",\"allowRollback\":false}]}").getBytes(StandardCharsets.UTF_8),
        DesiredState.class, SignedDesiredState.MAX_BYTES)).isInstanceOf(MessageException.class);
  }

  @Test
  void gatesOutOfRangeNameTheirField() {
    assertThatThrownBy(() -> new HealthGates(0, 10, 0.1, 0, 0, 2)).hasMessageContaining("health.windowSeconds");
    assertThatThrownBy(() -> new HealthGates(60, 0, 0.1, 0, 0, 2)).hasMessageContaining("health.minCalls");
    assertThatThrownBy(() -> new HealthGates(60, 10, 1.5, 0, 0, 2)).hasMessageContaining("health.maxErrorRate");
    assertThatThrownBy(() -> new HealthGates(60, 10, 0.1, -1, 0, 2)).hasMessageContaining("health.maxCrashes");
    assertThatThrownBy(() -> new HealthGates(60, 10, 0.1, 0, Double.NaN, 2)).hasMessageContaining("maxInvalidRate");
    assertThatThrownBy(() -> new HealthGates(60, 10, 0.1, 0, 0, 0.5)).hasMessageContaining("health.maxLatencyRatio");
  }

  @Test
  void shadowAndOutcomeMetricsRoundTripAndHostileOnesAreRefused() throws Exception {
    TelemetryBatch b = new TelemetryBatch(1, "dev-1", 1, T, T.plusSeconds(10), List.of(
        new TelemetryBatch.ModelMetrics("m", 2, 10, 0, null,
            new TelemetryBatch.ShadowComparison(1, 2, 10, 7, Map.of("label", 0.25)), null),
        new TelemetryBatch.ModelMetrics("m", 1, 10, 0, null, null, new TelemetryBatch.Outcomes(4, 2.0, 1.5))), null, Map.of());
    assertThat(MessageCodec.decode(MessageCodec.encode(b), TelemetryBatch.class, TelemetryBatch.MAX_BYTES)).isEqualTo(b);
    assertThatThrownBy(() -> new TelemetryBatch.ShadowComparison(1, 0, 1, 2, null)).hasMessageContaining("top1Agreed");
    assertThatThrownBy(() -> new TelemetryBatch.ShadowComparison(0, 0, 1, 1, null)).hasMessageContaining("activeVersion");
    assertThatThrownBy(() -> new TelemetryBatch.ShadowComparison(1, 0, 1, 1, Map.of("o", Double.POSITIVE_INFINITY)))
        .hasMessageContaining("meanAbsDiff");
    assertThatThrownBy(() -> new TelemetryBatch.Outcomes(0, 0, 0)).hasMessageContaining("count");
    assertThatThrownBy(() -> new TelemetryBatch.Outcomes(2, 1, -1)).hasMessageContaining("sumSquares");
  }
}
