package org.edgefleet.packager.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.packager.quantize.WeightQuantizer.QuantizedNode;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.QuantizationReport;
import org.edgefleet.protocol.bundle.QuantizationReport.OutputCheck;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.Sha256;

/**
 * Quantizes an ONNX model to int8: weights per output channel (or per tensor) with
 * DequantizeLinear, and, in {@link QuantizationMode#STATIC}, activations with calibrated
 * QuantizeLinear/DequantizeLinear pairs. It then runs the float and the quantized model in ONNX
 * Runtime on the same rows and writes the quantized model and its {@link QuantizationSidecar}
 * only when the {@link AccuracyGate} passes; otherwise nothing is written.
 *
 * <pre>{@code
 * QuantizeResult result = OnnxQuantizer.builder()
 *     .mode(QuantizationMode.STATIC).calibration(CsvModelInputs.read(Path.of("calibration.csv")))
 *     .gate(new AccuracyGate(0.99, null, null))
 *     .build().quantize(Path.of("model.onnx"), Path.of("model.int8.onnx"));
 * }</pre>
 */
public final class OnnxQuantizer {

  /** Rows a feed when the model's batch dimension is dynamic. */
  static final int FEED_ROWS = 64;

  private final Builder config;

  private OnnxQuantizer(Builder config) {
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The default output name: {@code model.onnx} -> {@code model.int8.onnx}. */
  public static Path defaultOutput(Path model) {
    String name = model.getFileName().toString();
    String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - ".onnx".length()) : name;
    return model.resolveSibling(stem + ".int8.onnx");
  }

