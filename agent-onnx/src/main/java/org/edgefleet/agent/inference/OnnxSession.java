package org.edgefleet.agent.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/** One ORT session; asks only for the manifest's outputs, so extra graph outputs cost nothing. */
final class OnnxSession implements ModelSession {

  private final OrtEnvironment env;
  private final OrtSession session;
  private final String[] inputNames;
  private final String[] outputNames;
  private final DType[] outputTypes;
  private final Set<String> requested;

  OnnxSession(OrtEnvironment env, OrtSession session, Manifest manifest) {
    this.env = env;
    this.session = session;
    List<TensorSpec> in = manifest.inputs();
    List<TensorSpec> out = manifest.outputs();
    inputNames = in.stream().map(TensorSpec::name).toArray(String[]::new);
    outputNames = out.stream().map(TensorSpec::name).toArray(String[]::new);
    outputTypes = out.stream().map(TensorSpec::dtype).toArray(DType[]::new);
    requested = Set.copyOf(List.of(outputNames));
  }

  @Override
  public Map<String, Tensor> run(Map<String, Tensor> inputs) throws InferenceException {
    Map<String, OnnxTensor> ortInputs = new HashMap<>(inputNames.length * 2);
    try {
      for (String name : inputNames) {
        ortInputs.put(name, OrtTensors.toOrt(env, inputs.get(name)));
      }
      try (OrtSession.Result result = session.run(ortInputs, requested)) {
        Map<String, Tensor> outputs = new HashMap<>(outputNames.length * 2);
        for (int i = 0; i < outputNames.length; i++) {
          OnnxValue value = result.get(outputNames[i]).orElseThrow(() -> new IllegalStateException("missing output"));
          if (!(value instanceof OnnxTensor tensor)) {
            throw new InferenceException("output '" + outputNames[i] + "' is not a tensor", true);
          }
          outputs.put(outputNames[i], OrtTensors.fromOrt(tensor, outputTypes[i]));
        }
        return outputs;
      }
    } catch (OrtException | RuntimeException e) {
      throw new InferenceException("ONNX Runtime failed: " + e.getMessage(), false, e);
    } finally {
      for (OnnxTensor t : ortInputs.values()) {
        t.close();
      }
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("closing the ONNX session failed: " + e.getMessage(), e);
    }
  }
}
