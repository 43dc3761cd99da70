package org.edgefleet.scenario;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * ONNX Runtime's own Java API called directly on a published model file: the reference that the
 * fleet's answers are held to. Nothing of the packager or the agent is on this path (no manifest,
 * no tensor conversion of ours), so a fault there cannot hide in the reference as well.
 */
final class RawOnnxRuntime implements AutoCloseable {

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  RawOnnxRuntime(Path model) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      session = env.createSession(model.toString(), options);
    }
  }

  /** One call; float inputs as float32, integer inputs as int64 (what the published models take). */
  Map<String, Tensor> run(Map<String, Tensor> inputs) throws OrtException {
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
        Tensor t = e.getValue();
        feeds.put(e.getKey(), t.dtype().isFloating()
            ? OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), t.shape())
            : OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), t.shape()));
      }
      try (OrtSession.Result result = session.run(feeds)) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> e : result) {
          OnnxTensor t = (OnnxTensor) e.getValue();
          FloatBuffer b = t.getFloatBuffer();
          float[] values = new float[b.remaining()];
          b.get(values);
          out.put(e.getKey(), Tensor.ofFloats(t.getInfo().getShape(), values));
        }
        return out;
      }
    } finally {
      for (OnnxTensor t : feeds.values()) {
        t.close();
      }
    }
  }

  /** Largest absolute difference between two float tensors, which must have one shape. */
  static double maxAbsDiff(Tensor expected, Tensor actual) {
    if (!java.util.Arrays.equals(expected.shape(), actual.shape())) {
      throw new AssertionError("shape " + java.util.Arrays.toString(actual.shape()) + ", expected "
          + java.util.Arrays.toString(expected.shape()));
    }
    double max = 0;
    for (int i = 0; i < expected.size(); i++) {
      max = Math.max(max, Math.abs(expected.floats()[i] - actual.floats()[i]));
    }
    return max;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
