package org.edgefleet.packager.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The operators whose weights the quantizer turns into int8, with where each keeps its weight
 * and bias and along which axis of the weight its output channels run: one scale per output
 * channel keeps a channel of small weights from losing its precision to a channel of large ones.
 */
enum QuantizableOp {
  /** Y = A x B; B [K, N] has its output channels in columns (axis 1; the last axis of a batched B). */
  MATMUL("MatMul"),
  /** Y = alpha A' x B' + beta C; B is [K, N], or [N, K] with transB = 1; C is the bias. */
  GEMM("Gemm"),
  /** W [M, C/group, kH, kW...] has one filter per output channel along axis 0; B is the bias. */
  CONV("Conv");

  static final int ACTIVATION_INPUT = 0;
  static final int WEIGHT_INPUT = 1;
  static final int BIAS_INPUT = 2;

  private final String opType;

  QuantizableOp(String opType) {
    this.opType = opType;
  }

  String opType() {
    return opType;
  }

  static Optional<QuantizableOp> of(String opType) {
    for (QuantizableOp op : values()) {
      if (op.opType.equals(opType)) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }

  /** The output-channel axis of a weight of shape {@code dims} in {@code node}, empty when the weight has none. */
  OptionalInt channelAxis(NodeProto node, long[] dims) {
    return switch (this) {
      case MATMUL -> dims.length >= 2 ? OptionalInt.of(dims.length - 1) : OptionalInt.empty();
      case GEMM -> dims.length == 2
          ? OptionalInt.of(OnnxTensors.intAttribute(node, "transB", 0) != 0 ? 0 : 1) : OptionalInt.empty();
      case CONV -> dims.length >= 3 ? OptionalInt.of(0) : OptionalInt.empty();
    };
  }

  boolean hasBias() {
    return this != MATMUL;
  }
}