  public QuantizeResult quantize(Path floatModel, Path out)
      throws QuantizationException, AccuracyGateException, IOException {
    if (Files.exists(out) && Files.isSameFile(floatModel, out)) {
      throw new QuantizationException("the output " + out + " is the input model; name another file");
    }
    byte[] bytes = Files.readAllBytes(floatModel);
    ModelProto model = parse(floatModel, bytes);
    List<TensorSpec> inputs;
    List<TensorSpec> outputs;
    List<String> featureNames;
    try (OnnxModel opened = OnnxModel.open(floatModel)) {
      inputs = opened.inputs();
      outputs = opened.outputs();
      featureNames = opened.featureNames();
    } catch (ModelException e) {
      throw new QuantizationException(e.getMessage(), e);
    }
    List<Map<String, Tensor>> calibration = config.calibration.feeds(inputs, featureNames, FEED_ROWS);
    List<Map<String, Tensor>> validation = config.validation == null ? calibration
        : config.validation.feeds(inputs, featureNames, FEED_ROWS);

    int opset = config.granularity == Granularity.PER_CHANNEL ? OpsetPolicy.PER_CHANNEL_OPSET : OpsetPolicy.QDQ_OPSET;
    String hint = config.granularity == Granularity.PER_CHANNEL
        ? ", or quantize per tensor, which needs opset " + OpsetPolicy.QDQ_OPSET : "";
    ModelProto target = OpsetPolicy.ensure(model, opset, hint);

    progress("quantizing the weights of " + config.ops.stream().map(QuantizableOp::opType).toList() + " "
        + config.granularity.wireName());
    WeightQuantizer.Result weights = WeightQuantizer.apply(target.getGraph(), config.ops, config.granularity);
    if (weights.nodes().isEmpty()) {
      throw new QuantizationException("nothing to quantize: the model has no " + config.ops.stream()
          .map(QuantizableOp::opType).toList() + " node with a float weight initializer (a weight that is also a graph"
          + " input stays float, since callers may feed it)");
    }
    ModelProto quantized = target.toBuilder().setGraph(weights.graph()).build();
    Integer calibrationRows = null;
    if (config.mode == QuantizationMode.STATIC) {
      Set<String> activations = ActivationQuantizer.activationsOf(model.getGraph(), weights.nodes());
      progress("calibrating " + activations.size() + " activations on " + rows(calibration) + " rows of "
          + config.calibration.source() + " (" + config.range.wireName() + ")");
      Map<String, ActivationCalibrator.Range> ranges = ActivationCalibrator.calibrate(model, activations, calibration, config.range);
      quantized = quantized.toBuilder()
          .setGraph(ActivationQuantizer.apply(weights.graph(), weights.nodes(), ranges, config.activationType)).build();
      calibrationRows = rows(calibration);
    }

    Path temp = out.resolveSibling(out.getFileName() + ".tmp");
    try {
      Files.write(temp, quantized.toByteArray());
      String source = config.validation == null ? config.calibration.source() : config.validation.source();
      progress("comparing the quantized model with the float one on " + rows(validation) + " rows of " + source);
      List<OutputCheck> checks = config.gate.compare(outputs, run(floatModel, validation), run(temp, validation));
      QuantizationReport report = report(weights, calibrationRows, rows(validation), checks);
      List<String> failures = config.gate.failures(checks);
      if (!failures.isEmpty()) {
        throw new AccuracyGateException(failures, report);
      }
      List<String> what = new ArrayList<>(weights.weights());
      if (config.mode == QuantizationMode.STATIC) {
        what.add("activations");
      }
      Manifest.Quantization quantization = new Manifest.Quantization("int8-" + config.mode.wireName(),
          config.granularity.wireName(), what, report);
      Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Path sidecar = QuantizationSidecar.pathFor(out);
      new QuantizationSidecar(QuantizationSidecar.SCHEMA, Sha256.hex(out), Sha256.hex(bytes), quantization).write(sidecar);
      return new QuantizeResult(out, sidecar, quantization, bytes.length, Files.size(out),
          weights.floatBytes(), weights.quantizedBytes());
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private QuantizationReport report(WeightQuantizer.Result weights, Integer calibrationRows, int comparedRows,
      List<OutputCheck> checks) {
    Map<String, Integer> ops = new TreeMap<>();
    for (QuantizedNode node : weights.nodes()) {
      ops.merge(node.op().opType(), 1, Integer::sum);
    }
    boolean isStatic = config.mode == QuantizationMode.STATIC;
    return new QuantizationReport(ops, weights.weightValues(), isStatic ? config.activationType.wireName() : null,
        isStatic ? config.range.wireName() : null, calibrationRows, comparedRows, checks);
  }

  private static ModelProto parse(Path file, byte[] bytes) throws QuantizationException {
    if (bytes.length >= 8 && new String(bytes, 4, 4, StandardCharsets.US_ASCII).equals("TFL3")) {
      throw new QuantizationException(file + " is a TFLite model: quantize the TFLite model at conversion;"
          + " the packager checks its parameters");
    }
    try {
      ModelProto model = ModelProto.parseFrom(bytes);
      if (model.getIrVersion() < 1 || !model.hasGraph() || model.getGraph().getNodeCount() == 0) {
        throw new QuantizationException(file + " is not an ONNX model (no IR version or no graph)");
      }
      return model;
    } catch (InvalidProtocolBufferException e) {
      throw new QuantizationException(file + " is not an ONNX model (it does not parse as an ONNX protobuf)", e);
    }
  }

  private static List<Map<String, Tensor>> run(Path file, List<Map<String, Tensor>> feeds) throws QuantizationException {
    try (OnnxModel model = OnnxModel.open(file)) {
      List<Map<String, Tensor>> results = new ArrayList<>();
      for (Map<String, Tensor> feed : feeds) {
        results.add(model.run(feed));
      }
      return results;
    } catch (ModelException | IOException e) {
      throw new QuantizationException("running " + file.getFileName() + " in ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  private static int rows(List<Map<String, Tensor>> feeds) {
    return feeds.stream().mapToInt(f -> (int) f.values().iterator().next().dim(0)).sum();
  }

  private void progress(String step) {
    config.progress.accept(step);
  }

  /** The quantizer's settings; {@link #build()} checks that calibration rows are given. */
  public static final class Builder {
    private QuantizationMode mode = QuantizationMode.STATIC;
    private Granularity granularity = Granularity.PER_CHANNEL;
    private ActivationType activationType = ActivationType.UINT8;
    private ActivationRange range = ActivationRange.minMax();
    private Set<QuantizableOp> ops = EnumSet.allOf(QuantizableOp.class);
    private ModelInputs calibration;
    private ModelInputs validation;
    private AccuracyGate gate = AccuracyGate.defaults();
    private Consumer<String> progress = step -> { };

    private Builder() {}

    public Builder mode(QuantizationMode value) {
      this.mode = Objects.requireNonNull(value, "mode must not be null");
      return this;
    }

    public Builder granularity(Granularity value) {
      this.granularity = Objects.requireNonNull(value, "granularity must not be null");
      return this;
    }

    public Builder activationType(ActivationType value) {
      this.activationType = Objects.requireNonNull(value, "activation type must not be null");
      return this;
    }

    public Builder activationRange(ActivationRange value) {
      this.range = Objects.requireNonNull(value, "activation range must not be null");
      return this;
    }

    /** Operator types whose weights to quantize, out of MatMul, Gemm and Conv (default: all three). */
    public Builder ops(List<String> opTypes) throws QuantizationException {
      Set<QuantizableOp> chosen = EnumSet.noneOf(QuantizableOp.class);
      for (String type : opTypes) {
        chosen.add(QuantizableOp.of(type).orElseThrow(() -> new QuantizationException("cannot quantize op type '" + type
            + "'; the quantizer handles " + Arrays.stream(QuantizableOp.values()).map(QuantizableOp::opType).toList())));
      }
      if (chosen.isEmpty()) {
        throw new QuantizationException("name at least one op type to quantize");
      }
      this.ops = chosen;
      return this;
    }

    /** Rows for activation ranges (static mode) and, unless validation rows are given, for the accuracy gate. */
    public Builder calibration(ModelInputs rows) {
      this.calibration = Objects.requireNonNull(rows, "calibration must not be null");
      return this;
    }

    /** Rows the accuracy gate compares on instead of the calibration rows. */
    public Builder validation(ModelInputs rows) {
      this.validation = Objects.requireNonNull(rows, "validation must not be null");
      return this;
    }

    public Builder gate(AccuracyGate value) {
      this.gate = Objects.requireNonNull(value, "gate must not be null");
      return this;
    }

    public Builder progress(Consumer<String> listener) {
      this.progress = Objects.requireNonNull(listener, "progress listener must not be null");
      return this;
    }

    public OnnxQuantizer build() throws QuantizationException {
      if (calibration == null) {
        throw new QuantizationException("give calibration rows: static quantization takes activation ranges from"
            + " them and the accuracy gate compares on them");
      }
      Builder frozen = new Builder();
      frozen.mode = mode;
      frozen.granularity = granularity;
      frozen.activationType = activationType;
      frozen.range = range;
      frozen.ops = EnumSet.copyOf(ops);
      frozen.calibration = calibration;
      frozen.validation = validation;
      frozen.gate = gate;
      frozen.progress = progress;
      return new OnnxQuantizer(frozen);
    }
  }
}
