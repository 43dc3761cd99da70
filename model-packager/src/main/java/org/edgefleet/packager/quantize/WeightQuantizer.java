package org.edgefleet.packager.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Weight-only int8: every float weight initializer of a {@link QuantizableOp} node becomes an
 * int8 initializer, its scales and a zero point of 0, and a DequantizeLinear whose output keeps
 * the weight's name, so every consumer reads it unchanged. Everything else stays as it was.
 * A weight is left float when it is a graph input (callers may override it), when it is not a
 * float initializer, or when two nodes would need it quantized along different axes.
 */
final class WeightQuantizer {

  /** One node whose weight was quantized, and the scales its weight got (null while only a candidate). */
  record QuantizedNode(NodeProto node, QuantizableOp op, SymmetricInt8 weight) {}

  /** The rewritten graph and what was quantized, in node order. */
  record Result(GraphProto graph, List<QuantizedNode> nodes, List<String> weights, long weightValues, long floatBytes,
      long quantizedBytes) {}

  private WeightQuantizer() {}

  static Result apply(GraphProto graph, Set<QuantizableOp> ops, Granularity granularity) throws QuantizationException {
    Map<String, TensorProto> initializers = graph.getInitializerList().stream()
        .collect(Collectors.toMap(TensorProto::getName, t -> t, (a, b) -> a));
    Set<String> graphInputs = graph.getInputList().stream().map(ValueInfoProto::getName).collect(Collectors.toSet());

    // The axis each weight must be quantized along; null marks a weight two nodes disagree on.
    Map<String, Integer> axisOf = new LinkedHashMap<>();
    List<QuantizedNode> candidates = new ArrayList<>();
    for (NodeProto node : graph.getNodeList()) {
      QuantizableOp op = QuantizableOp.of(node.getOpType()).filter(ops::contains).orElse(null);
      if (op == null || node.getInputCount() <= QuantizableOp.WEIGHT_INPUT) {
        continue;
      }
      String weight = node.getInput(QuantizableOp.WEIGHT_INPUT);
      TensorProto tensor = initializers.get(weight);
      if (tensor == null || !OnnxTensors.isFloat(tensor) || graphInputs.contains(weight)) {
        continue;
      }
      OptionalInt channelAxis = op.channelAxis(node, OnnxTensors.dims(tensor));
      if (channelAxis.isEmpty()) {
        continue;
      }
      int axis = granularity == Granularity.PER_CHANNEL ? channelAxis.getAsInt() : SymmetricInt8.PER_TENSOR;
      axisOf.merge(weight, axis, (a, b) -> a.equals(b) ? a : null);
      candidates.add(new QuantizedNode(node, op, null));
    }

    GraphNames names = GraphNames.of(graph);
    Map<String, SymmetricInt8> quantized = new HashMap<>();
    List<NodeProto> dequantizers = new ArrayList<>();
    List<TensorProto> added = new ArrayList<>();
    long values = 0;
    long quantizedBytes = 0;
    for (Map.Entry<String, Integer> entry : axisOf.entrySet()) {
      if (entry.getValue() == null) {
        continue;
      }
      String weight = entry.getKey();
      TensorProto tensor = initializers.get(weight);
      long[] dims = OnnxTensors.dims(tensor);
      SymmetricInt8 q = SymmetricInt8.quantize(OnnxTensors.floats(tensor), dims, entry.getValue());
      quantized.put(weight, q);
      values += q.values().length;
      quantizedBytes += q.values().length + (long) q.scales().length * (Float.BYTES + 1);
      String base = names.fresh(weight + "_quantized");
      String scale = names.fresh(weight + "_scale");
      String zeroPoint = names.fresh(weight + "_zero_point");
      boolean perChannel = q.axis() != SymmetricInt8.PER_TENSOR;
      long[] paramDims = perChannel ? new long[] {q.scales().length} : new long[0];
      added.add(OnnxTensors.byteTensor(base, TensorProto.DataType.INT8, q.values(), dims));
      added.add(OnnxTensors.floatTensor(scale, q.scales(), paramDims));
      added.add(OnnxTensors.byteTensor(zeroPoint, TensorProto.DataType.INT8, new byte[q.scales().length], paramDims));
      NodeProto dequantize = OnnxTensors.node("DequantizeLinear", names.fresh(weight + "_dequantize"),
          List.of(base, scale, zeroPoint), weight);
      if (perChannel) {
        dequantize = dequantize.toBuilder().addAttribute(OnnxTensors.intAttribute("axis", q.axis())).build();
      }
      dequantizers.add(dequantize);
    }

    GraphProto.Builder out = graph.toBuilder().clearInitializer().clearNode();
    graph.getInitializerList().stream().filter(t -> !quantized.containsKey(t.getName())).forEach(out::addInitializer);
    added.forEach(out::addInitializer);
    dequantizers.forEach(out::addNode);
    out.addAllNode(graph.getNodeList());

    List<QuantizedNode> nodes = new ArrayList<>();
    for (QuantizedNode candidate : candidates) {
      SymmetricInt8 q = quantized.get(candidate.node().getInput(QuantizableOp.WEIGHT_INPUT));
      if (q != null) {
        nodes.add(new QuantizedNode(candidate.node(), candidate.op(), q));
      }
    }
    return new Result(out.build(), List.copyOf(nodes), List.copyOf(quantized.keySet().stream().sorted().toList()),
        values, values * Float.BYTES, quantizedBytes);
  }
}
