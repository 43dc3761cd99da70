package org.edgefleet.bench.published;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.edgefleet.tflite.TfliteException;
import org.edgefleet.tflite.TfliteNatives;

/**
 * The baselines: a runtime called directly on a float32 model with one input and one output, the
 * least a Java application must do per call (put the input in, run, copy the output out), with the
 * agent's thread settings (one intra-op thread).
 */
interface RawRuntime extends AutoCloseable {

  /** One call; fills and returns {@code output}. */
  float[] run(float[] input, float[] output) throws Exception;

  static RawRuntime onnx(Path model, String input, long[] shape) throws OrtException {
    return new Ort(model, input, shape);
  }

  static RawRuntime tflite(Path model, Path nativeDir) throws TfliteException {
    return new Tflite(model, nativeDir);
  }

  /** ONNX Runtime's Java API: a tensor wrapped around the array, {@code run}, the output copied out. */
  final class Ort implements RawRuntime {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String input;
    private final long[] shape;

    private Ort(Path model, String input, long[] shape) throws OrtException {
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        session = env.createSession(model.toString(), options);
      }
      this.input = input;
      this.shape = shape.clone();
    }

    @Override
    public float[] run(float[] values, float[] output) throws OrtException {
      try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
          OrtSession.Result result = session.run(Map.of(input, tensor))) {
        ((OnnxTensor) result.get(0)).getFloatBuffer().get(output);
        return output;
      }
    }

    @Override
    public void close() throws OrtException {
      session.close();
    }
  }

  /** JavaCPP's TFLite interpreter: copy in, Invoke, copy out; one thread, XNNPACK as built in. */
  final class Tflite implements RawRuntime {
    private final FlatBufferModel model;
    private final BuiltinOpResolver resolver;
    private final Interpreter interpreter;

    private Tflite(Path file, Path nativeDir) throws TfliteException {
      TfliteNatives.load(nativeDir);
      model = FlatBufferModel.BuildFromFile(file.toString());
      resolver = new BuiltinOpResolver();
      interpreter = new Interpreter((Pointer) null);
      try (InterpreterBuilder builder = new InterpreterBuilder(model, resolver)) {
        builder.SetNumThreads(1);
        builder.apply(interpreter);
      }
      interpreter.AllocateTensors();
    }

    @Override
    public float[] run(float[] input, float[] output) {
      interpreter.typed_input_tensor_float(0).put(input);
      if (interpreter.Invoke() != 0) {
        throw new IllegalStateException("TFLite Invoke failed");
      }
      interpreter.typed_output_tensor_float(0).get(output);
      return output;
    }

    @Override
    public void close() {
      interpreter.close();
      resolver.close();
      model.close();
    }
  }
}
