package org.edgefleet.tflite;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteDynamic;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithoutDefaultDelegates;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.SignatureRunner;
import org.bytedeco.tensorflowlite.StringVector;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * One TFLite interpreter and the inputs and outputs it exposes. When the model has signatures it
 * runs through the signature runner ({@value #DEFAULT_SIGNATURE} if present, else the first), so
 * names are the signature's (listed sorted, as TFLite keeps them); otherwise through the
 * interpreter's main graph, named after its tensors. An input whose shape differs from the last
 * call is resized and the tensors reallocated; an unchanged shape costs nothing.
 *
 * <p>Not thread-safe, like the TFLite interpreter under it: one caller at a time.
 */
public final class TfliteInterpreter implements AutoCloseable {

  public static final String DEFAULT_SIGNATURE = "serving_default";

  // Held so that the model and the op resolver, which the native interpreter points into, outlive it.
  private final TfliteFile file;
  private final BuiltinOpResolver resolver;
  private final Interpreter interpreter;
  private final SignatureRunner runner;
  private final List<Port> inPorts;
  private final List<Port> outPorts;
  private final List<TensorInfo> inputs;
  private final List<TensorInfo> outputs;
  private final List<String> inputNames;
  private final TfLiteTensor[] inputTensors;
  private final TfLiteTensor[] outputTensors;
  private final long[][] currentShapes;
  private final ByteBuffer[] inputBuffers;
  private final ByteBuffer[] outputBuffers;
  private final long[][] outputShapes;

  private TfliteInterpreter(TfliteFile file, BuiltinOpResolver resolver, Interpreter interpreter) throws TfliteException {
    this.file = file;
    this.resolver = resolver;
    this.interpreter = interpreter;
    String signature = signature(interpreter);
    this.runner = signature == null ? null : interpreter.GetSignatureRunner(signature);
    if (signature != null && (runner == null || runner.isNull())) {
      throw new TfliteException(file.source() + ": TFLite has no runner for signature '" + signature + "'", false);
    }
    this.inPorts = runner != null ? ports(runner, true) : ports(interpreter, interpreter.inputs());
    this.outPorts = runner != null ? ports(runner, false) : ports(interpreter, interpreter.outputs());
    // A model with dynamic inputs may not allocate at its placeholder shape (a window longer than
    // a 1-sample input, say); it is then allocated on the first run, at the shape given.
    boolean allocated = allocate() == kTfLiteOk;
    inputTensors = new TfLiteTensor[inPorts.size()];
    outputTensors = new TfLiteTensor[outPorts.size()];
    List<TensorInfo> in = new ArrayList<>();
    List<TensorInfo> out = new ArrayList<>();
    for (int i = 0; i < inPorts.size(); i++) {
      inputTensors[i] = tensor(inPorts.get(i), true);
      in.add(TensorDescriber.describe(inPorts.get(i).name(), inputTensors[i], "input", file.source()));
    }
    for (int i = 0; i < outPorts.size(); i++) {
      outputTensors[i] = tensor(outPorts.get(i), false);
      out.add(TensorDescriber.describe(outPorts.get(i).name(), outputTensors[i], "output", file.source()));
    }
    inputs = List.copyOf(in);
    outputs = List.copyOf(out);
    inputNames = TensorInfo.names(inputs);
    currentShapes = new long[inputs.size()][];
    inputBuffers = new ByteBuffer[inputs.size()];
    outputBuffers = new ByteBuffer[outputs.size()];
    outputShapes = new long[outputs.size()][];
    if (allocated) {
      refresh();
    } else if (inputs.stream().noneMatch(TensorInfo::isDynamic)) {
      throw new TfliteException("TFLite could not allocate the tensors of " + file.source() + " (details in the log)", false);
    }
  }

  static TfliteInterpreter create(TfliteFile file, TfliteOptions options) throws TfliteException {
    BuiltinOpResolver resolver = options.xnnpack() ? new BuiltinOpResolver() : new BuiltinOpResolverWithoutDefaultDelegates();
    // A null Interpreter: the builder fills it in (it takes a std::unique_ptr<Interpreter>*).
    Interpreter interpreter = new Interpreter((Pointer) null);
    try (InterpreterBuilder builder = new InterpreterBuilder(file.model(), resolver)) {
      builder.SetNumThreads(options.threads());
      if (builder.apply(interpreter) != kTfLiteOk || interpreter.isNull()) {
        resolver.close();
        throw new TfliteException("TFLite cannot build an interpreter for " + file.source()
            + ": it uses an operator or version this runtime does not have (details in the log)", true);
      }
    }
    try {
      return new TfliteInterpreter(file, resolver, interpreter);
    } catch (TfliteException | RuntimeException e) {
      interpreter.close();
      resolver.close();
      throw e;
    }
  }

  public List<TensorInfo> inputs() {
    return inputs;
  }

  public List<TensorInfo> outputs() {
    return outputs;
  }

  /**
   * Runs the model on exactly its inputs, each of its dtype and of a shape its signature allows.
   * The result holds every output in the model's order.
   */
  public Map<String, Tensor> run(Map<String, Tensor> feeds) throws TfliteException {
    if (feeds.size() != inputs.size() || !feeds.keySet().containsAll(inputNames)) {
      throw new TfliteException("the model takes inputs " + inputNames + " but was given "
          + feeds.keySet(), false);
    }
    boolean resized = false;
    for (int i = 0; i < inputs.size(); i++) {
      TensorInfo info = inputs.get(i);
      Tensor value = feeds.get(info.name());
      if (value.dtype() != info.dtype()) {
        throw new TfliteException("input '" + info.name() + "' is " + info.dtype().wireName() + " in the model but "
            + value.dtype().wireName() + " was given", false);
      }
      long[] shape = value.shape();
      if (!info.accepts(shape)) {
        throw new TfliteException("input '" + info.name() + "' has shape " + Arrays.toString(info.shape())
            + " in the model (-1 is free) but " + Arrays.toString(shape) + " was given", false);
      }
      if (!Arrays.equals(shape, currentShapes[i])) {
        check(resize(i, dims(info.name(), shape)), "resize input '" + info.name() + "' to " + Arrays.toString(shape));
        resized = true;
      }
    }
    if (resized) {
      check(allocate(), "allocate tensors for the new input shapes");
      refresh();
    }
    for (int i = 0; i < inputs.size(); i++) {
      TensorInfo info = inputs.get(i);
      TensorCopy.write(info.name(), feeds.get(info.name()), inputBuffers[i]);
    }
    int status = runner != null ? runner.Invoke() : interpreter.Invoke();
    if (status != kTfLiteOk) {
      throw new TfliteException("TFLite failed to run " + file.source() + " (status " + status + "; its error is in the log)", false);
    }
    Map<String, Tensor> out = new LinkedHashMap<>(outputs.size() * 2);
    for (int i = 0; i < outputs.size(); i++) {
      TensorInfo info = outputs.get(i);
      out.put(info.name(), outputBuffers[i] != null ? TensorCopy.read(outputShapes[i], outputBuffers[i], info.dtype())
          : TensorCopy.read(TensorCopy.shape(outputTensors[i].dims()), TensorCopy.buffer(outputTensors[i]), info.dtype()));
    }
    return out;
  }

  @Override
  public void close() {
    interpreter.close();
    resolver.close();
  }

  /** A named input or output; {@code tensorIndex} is used when running the main graph without a signature. */
  private record Port(String name, int tensorIndex) {}

  /** {@value #DEFAULT_SIGNATURE} if the model has it, else its first signature, else null. */
  private static String signature(Interpreter interpreter) {
    StringVector keys = interpreter.signature_keys();
    String first = null;
    for (long i = 0; i < keys.size(); i++) {
      String key = keys.get(i).getString();
      if (DEFAULT_SIGNATURE.equals(key)) {
        return key;
      }
      first = first == null ? key : first;
    }
    return first;
  }

  private static List<Port> ports(SignatureRunner runner, boolean inputs) {
    long n = inputs ? runner.input_size() : runner.output_size();
    List<Port> ports = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      ports.add(new Port(inputs ? runner.input_names().getString(i) : runner.output_names().getString(i), -1));
    }
    return List.copyOf(ports);
  }

  private static List<Port> ports(Interpreter interpreter, IntPointer indices) {
    List<Port> ports = new ArrayList<>();
    for (long i = 0; i < indices.limit(); i++) {
      int index = indices.get(i);
      ports.add(new Port(interpreter.tensor(index).name().getString(), index));
    }
    return List.copyOf(ports);
  }

  private TfLiteTensor tensor(Port port, boolean input) {
    if (runner == null) {
      return interpreter.tensor(port.tensorIndex());
    }
    return input ? runner.input_tensor(port.name()) : runner.output_tensor(port.name());
  }

  private int resize(int i, int[] dims) {
    return runner != null ? runner.ResizeInputTensor(inPorts.get(i).name(), dims)
        : interpreter.ResizeInputTensor(inPorts.get(i).tensorIndex(), dims);
  }

  private int allocate() {
    return runner != null ? runner.AllocateTensors() : interpreter.AllocateTensors();
  }

  /**
   * Buffers and shapes move only when tensors are (re)allocated, so they are looked up then, not
   * on every call; an output the graph sizes while it runs (dynamic) is looked up after each run.
   */
  private void refresh() {
    for (int i = 0; i < inputs.size(); i++) {
      currentShapes[i] = TensorCopy.shape(inputTensors[i].dims());
      inputBuffers[i] = TensorCopy.buffer(inputTensors[i]);
    }
    for (int i = 0; i < outputs.size(); i++) {
      boolean dynamic = outputTensors[i].allocation_type() == kTfLiteDynamic;
      outputShapes[i] = dynamic ? null : TensorCopy.shape(outputTensors[i].dims());
      outputBuffers[i] = dynamic ? null : TensorCopy.buffer(outputTensors[i]);
    }
  }

  private static int[] dims(String name, long[] shape) throws TfliteException {
    int[] dims = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] > Integer.MAX_VALUE) {
        throw new TfliteException("input '" + name + "' dimension " + i + " is " + shape[i] + ", too large for TFLite", false);
      }
      dims[i] = (int) shape[i];
    }
    return dims;
  }

  private void check(int status, String action) throws TfliteException {
    if (status != kTfLiteOk) {
      throw new TfliteException("TFLite could not " + action + " for " + file.source() + " (status " + status + ")", false);
    }
  }
}
