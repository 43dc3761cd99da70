package org.edgefleet.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.edgefleet.protocol.message.MessageException.Reason;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

  static final Instant T = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void telemetryRoundTripsWithItsHistogram() throws Exception {
    Histogram h = LatencyHistograms.newHistogram();
    for (int i = 1; i <= 1000; i++) {
      h.recordValue(i);
    }
    TelemetryBatch batch = new TelemetryBatch(1, "dev-1", 7, T, T.plusSeconds(10),
        List.of(new TelemetryBatch.ModelMetrics("m", 2, 1000, 3, LatencyHistograms.encode(h))),
        new TelemetryBatch.ResourceUsage(0.5, 1L << 20, 1L << 19, null), Map.of("outboxDropped", 3L));
    TelemetryBatch back = MessageCodec.decode(MessageCodec.encode(batch), TelemetryBatch.class, TelemetryBatch.MAX_BYTES);
    assertThat(back).isEqualTo(batch);
    Histogram decoded = LatencyHistograms.decode(back.models().get(0).latencyMicros());
    assertThat(decoded.getTotalCount()).isEqualTo(1000);
    assertThat(decoded.getValueAtPercentile(50)).isBetween(495L, 505L);
  }

  @Test
  void reportedAndEventsRoundTrip() throws Exception {
    ReportedState r = new ReportedState(1, "dev-1", "0.1.0", Map.of("hw", "rpi4"), 3,
        List.of(new ReportedState.ModelStatus("m", 2, "a", List.of(new ReportedState.SlotStatus("a", 2, "ab")), "idle")),
        null, T);
    assertThat(MessageCodec.decode(MessageCodec.encode(r), ReportedState.class, ReportedState.MAX_BYTES)).isEqualTo(r);
    ReportedState withCapabilities = new ReportedState(1, "dev-1", "0.2.0", Map.of(), 3, List.of(), null, T,
        new ReportedState.Capabilities("linux-aarch64", List.of("onnx", "tflite"), 1L << 30, 5_000_000L));
    assertThat(MessageCodec.decode(MessageCodec.encode(withCapabilities), ReportedState.class, ReportedState.MAX_BYTES))
        .isEqualTo(withCapabilities);
    // A format this build has never heard of is kept as text, not a reason to refuse the whole report.
    String newer = "{\"v\":1,\"deviceId\":\"dev-1\",\"agentVersion\":\"9.0.0\",\"appliedRevision\":0,\"time\":\"2026-11-23T12:00:00Z\","
        + "\"capabilities\":{\"arch\":\"linux-riscv64\",\"formats\":[\"onnx\",\"tensorrt\"]}}";
    assertThat(MessageCodec.decode(newer.getBytes(StandardCharsets.UTF_8), ReportedState.class, ReportedState.MAX_BYTES)
        .capabilities().formats()).containsExactly("onnx", "tensorrt");
    // The trusted key set's version travels; absent means unknown, and a version below 1 is no version.
    ReportedState withKeySet = new ReportedState(1, "dev-1", "0.3.0", Map.of(), 3, List.of(), null, T, null, 4L);
    assertThat(MessageCodec.decode(MessageCodec.encode(withKeySet), ReportedState.class, ReportedState.MAX_BYTES)
        .keySetVersion()).isEqualTo(4L);
    assertThat(MessageCodec.decode(newer.getBytes(StandardCharsets.UTF_8), ReportedState.class, ReportedState.MAX_BYTES)
        .keySetVersion()).isNull();
    String zero = newer.replace("\"capabilities\"", "\"keySetVersion\":0,\"capabilities\"");
    assertThatThrownBy(() -> MessageCodec.decode(zero.getBytes(StandardCharsets.UTF_8), ReportedState.class, ReportedState.MAX_BYTES))
        .isInstanceOf(MessageException.class).hasMessageContaining("keySetVersion must be at least 1");
    DeviceEvent e = new DeviceEvent(1, "dev-1", 4, T, "m", 2, DeviceEvent.Execution.SELF_TEST,
        DeviceEvent.Result.FAILURE, "TEST_VECTOR_FAILED", "output 0 differs by 0.3");
    String json = new String(MessageCodec.encode(e), StandardCharsets.UTF_8);
    assertThat(json).contains("\"execution\":\"self_test\"", "\"result\":\"failure\"");
    assertThat(MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8), DeviceEvent.class, DeviceEvent.MAX_BYTES)).isEqualTo(e);
  }

  @Test
  void hostileJsonIsRefusedWithAReason() {
    assertReason("", Reason.MALFORMED);
    assertReason("{not json", Reason.MALFORMED);
    assertReason("[1,2]", Reason.MALFORMED);
    assertReason("{\"v\":1} trailing", Reason.MALFORMED);
    assertReason("{\"deviceId\":\"dev-1\"}", Reason.INVALID);
    assertReason("{\"v\":\"one\"}", Reason.INVALID);
    assertReason("{\"v\":2,\"deviceId\":\"dev-1\"}", Reason.UNSUPPORTED_VERSION);
    assertReason("{\"v\":1,\"deviceId\":\"dev/../x\",\"seq\":1,\"from\":\"2026-11-23T12:00:00Z\",\"to\":\"2026-11-23T12:00:00Z\"}", Reason.INVALID);
    assertReason("{\"v\":1,\"deviceId\":\"d\",\"seq\":1,\"from\":\"yesterday\",\"to\":\"2026-11-23T12:00:00Z\"}", Reason.INVALID);
    assertReason("{\"v\":1,\"deviceId\":\"d\",\"seq\":-1,\"from\":\"2026-11-23T12:00:00Z\",\"to\":\"2026-11-23T12:00:00Z\"}", Reason.INVALID);
    assertReason("[".repeat(10_000), Reason.MALFORMED);
  }

  @Test
  void oversizedIsRefusedBeforeParsing() {
    byte[] big = ("{\"v\":1,\"pad\":\"" + "x".repeat(TelemetryBatch.MAX_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> MessageCodec.decode(big, TelemetryBatch.class, TelemetryBatch.MAX_BYTES))
        .isInstanceOfSatisfying(MessageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
  }

  @Test
  void hostileHistogramsAreRefused() {
    assertThatThrownBy(() -> LatencyHistograms.decode("not base64!")).isInstanceOf(MessageException.class);
    assertThatThrownBy(() -> LatencyHistograms.decode("AAAA")).isInstanceOf(MessageException.class);
    Histogram huge = new Histogram(1, Long.MAX_VALUE / 4, 3);
    huge.recordValue(5);
    assertThatThrownBy(() -> LatencyHistograms.decode(LatencyHistograms.encode(huge))).isInstanceOf(MessageException.class);
  }

  @Test
  void signedDesiredStateVerifiesOnlyWithTheServerKey() throws Exception {
    SigningKey server = SigningKey.generate(KeyRole.SERVER);
    DesiredState state = new DesiredState("dev-1", 5, T, List.of());
    SignedDesiredState signed = SignedDesiredState.sign(state, server);
    byte[] wire = MessageCodec.encode(signed);
    SignedDesiredState received = MessageCodec.decode(wire, SignedDesiredState.class, SignedDesiredState.MAX_BYTES);
    assertThat(received.open(TrustStore.of(server.publicKey()))).isEqualTo(state);

    SigningKey other = SigningKey.generate(KeyRole.SERVER);
    assertThatThrownBy(() -> received.open(TrustStore.of(other.publicKey())))
        .isInstanceOfSatisfying(MessageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    SignedDesiredState tampered = new SignedDesiredState(1, signed.keyId(),
        signed.payload().replace("\"revision\":5", "\"revision\":6"), signed.signature());
    assertThatThrownBy(() -> tampered.open(TrustStore.of(server.publicKey())))
        .isInstanceOfSatisfying(MessageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
    assertThatThrownBy(() -> SignedDesiredState.sign(state, packager)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertReason(String json, Reason reason) {
    assertThatThrownBy(() -> MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8), TelemetryBatch.class, TelemetryBatch.MAX_BYTES))
        .as(json.length() > 80 ? json.substring(0, 80) : json)
        .isInstanceOfSatisfying(MessageException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
