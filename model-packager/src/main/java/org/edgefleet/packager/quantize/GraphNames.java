package org.edgefleet.packager.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashSet;
import java.util.Set;

/** Hands out value and node names that the graph does not use yet, so inserted nodes never shadow a tensor. */
final class GraphNames {

  private final Set<String> taken;

  private GraphNames(Set<String> taken) {
    this.taken = taken;
  }

  static GraphNames of(GraphProto graph) {
    Set<String> taken = new HashSet<>();
    graph.getInitializerList().stream().map(TensorProto::getName).forEach(taken::add);
    graph.getInputList().stream().map(ValueInfoProto::getName).forEach(taken::add);
    graph.getOutputList().stream().map(ValueInfoProto::getName).forEach(taken::add);
    graph.getValueInfoList().stream().map(ValueInfoProto::getName).forEach(taken::add);
    for (NodeProto node : graph.getNodeList()) {
      taken.add(node.getName());
      taken.addAll(node.getInputList());
      taken.addAll(node.getOutputList());
    }
    return new GraphNames(taken);
  }

  /** {@code wanted}, or {@code wanted_2}, {@code wanted_3}... whichever is free first; reserves it. */
  String fresh(String wanted) {
    String name = wanted;
    for (int i = 2; !taken.add(name); i++) {
      name = wanted + "_" + i;
    }
    return name;
  }
}
