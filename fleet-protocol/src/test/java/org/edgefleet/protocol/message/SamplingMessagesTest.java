package org.edgefleet.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The sampling policy in the desired state and the messages of the samples topic: round trips, old forms, hostile ones. */
class SamplingMessagesTest {

  static final Instant T = Instant.parse("2026-11-23T12:00:00Z");
  static final Map<String, Tensor> INPUTS = Map.of(
      "onnx::Flatten_0", Tensor.ofFloats(new long[] {1, 2, 2, 1}, new float[] {1, -2.5f, 3, 0}),
      "steps", Tensor.ofLongs(DType.INT64, new long[] {}, new long[] {Long.MAX_VALUE}));

  @Test
  void aPolicyRoundTripsInTheDesiredStateAndAStateWithoutOneMeansNoSampling() throws Exception {
    SamplingPolicy policy = new SamplingPolicy(0.05, 1 << 20, List.of("onnx::Flatten_0"), List.of());
    DesiredState d = new DesiredState("dev-1", 2, T, List.of(new ModelAssignment("m", 1, SlotRole.ACTIVE, ModelRolesTest.REF, false)
        .withSampling(policy)));
    DesiredState back = MessageCodec.decode(MessageCodec.encode(d), DesiredState.class, SignedDesiredState.MAX_BYTES);
    assertThat(back).isEqualTo(d);
    assertThat(back.models().get(0).sampling().keepsInput("onnx::Flatten_0")).isTrue();
    assertThat(back.models().get(0).sampling().keepsInput("steps")).isFalse();
    assertThat(back.models().get(0).sampling().keepsOutput("anything")).isFalse();
    assertThat(SamplingPolicy.all(1, 10).keepsOutput("anything")).isTrue();
    DesiredState none = new DesiredState("dev-1", 2, T, List.of(ModelRolesTest.in(1, SlotRole.ACTIVE)));
    assertThat(new String(MessageCodec.encode(none), StandardCharsets.UTF_8)).doesNotContain("sampling");
  }

  @Test
  void policiesOutsideTheirBoundsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> SamplingPolicy.all(Double.NaN, 10)).hasMessageContaining("sampling.rate");
    assertThatThrownBy(() -> SamplingPolicy.all(1.01, 10)).hasMessageContaining("sampling.rate");
    assertThatThrownBy(() -> SamplingPolicy.all(0.5, 0)).hasMessageContaining("sampling.dailyBytes");
    assertThatThrownBy(() -> SamplingPolicy.all(0.5, SamplingPolicy.MAX_DAILY_BYTES + 1)).hasMessageContaining("sampling.dailyBytes");
    assertThatThrownBy(() -> new SamplingPolicy(0.5, 10, List.of("a", "a"), null)).hasMessageContaining("twice");
    assertThatThrownBy(() -> new SamplingPolicy(0.5, 10, null, List.of("bad\u0000name"))).hasMessageContaining("control character");
    assertThatThrownBy(() -> new SamplingPolicy(0.5, 10, Collections.nCopies(300, "x"), null)).hasMessageContaining("at most 256");
  }

  @Test
  void samplesAndOutcomesRoundTripWithNdIntegerAndOddlyNamedTensors() throws Exception {
    SampleMessage s = SampleMessage.of("dev-1", "id-1", new SampleMessage.Sample("m", 3, "req-9", T, INPUTS,
        Map.of("dense/BiasAdd:0", Tensor.row(0.5f, 0.5f))));
    SampleMessage back = MessageCodec.decode(MessageCodec.encode(s), SampleMessage.class, SampleMessage.MAX_BYTES);
    assertThat(back).isEqualTo(s);
    assertThat(back.sample().inputs().get("steps").longs()).containsExactly(Long.MAX_VALUE);
    SampleMessage o = SampleMessage.of("dev-1", "id-2", new SampleMessage.Outcome("req-9", -1.25, T));
    assertThat(MessageCodec.decode(MessageCodec.encode(o), SampleMessage.class, SampleMessage.MAX_BYTES)).isEqualTo(o);
  }

  @Test
  void hostileSampleMessagesAreRefusedWithAReason() {
    assertThatThrownBy(() -> SampleMessage.of("dev-1", "", new SampleMessage.Outcome("r", 1, T))).hasMessageContaining("sample id");
    assertThatThrownBy(() -> SampleMessage.of("dev-1", "a b", new SampleMessage.Outcome("r", 1, T))).hasMessageContaining("sample id");
    assertThatThrownBy(() -> new SampleMessage(1, "dev-1", "x", null, null)).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> new SampleMessage.Outcome("r", Double.POSITIVE_INFINITY, T)).hasMessageContaining("finite");
    assertThatThrownBy(() -> new SampleMessage.Outcome("r\n", 1, T)).hasMessageContaining("request id");
    assertThatThrownBy(() -> new SampleMessage.Sample("m", 0, null, T, INPUTS, null)).hasMessageContaining("version");
    assertThatThrownBy(() -> new SampleMessage.Sample("m", 1, null, T, Map.of(), Map.of())).hasMessageContaining("1 to 64 tensors");
    String both = "{\"v\":1,\"deviceId\":\"dev-1\",\"id\":\"x\",\"outcome\":{\"requestId\":\"r\",\"value\":1,\"at\":\"2026-11-23T12:00:00Z\"},"
        + "\"sample\":{\"model\":\"m\",\"version\":1,\"takenAt\":\"2026-11-23T12:00:00Z\",\"inputs\":{\"a\":{\"dtype\":\"int64\","
        + "\"shape\":[1],\"data\":[1]}}}}";
    assertThatThrownBy(() -> decode(both)).isInstanceOfSatisfying(MessageException.class,
        e -> assertThat(e.reason()).isEqualTo(MessageException.Reason.INVALID));
    String lying = "{\"v\":1,\"deviceId\":\"dev-1\",\"id\":\"x\",\"sample\":{\"model\":\"m\",\"version\":1,\"takenAt\":"
        + "\"2026-11-23T12:00:00Z\",\"inputs\":{\"a\":{\"dtype\":\"float32\",\"shape\":[4294967296,4294967296],\"data\":[1]}}}}";
    assertThatThrownBy(() -> decode(lying)).isInstanceOf(MessageException.class);
    String nan = "{\"v\":1,\"deviceId\":\"dev-1\",\"id\":\"x\",\"outcome\":{\"requestId\":\"r\",\"value\":\"NaN\",\"at\":\"2026-11-23T12:00:00Z\"}}";
    assertThatThrownBy(() -> decode(nan)).isInstanceOf(MessageException.class);
    assertThatThrownBy(() -> MessageCodec.decode(new byte[SampleMessage.MAX_BYTES + 1], SampleMessage.class, SampleMessage.MAX_BYTES))
        .isInstanceOfSatisfying(MessageException.class, e -> assertThat(e.reason()).isEqualTo(MessageException.Reason.TOO_LARGE));
  }

  private static SampleMessage decode(String json) throws MessageException {
    return MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8), SampleMessage.class, SampleMessage.MAX_BYTES);
  }
}
