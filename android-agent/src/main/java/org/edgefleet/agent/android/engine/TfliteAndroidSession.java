package org.edgefleet.agent.android.engine;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.inference.ModelSession;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.Tensor;
import org.tensorflow.lite.Interpreter;

/**
 * One model on one Android TFLite interpreter. The interpreter is not thread-safe, so calls take
 * turns on it; inputs are resized to each call's shapes (a batch of any size). Output buffers are
 * sized from the output shapes after allocation: a model whose output shape depends on the input
 * values (not just their shapes) is not supported.
 */
final class TfliteAndroidSession implements ModelSession {

  private final Interpreter interpreter;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final int[] inputIndex;
  private final int[] outputIndex;

  TfliteAndroidSession(Interpreter interpreter, Manifest manifest) throws InferenceException {
    this.interpreter = interpreter;
    this.inputs = manifest.inputs();
    this.outputs = manifest.outputs();
    this.inputIndex = new int[inputs.size()];
    this.outputIndex = new int[outputs.size()];
    try {
      for (int i = 0; i < inputs.size(); i++) {
        inputIndex[i] = interpreter.getInputIndex(inputs.get(i).name());
        checkDtype("input", inputs.get(i), interpreter.getInputTensor(inputIndex[i]));
      }
      for (int i = 0; i < outputs.size(); i++) {
        outputIndex[i] = interpreter.getOutputIndex(outputs.get(i).name());
        checkDtype("output", outputs.get(i), interpreter.getOutputTensor(outputIndex[i]));
      }
    } catch (IllegalArgumentException e) {
      throw new InferenceException("the model's tensors are not the manifest's: " + e.getMessage(), false, e);
    }
  }

  @Override
  public synchronized Map<String, Tensor> run(Map<String, Tensor> given) throws InferenceException {
    try {
      Object[] in = new Object[inputs.size()];
      for (int i = 0; i < inputs.size(); i++) {
        Tensor t = given.get(inputs.get(i).name());
        interpreter.resizeInput(inputIndex[i], toInts(t.shape()));
        in[inputIndex[i]] = TfliteBuffers.toBuffer(t);
      }
      interpreter.allocateTensors();
      Map<Integer, Object> out = new HashMap<>();
      ByteBuffer[] buffers = new ByteBuffer[outputs.size()];
      long[][] shapes = new long[outputs.size()][];
      for (int i = 0; i < outputs.size(); i++) {
        org.tensorflow.lite.Tensor t = interpreter.getOutputTensor(outputIndex[i]);
        shapes[i] = toLongs(t.shape());
        buffers[i] = ByteBuffer.allocateDirect(t.numBytes()).order(java.nio.ByteOrder.nativeOrder());
        out.put(outputIndex[i], buffers[i]);
      }
      interpreter.runForMultipleInputsOutputs(in, out);
      Map<String, Tensor> result = new HashMap<>();
      for (int i = 0; i < outputs.size(); i++) {
        result.put(outputs.get(i).name(), TfliteBuffers.fromBuffer(buffers[i], outputs.get(i).dtype(), shapes[i]));
      }
      return result;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InferenceException("TFLite failed: " + e.getMessage(), false, e);
    }
  }

  @Override
  public synchronized void close() {
    interpreter.close();
  }

  // TFLite's DataType and the fleet's DType name the types this engine takes alike (FLOAT32, INT64...).
  private static void checkDtype(String kind, TensorSpec spec, org.tensorflow.lite.Tensor actual) throws InferenceException {
    if (!actual.dataType().name().equals(spec.dtype().name())) {
      throw new InferenceException("the manifest declares " + kind + " '" + spec.name() + "' as " + spec.dtype().wireName()
          + " but the model's tensor is " + actual.dataType(), false);
    }
  }

  private static int[] toInts(long[] shape) {
    int[] out = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = Math.toIntExact(shape[i]);
    }
    return out;
  }

  private static long[] toLongs(int[] shape) {
    long[] out = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = shape[i];
    }
    return out;
  }
}
