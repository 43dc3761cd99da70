package org.edgefleet.packager.tflite;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.edgefleet.protocol.bundle.Manifest.Quantization;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.QuantizationParameters;
import org.tensorflow.lite.schema.SubGraph;
import org.tensorflow.lite.schema.Tensor;
import org.tensorflow.lite.schema.TensorType;

/**
 * Tells from the flatbuffer how a TFLite model was quantized, so the manifest states it without
 * the operator having to: constant tensors with scales are quantized weights (per-channel when a
 * tensor has more than one scale), quantized non-constant tensors are quantized activations
 * (the converter's full-integer or "static" quantization); float16 constants are float16 weights.
 */
final class QuantizationReader {

  private QuantizationReader() {}

  static Quantization read(byte[] model) {
    Model m = Model.getRootAsModel(ByteBuffer.wrap(model));
    List<String> weights = new ArrayList<>();
    String elementType = null;
    boolean perChannel = false;
    boolean activations = false;
    boolean halfWeights = false;
    for (int g = 0; g < m.subgraphsLength(); g++) {
      SubGraph graph = m.subgraphs(g);
      for (int i = 0; i < graph.tensorsLength(); i++) {
        Tensor t = graph.tensors(i);
        boolean constant = t.buffer() > 0 && t.buffer() < m.buffersLength() && m.buffers((int) t.buffer()).dataLength() > 0;
        QuantizationParameters q = t.quantization();
        boolean quantized = q != null && q.scaleLength() > 0;
        if (constant && t.type() == TensorType.FLOAT16) {
          halfWeights = true;
          weights.add(t.name());
        } else if (quantized && constant) {
          weights.add(t.name());
          perChannel |= q.scaleLength() > 1;
          if (t.type() == TensorType.INT8 || t.type() == TensorType.UINT8) {
            elementType = TensorType.name(t.type()).toLowerCase(Locale.ROOT);
          }
        } else if (quantized && (t.type() == TensorType.INT8 || t.type() == TensorType.UINT8 || t.type() == TensorType.INT16)) {
          activations = true;
          elementType = elementType == null ? TensorType.name(t.type()).toLowerCase(Locale.ROOT) : elementType;
        }
      }
    }
    if (weights.isEmpty() && !activations) {
      return Quantization.NONE;
    }
    if (halfWeights && elementType == null) {
      return new Quantization("float16-weight-only", "per-tensor", List.copyOf(weights));
    }
    String type = elementType == null ? "int8" : elementType;
    List<String> what = new ArrayList<>(weights);
    if (activations) {
      what.add("activations");
    }
    String granularity = weights.isEmpty() ? null : perChannel ? "per-channel" : "per-tensor";
    return new Quantization(type + (activations ? "-static" : "-weight-only"), granularity, List.copyOf(what));
  }
}
