package org.edgefleet.scenario;

import java.nio.file.Path;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.edgefleet.tflite.TestModels;

/**
 * JavaCPP's TFLite interpreter called directly on a published float32 model with one input and one
 * output: the second reference for an ONNX/TFLite pair, with none of the project's TFLite code.
 */
final class RawTflite implements AutoCloseable {

  private final FlatBufferModel model;
  private final BuiltinOpResolver resolver = new BuiltinOpResolver();
  private final Interpreter interpreter = new Interpreter((Pointer) null);

  RawTflite(Path file) throws Exception {
    TestModels.loadNatives();
    model = FlatBufferModel.BuildFromFile(file.toString());
    try (InterpreterBuilder builder = new InterpreterBuilder(model, resolver)) {
      builder.SetNumThreads(1);
      builder.apply(interpreter);
    }
    interpreter.AllocateTensors();
  }

  /** Copies {@code input} in, invokes, and returns {@code outputSize} values of the first output. */
  float[] run(float[] input, int outputSize) {
    FloatPointer in = interpreter.typed_input_tensor_float(0);
    in.put(input);
    if (interpreter.Invoke() != 0) {
      throw new IllegalStateException("TFLite Invoke failed");
    }
    float[] out = new float[outputSize];
    interpreter.typed_output_tensor_float(0).get(out);
    return out;
  }

  @Override
  public void close() {
    interpreter.close();
    resolver.close();
    model.close();
  }
}
