package org.edgefleet.agent.android.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * What of the TFLite Android engine runs on this x86-64 Linux JVM: the tensor conversion, and the
 * engine's refusal, as "unsupported", when the interpreter's natives cannot load. TFLite's Android
 * natives are built for bionic (Android's C library) and cannot load here, so no inference result
 * of this engine is checked on this machine; on a device or emulator the same code runs them.
 */
public class TfliteAndroidEngineTest {

  @Rule public TemporaryFolder dir = new TemporaryFolder();

  @Test
  public void convertsEveryDtypeBothWays() {
    long[] shape = {2, 2};
    Tensor floats = Tensor.ofFloats(shape, new float[] {1.5f, -2f, 0f, 3.25f});
    assertThat(roundTrip(floats)).isEqualTo(floats);
    for (DType d : new DType[] {DType.INT32, DType.INT64, DType.INT8, DType.UINT8, DType.BOOL}) {
      long[] values = d == DType.BOOL ? new long[] {0, 1, 1, 0} : d == DType.UINT8 ? new long[] {0, 255, 7, 128}
          : new long[] {-128, 127, 0, -1};
      Tensor t = Tensor.ofLongs(d, shape, values);
      assertThat(roundTrip(t)).as(d.wireName()).isEqualTo(t);
    }
    assertThat(TfliteBuffers.toBuffer(floats).capacity()).isEqualTo(16);
  }

  @Test
  public void refusesHalfPrecisionByName() {
    Tensor half = Tensor.ofFloats(DType.FLOAT16, new long[] {1}, new float[] {1f});
    assertThatThrownBy(() -> TfliteBuffers.toBuffer(half)).hasMessageContaining("float16");
  }

  @Test
  public void reportsAMissingNativeRuntimeAsUnsupportedInsteadOfCrashing() throws Exception {
    Path model = dir.newFile("model.tflite").toPath();
    Files.write(model, new byte[64]);
    TfliteAndroidEngine engine = new TfliteAndroidEngine(1);
    assertThat(engine.format()).isEqualTo(ModelFormat.TFLITE);
    assertThatThrownBy(() -> engine.open(model, null)).isInstanceOfSatisfying(InferenceException.class, e -> {
      assertThat(e.isUnsupported()).isTrue();
      assertThat(e.getMessage()).contains("org.tensorflow:tensorflow-lite");
    });
    assertThatThrownBy(() -> new TfliteAndroidEngine(0)).hasMessageContaining("at least 1");
  }

  private static Tensor roundTrip(Tensor t) {
    ByteBuffer b = TfliteBuffers.toBuffer(t);
    return TfliteBuffers.fromBuffer(b, t.dtype(), t.shape());
  }
}
