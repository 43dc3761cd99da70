package org.edgefleet.packager.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import java.util.Map;
import java.util.TreeSet;

/**
 * The default-domain opset a quantized model needs: DequantizeLinear with an {@code axis}
 * (per-channel) exists from opset 13, QuantizeLinear/DequantizeLinear at all from opset 10.
 * A model below that is raised to it only when every operator it uses means the same at the
 * higher opset; otherwise it is refused, naming the operators, because silently changing what
 * e.g. Softmax or Squeeze does would change the model.
 */
final class OpsetPolicy {

  static final int PER_CHANNEL_OPSET = 13;
  static final int QDQ_OPSET = 10;
  /** Opset 13 models need IR version 7 or later. */
  private static final long IR_FOR_OPSET_13 = 7;

  /**
   * Operators whose meaning at opset 13 is the same as at every opset from the one given: a
   * model at or above that opset may be raised. Operators not listed changed meaning before 13
   * (Softmax, Squeeze, Unsqueeze, Split, ReduceSum, Resize, Upsample...) or were not checked.
   */
  private static final Map<String, Integer> SAME_MEANING_SINCE = Map.ofEntries(
      Map.entry("Conv", 1), Map.entry("MatMul", 1), Map.entry("Gemm", 7), Map.entry("Relu", 6),
      Map.entry("LeakyRelu", 6), Map.entry("Sigmoid", 6), Map.entry("Tanh", 6), Map.entry("Add", 7),
      Map.entry("Sub", 7), Map.entry("Mul", 7), Map.entry("Div", 7), Map.entry("MaxPool", 8),
      Map.entry("AveragePool", 7), Map.entry("GlobalAveragePool", 1), Map.entry("GlobalMaxPool", 1),
      Map.entry("Flatten", 1), Map.entry("Reshape", 5), Map.entry("Transpose", 1), Map.entry("Concat", 4),
      Map.entry("Identity", 1), Map.entry("Cast", 6), Map.entry("BatchNormalization", 9), Map.entry("Gather", 1),
      Map.entry("Shape", 1), Map.entry("ArgMax", 1), Map.entry("ArgMin", 1), Map.entry("Exp", 6),
      Map.entry("Log", 6), Map.entry("Sqrt", 6), Map.entry("Abs", 6), Map.entry("Neg", 6), Map.entry("Clip", 11),
      Map.entry("Pad", 11), Map.entry("Slice", 11), Map.entry("ReduceMean", 1), Map.entry("ReduceMax", 1),
      Map.entry("Pow", 7), Map.entry("Sum", 8), Map.entry("Max", 8), Map.entry("Min", 8), Map.entry("Constant", 1),
      Map.entry("Dropout", 12), Map.entry("QuantizeLinear", 10), Map.entry("DequantizeLinear", 10));

  private OpsetPolicy() {}

  /** The model at {@code required} or above; raised when safe, else a refusal that names the operators. */
  static ModelProto ensure(ModelProto model, int required, String hint) throws QuantizationException {
    int index = defaultDomainIndex(model);
    if (index < 0) {
      throw new QuantizationException("the model imports no default-domain (ai.onnx) opset; it is not a standard ONNX model");
    }
    long current = model.getOpsetImport(index).getVersion();
    if (current >= required) {
      return model;
    }
    if (current < QDQ_OPSET) {
      throw new QuantizationException("the model is at opset " + current + ", below " + QDQ_OPSET
          + " where QuantizeLinear/DequantizeLinear begin; re-export it at opset " + required + " or later");
    }
    TreeSet<String> blocking = new TreeSet<>();
    for (NodeProto node : model.getGraph().getNodeList()) {
      boolean defaultDomain = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
      boolean hasSubgraph = node.getAttributeList().stream()
          .anyMatch(a -> a.getType() == AttributeProto.AttributeType.GRAPH || a.getType() == AttributeProto.AttributeType.GRAPHS);
      Integer since = SAME_MEANING_SINCE.get(node.getOpType());
      if (defaultDomain && (hasSubgraph || since == null || since > current)) {
        blocking.add(node.getOpType());
      }
    }
    if (!blocking.isEmpty()) {
      throw new QuantizationException("the model is at opset " + current + " and quantizing it needs opset " + required
          + ", but " + blocking + " may mean something else at opset " + required
          + "; re-export the model at opset " + required + " or later" + hint);
    }
    OperatorSetIdProto raised = model.getOpsetImport(index).toBuilder().setVersion(required).build();
    return model.toBuilder().setOpsetImport(index, raised)
        .setIrVersion(Math.max(model.getIrVersion(), IR_FOR_OPSET_13)).build();
  }

  private static int defaultDomainIndex(ModelProto model) {
    for (int i = 0; i < model.getOpsetImportCount(); i++) {
      String domain = model.getOpsetImport(i).getDomain();
      if (domain.isEmpty() || domain.equals("ai.onnx")) {
        return i;
      }
    }
    return -1;
  }
}
