package org.edgefleet.packager.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.edgefleet.packager.quantize.ActivationType.QuantParams;
import org.edgefleet.packager.quantize.WeightQuantizer.QuantizedNode;

/**
 * Static QDQ quantization of activations: the activation input and the output of every node
 * whose weight was quantized get a QuantizeLinear/DequantizeLinear pair right after the node
 * (or graph input) that produces them, with the calibrated scale and zero point, and the
 * node's float bias becomes int32 at scale {@code x_scale * w_scale[c]}. ONNX Runtime's QDQ
 * fusion then runs DQ-Conv-Q as QLinearConv, DQ-MatMul-Q as QLinearMatMul and DQ-Gemm-Q as
 * QGemm. Graph outputs keep their float values.
 */
final class ActivationQuantizer {

  private ActivationQuantizer() {}

  /**
   * The activations to calibrate: inputs and outputs of the quantized nodes that are not
   * initializers. An output read only by a Relu is quantized after the Relu instead, so that ONNX
   * Runtime folds the Relu into the integer kernel (a uint8 range starting at 0 is a Relu).
   */
  static Set<String> activationsOf(GraphProto graph, List<QuantizedNode> nodes) {
    Set<String> initializers = graph.getInitializerList().stream().map(TensorProto::getName).collect(Collectors.toSet());
    Set<String> graphOutputs = graph.getOutputList().stream().map(ValueInfoProto::getName).collect(Collectors.toSet());
    Map<String, List<NodeProto>> consumers = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      node.getInputList().forEach(input -> consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node));
    }
    Set<String> names = new LinkedHashSet<>();
    for (QuantizedNode q : nodes) {
      names.add(q.node().getInput(QuantizableOp.ACTIVATION_INPUT));
      String output = q.node().getOutput(0);
      List<NodeProto> readers = consumers.getOrDefault(output, List.of());
      boolean onlyRelu = readers.size() == 1 && readers.get(0).getOpType().equals("Relu") && !graphOutputs.contains(output);
      names.add(onlyRelu ? readers.get(0).getOutput(0) : output);
    }
    names.removeAll(initializers);
    names.remove("");
    return names;
  }

  static GraphProto apply(GraphProto graph, List<QuantizedNode> nodes, Map<String, ActivationCalibrator.Range> ranges,
      ActivationType type) {
    GraphNames names = GraphNames.of(graph);
    Map<String, QuantParams> params = new LinkedHashMap<>();
    ranges.forEach((name, range) -> params.put(name, type.params(range.min(), range.max())));

    List<TensorProto> initializers = new ArrayList<>(graph.getInitializerList());
    List<NodeProto> biasDequantizers = new ArrayList<>();
    quantizeBiases(graph, nodes, params, names, initializers, biasDequantizers);

    Map<String, String> dequantized = new HashMap<>();
    Map<String, List<NodeProto>> pairs = new HashMap<>();
    for (Map.Entry<String, QuantParams> entry : params.entrySet()) {
      String tensor = entry.getKey();
      String scale = names.fresh(tensor + "_scale");
      String zeroPoint = names.fresh(tensor + "_zero_point");
      String quantized = names.fresh(tensor + "_quantized");
      String restored = names.fresh(tensor + "_dequantized");
      initializers.add(OnnxTensors.floatTensor(scale, new float[] {entry.getValue().scale()}));
      initializers.add(OnnxTensors.byteTensor(zeroPoint, type.onnxType, new byte[] {(byte) entry.getValue().zeroPoint()}));
      pairs.put(tensor, List.of(
          OnnxTensors.node("QuantizeLinear", names.fresh(tensor + "_quantize"), List.of(tensor, scale, zeroPoint), quantized),
          OnnxTensors.node("DequantizeLinear", names.fresh(tensor + "_dequantize"),
              List.of(quantized, scale, zeroPoint), restored)));
      dequantized.put(tensor, restored);
    }

    GraphProto.Builder out = graph.toBuilder().clearNode().clearInitializer().addAllInitializer(initializers);
    biasDequantizers.forEach(out::addNode);
    for (ValueInfoProto input : graph.getInputList()) {
      pairs.getOrDefault(input.getName(), List.of()).forEach(out::addNode);
    }
    for (NodeProto node : graph.getNodeList()) {
      NodeProto.Builder rewired = node.toBuilder().clearInput();
      for (String input : node.getInputList()) {
        rewired.addInput(dequantized.getOrDefault(input, input));
      }
      out.addNode(rewired);
      for (String output : node.getOutputList()) {
        pairs.getOrDefault(output, List.of()).forEach(out::addNode);
      }
    }
    return out.build();
  }

  /**
   * Replaces each quantized Conv/Gemm's float bias by int32 values with a DequantizeLinear of the
   * bias's name, when the bias is a 1-D initializer only that node reads and its activation input
   * was calibrated. Other biases stay float (the node then keeps float arithmetic).
   */
  private static void quantizeBiases(GraphProto graph, List<QuantizedNode> nodes, Map<String, QuantParams> params,
      GraphNames names, List<TensorProto> initializers, List<NodeProto> dequantizers) {
    Map<String, Long> reads = graph.getNodeList().stream().flatMap(n -> n.getInputList().stream())
        .collect(Collectors.groupingBy(n -> n, Collectors.counting()));
    Set<String> graphInputs = graph.getInputList().stream().map(ValueInfoProto::getName).collect(Collectors.toSet());
    for (QuantizedNode q : nodes) {
      NodeProto node = q.node();
      if (!q.op().hasBias() || node.getInputCount() <= QuantizableOp.BIAS_INPUT) {
        continue;
      }
      String bias = node.getInput(QuantizableOp.BIAS_INPUT);
      QuantParams input = params.get(node.getInput(QuantizableOp.ACTIVATION_INPUT));
      int index = indexOf(initializers, bias);
      if (input == null || index < 0 || reads.getOrDefault(bias, 0L) != 1 || graphInputs.contains(bias)) {
        continue;
      }
      TensorProto tensor = initializers.get(index);
      float[] scales = q.weight().scales();
      if (!OnnxTensors.isFloat(tensor) || tensor.getDimsCount() != 1
          || (scales.length > 1 && tensor.getDims(0) != scales.length)) {
        continue;
      }
      float[] values;
      try {
        values = OnnxTensors.floats(tensor);
      } catch (QuantizationException e) {
        continue; // external data: the bias stays as it is
      }
      float[] biasScales = new float[scales.length];
      for (int c = 0; c < scales.length; c++) {
        biasScales[c] = input.scale() * scales[c];
      }
      int[] quantized = new int[values.length];
      for (int i = 0; i < values.length; i++) {
        double step = biasScales[scales.length > 1 ? i : 0];
        quantized[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round(values[i] / step)));
      }
      long[] paramDims = scales.length > 1 ? new long[] {scales.length} : new long[0];
      String base = names.fresh(bias + "_quantized");
      String scale = names.fresh(bias + "_scale");
      String zeroPoint = names.fresh(bias + "_zero_point");
      initializers.remove(index);
      initializers.add(OnnxTensors.int32Tensor(base, quantized, values.length));
      initializers.add(OnnxTensors.floatTensor(scale, biasScales, paramDims));
      initializers.add(OnnxTensors.int32Tensor(zeroPoint, new int[biasScales.length], paramDims));
      NodeProto dequantize = OnnxTensors.node("DequantizeLinear", names.fresh(bias + "_dequantize"),
          List.of(base, scale, zeroPoint), bias);
      if (scales.length > 1) {
        dequantize = dequantize.toBuilder().addAttribute(OnnxTensors.intAttribute("axis", 0)).build();
      }
      dequantizers.add(dequantize);
    }
  }

  private static int indexOf(List<TensorProto> initializers, String name) {
    for (int i = 0; i < initializers.size(); i++) {
      if (initializers.get(i).getName().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
