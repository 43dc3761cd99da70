package org.edgefleet.bench.predict;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The baseline of the predict benchmark: ONNX Runtime called directly, the least any Java
 * application must do per call. Same session options as the agent's {@code OnnxEngine} (one
 * intra-op and one inter-op thread); per call it wraps the float array in an {@link OnnxTensor},
 * runs the session and copies both outputs into Java arrays, as the agent does.
 */
final class RawOrtRunner implements AutoCloseable {

  private static final String PROBABILITIES = "probabilities";
  private static final String LABEL = "label";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final String input;

  private RawOrtRunner(OrtEnvironment env, OrtSession session, String input) {
    this.env = env;
    this.session = session;
    this.input = input;
  }

  static RawOrtRunner open(Path modelFile, String input) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      return new RawOrtRunner(env, env.createSession(modelFile.toString(), options), input);
    }
  }

  /** One inference of one row; returns the fault probability. */
  double run(float[] row) throws OrtException {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(row), new long[] {1, row.length});
         OrtSession.Result result = session.run(Map.of(input, tensor))) {
      FloatBuffer p = ((OnnxTensor) result.get(PROBABILITIES).orElseThrow()).getFloatBuffer();
      float[] probabilities = new float[p.remaining()];
      p.get(probabilities);
      LongBuffer l = ((OnnxTensor) result.get(LABEL).orElseThrow()).getLongBuffer();
      long[] label = new long[l.remaining()];
      l.get(label);
      return probabilities[1] + label[0];
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
