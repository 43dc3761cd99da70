package org.edgefleet.packager.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.edgefleet.protocol.bundle.Manifest.Quantization;

/**
 * Tells from the graph how a model was quantized, so the manifest states it without the
 * operator having to. Recognises the forms ONNX Runtime's quantization tools and our exporter
 * write: DequantizeLinear on integer initializers (weights), QuantizeLinear or QLinear* ops
 * (static activation quantization) and DynamicQuantizeLinear / *Integer ops (dynamic).
 */
final class QuantizationDetector {

  private QuantizationDetector() {}

  static Quantization detect(GraphProto graph) {
    Map<String, TensorProto> initializers = graph.getInitializerList().stream()
        .collect(Collectors.toMap(TensorProto::getName, Function.identity(), (a, b) -> a));
    List<String> weights = new ArrayList<>();
    boolean perChannel = false;
    String elementType = "int8";
    boolean staticActivations = false;
    boolean dynamicActivations = false;
    for (NodeProto node : graph.getNodeList()) {
      String op = node.getOpType();
      if (op.equals("DequantizeLinear") && node.getInputCount() >= 2 && initializers.containsKey(node.getInput(0))) {
        TensorProto quantized = initializers.get(node.getInput(0));
        weights.add(quantized.getName());
        TensorProto.DataType type = TensorProto.DataType.forNumber(quantized.getDataType());
        elementType = type == null ? elementType : type.name().toLowerCase(Locale.ROOT);
        TensorProto scale = initializers.get(node.getInput(1));
        perChannel |= scale != null && scale.getDimsList().stream().anyMatch(d -> d > 1);
      } else if (op.equals("QuantizeLinear") || op.startsWith("QLinear")) {
        staticActivations = true;
      } else if (op.equals("DynamicQuantizeLinear") || op.endsWith("Integer")) {
        dynamicActivations = true;
      }
    }
    if (weights.isEmpty() && !staticActivations && !dynamicActivations) {
      return Quantization.NONE;
    }
    String kind = staticActivations ? "static" : dynamicActivations ? "dynamic" : "weight-only";
    List<String> what = new ArrayList<>(weights);
    if (staticActivations || dynamicActivations) {
      what.add("activations");
    }
    String granularity = weights.isEmpty() ? null : perChannel ? "per-channel" : "per-tensor";
    return new Quantization(elementType + "-" + kind, granularity, what);
  }
}
