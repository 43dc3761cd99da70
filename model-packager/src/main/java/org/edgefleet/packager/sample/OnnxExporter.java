package org.edgefleet.packager.sample;

import static org.edgefleet.packager.quantize.OnnxTensors.byteTensor;
import static org.edgefleet.packager.quantize.OnnxTensors.floatTensor;
import static org.edgefleet.packager.quantize.OnnxTensors.intAttribute;
import static org.edgefleet.packager.quantize.OnnxTensors.node;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.edgefleet.packager.onnx.OnnxModel;

/**
 * Writes an {@link Mlp} as an ONNX model (IR version 8, opset 13):
 *
 * <pre>
 * features[batch,n] -Sub(mean)-Mul(inv_std)-MatMul(W1)-Add(b1)-Relu-MatMul(W2)-Add(b2)-> logits
 * logits -Softmax(axis 1)-> probabilities[batch,k] (float32)
 * logits -ArgMax(axis 1)-> label[batch] (int64)
 * </pre>
 *
 * With {@link WeightPrecision#INT8}, W1 and W2 are int8 initializers with a per-tensor scale
 * and zero point 0, each feeding a DequantizeLinear in front of its MatMul. The feature names
 * go into the model's metadata under {@link #FEATURE_NAMES_KEY}, comma separated, so tools can
 * name the columns of the input without a side file. Immutable.
 */
public final class OnnxExporter {

  public static final String INPUT = "features";
  public static final String PROBABILITIES = "probabilities";
  public static final String LABEL = "label";
  public static final String BATCH_DIM = "batch";
  public static final String FEATURE_NAMES_KEY = OnnxModel.FEATURE_NAMES_KEY;
  public static final long IR_VERSION = 8;
  public static final long OPSET = 13;

  private final List<String> featureNames;
  private final WeightPrecision precision;
  private final String description;

  private OnnxExporter(List<String> featureNames, WeightPrecision precision, String description) {
    this.featureNames = featureNames;
    this.precision = precision;
    this.description = description;
  }

  /** An fp32 exporter for models whose input columns have these names. */
  public static OnnxExporter forFeatures(List<String> featureNames) {
    Objects.requireNonNull(featureNames, "feature names must not be null");
    for (String name : featureNames) {
      if (name == null || name.isBlank() || name.contains(",")) {
        throw new IllegalArgumentException("feature names must be non-blank and free of commas, got " + featureNames);
      }
    }
    return new OnnxExporter(List.copyOf(featureNames), WeightPrecision.FP32, "");
  }

  public OnnxExporter withPrecision(WeightPrecision newPrecision) {
    return new OnnxExporter(featureNames, Objects.requireNonNull(newPrecision, "precision must not be null"), description);
  }

  /** Free text stored as the model's doc string. */
  public OnnxExporter withDescription(String text) {
    return new OnnxExporter(featureNames, precision, Objects.requireNonNull(text, "description must not be null"));
  }

  public void write(Mlp mlp, Path file) throws IOException {
    Files.write(file, toModel(mlp).toByteArray());
  }

  public byte[] toBytes(Mlp mlp) {
    return toModel(mlp).toByteArray();
  }

  public ModelProto toModel(Mlp mlp) {
    if (mlp.inputSize() != featureNames.size()) {
      throw new IllegalArgumentException("the model takes " + mlp.inputSize() + " features but "
          + featureNames.size() + " names were given: " + featureNames);
    }
    int n = mlp.inputSize();
    int hidden = mlp.hidden().outputs();
    int classes = mlp.classCount();
    GraphProto.Builder graph = GraphProto.newBuilder()
        .setName("mlp_classifier")
        .addInput(tensorInfo(INPUT, TensorProto.DataType.FLOAT, n))
        .addOutput(tensorInfo(PROBABILITIES, TensorProto.DataType.FLOAT, classes))
        .addOutput(tensorInfo(LABEL, TensorProto.DataType.INT64, -1))
        .addInitializer(floatTensor("mean", mlp.standardizer().mean(), n))
        .addInitializer(floatTensor("inv_std", mlp.standardizer().invStd(), n))
        .addInitializer(floatTensor("b1", mlp.hidden().bias(), hidden))
        .addInitializer(floatTensor("b2", mlp.output().bias(), classes))
        .addNode(node("Sub", "standardize_center", List.of(INPUT, "mean"), "centered"))
        .addNode(node("Mul", "standardize_scale", List.of("centered", "inv_std"), "standardized"));
    String w1 = weights(graph, "W1", mlp.hidden().weights(), n, hidden);
    String w2 = weights(graph, "W2", mlp.output().weights(), hidden, classes);
    graph.addNode(node("MatMul", "hidden_matmul", List.of("standardized", w1), "hidden_mm"))
        .addNode(node("Add", "hidden_bias", List.of("hidden_mm", "b1"), "hidden_pre"))
        .addNode(node("Relu", "hidden_relu", List.of("hidden_pre"), "hidden"))
        .addNode(node("MatMul", "output_matmul", List.of("hidden", w2), "output_mm"))
        .addNode(node("Add", "output_bias", List.of("output_mm", "b2"), "logits"))
        .addNode(node("Softmax", "softmax", List.of("logits"), PROBABILITIES).toBuilder()
            .addAttribute(intAttribute("axis", 1)).build())
        .addNode(node("ArgMax", "argmax", List.of("logits"), LABEL).toBuilder()
            .addAttribute(intAttribute("axis", 1))
            .addAttribute(intAttribute("keepdims", 0)).build());
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setProducerName("edgefleet-model-packager")
        .setProducerVersion("0.1.0")
        .setModelVersion(1)
        .setDocString(description)
        .addMetadataProps(StringStringEntryProto.newBuilder()
            .setKey(FEATURE_NAMES_KEY).setValue(String.join(",", featureNames)))
        .setGraph(graph)
        .build();
  }

  /** Adds a weight matrix in the configured precision and returns the name MatMul should read. */
  private String weights(GraphProto.Builder graph, String name, float[] values, int rows, int cols) {
    if (precision == WeightPrecision.FP32) {
      graph.addInitializer(floatTensor(name, values, rows, cols));
      return name;
    }
    Int8Weights q = Int8Weights.quantize(values);
    graph.addInitializer(byteTensor(name + "_quantized", TensorProto.DataType.INT8, q.values(), rows, cols))
        .addInitializer(floatTensor(name + "_scale", new float[] {q.scale()}))
        .addInitializer(byteTensor(name + "_zero_point", TensorProto.DataType.INT8, new byte[] {0}))
        .addNode(node("DequantizeLinear", name + "_dequantize",
            List.of(name + "_quantized", name + "_scale", name + "_zero_point"), name));
    return name;
  }

  /** A [batch, width] tensor, or [batch] when width is negative. */
  private static ValueInfoProto tensorInfo(String name, TensorProto.DataType type, int width) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH_DIM));
    if (width >= 0) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
        .build();
  }
}
