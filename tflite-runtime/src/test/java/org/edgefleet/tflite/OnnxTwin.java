package org.edgefleet.tflite;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * The ONNX version of a published model run in ONNX Runtime: the independent reference the TFLite
 * results are held to. Float32 models with one input and one output, as the published pairs are.
 */
public final class OnnxTwin implements AutoCloseable {

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final String input;

  public OnnxTwin(Path onnx) throws OrtException {
    session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
    input = session.getInputNames().iterator().next();
  }

  public Tensor run(Tensor x) throws OrtException {
    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.floats()), x.shape());
        OrtSession.Result r = session.run(java.util.Map.of(input, in))) {
      OnnxTensor out = (OnnxTensor) r.get(0);
      FloatBuffer b = out.getFloatBuffer();
      float[] v = new float[b.remaining()];
      b.get(v);
      return Tensor.ofFloats(out.getInfo().getShape(), v);
    }
  }

  /** Largest absolute difference between two float tensors of one shape. */
  public static double maxAbsDiff(Tensor a, Tensor b) {
    if (!java.util.Arrays.equals(a.shape(), b.shape())) {
      throw new AssertionError("shapes differ: " + java.util.Arrays.toString(a.shape()) + " vs " + java.util.Arrays.toString(b.shape()));
    }
    double max = 0;
    for (int i = 0; i < a.size(); i++) {
      max = Math.max(max, Math.abs(a.floats()[i] - b.floats()[i]));
    }
    return max;
  }

  public static double maxAbs(Tensor a) {
    double max = 0;
    for (float f : a.floats()) {
      max = Math.max(max, Math.abs(f));
    }
    return max;
  }

  /** Inputs like the model's real ones: audio samples in int16 range, or features around [lo, hi]. */
  public static Tensor input(String model, long[] shape, long seed) {
    Random random = new Random(seed);
    float[] v = new float[(int) Tensor.elementCount(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = switch (model) {
        case TestModels.MELSPECTROGRAM -> (float) (3000 * Math.sin(i * 2 * Math.PI * 440 / 16000) + 500 * random.nextGaussian());
        case TestModels.EMBEDDING -> 4 * random.nextFloat();
        default -> (float) random.nextGaussian();
      };
    }
    return Tensor.ofFloats(shape, v);
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
