package org.edgefleet.packager.sample;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;

/** A real ONNX Runtime session over an exported classifier, for tests. */
final class OrtModel implements AutoCloseable {

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  final OrtSession session;

  OrtModel(Path model) throws OrtException {
    session = env.createSession(model.toString(), new OrtSession.SessionOptions());
  }

  OrtModel(byte[] model) throws OrtException {
    session = env.createSession(model, new OrtSession.SessionOptions());
  }

  Outputs run(float[][] rows) throws OrtException {
    try (OnnxTensor input = OnnxTensor.createTensor(env, rows);
       OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
      float[][] probabilities = (float[][]) result.get(OnnxExporter.PROBABILITIES).orElseThrow().getValue();
      long[] labels = (long[]) result.get(OnnxExporter.LABEL).orElseThrow().getValue();
      return new Outputs(probabilities, labels);
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }

  record Outputs(float[][] probabilities, long[] labels) {
    int[] labelsAsInts() {
      int[] out = new int[labels.length];
      for (int i = 0; i < labels.length; i++) {
        out[i] = (int) labels[i];
      }
      return out;
    }
  }
}
