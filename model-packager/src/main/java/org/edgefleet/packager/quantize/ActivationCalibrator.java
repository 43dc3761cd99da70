package org.edgefleet.packager.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Runs the float model on calibration feeds with the activations of interest made graph
 * outputs, and takes each activation's range: min/max in one pass, percentiles from a
 * histogram between min and max in a second pass.
 */
final class ActivationCalibrator {

  /** A calibrated range, always containing 0. */
  record Range(float min, float max) {}

  private ActivationCalibrator() {}

  static Map<String, Range> calibrate(ModelProto floatModel, Set<String> activations, List<Map<String, Tensor>> feeds,
      ActivationRange method) throws QuantizationException, IOException {
    Path file = Files.createTempFile("edgefleet-calibration", ".onnx");
    try {
      Files.write(file, withOutputs(floatModel, activations).toByteArray());
      try (OnnxModel model = OnnxModel.open(file)) {
        Map<String, float[]> minMax = new LinkedHashMap<>();
        for (Map<String, Tensor> feed : feeds) {
          Map<String, Tensor> out = model.run(feed);
          for (String name : activations) {
            float[] values = out.get(name).floats();
            float[] range = minMax.computeIfAbsent(name, n -> new float[] {0, 0});
            for (float v : values) {
              if (!Float.isFinite(v)) {
                throw new QuantizationException("activation '" + name + "' took a non-finite value on the calibration"
                    + " data; the float model does not run cleanly on these rows");
              }
              range[0] = Math.min(range[0], v);
              range[1] = Math.max(range[1], v);
            }
          }
        }
        return method.isMinMax() ? ranges(minMax) : percentiles(model, activations, feeds, minMax, method.percentile());
      }
    } catch (ModelException e) {
      throw new QuantizationException("calibration run failed: " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static Map<String, Range> ranges(Map<String, float[]> minMax) {
    return minMax.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        e -> new Range(e.getValue()[0], e.getValue()[1]), (a, b) -> a, LinkedHashMap::new));
  }

  private static Map<String, Range> percentiles(OnnxModel model, Set<String> activations,
      List<Map<String, Tensor>> feeds, Map<String, float[]> minMax, double percentile) throws ModelException {
    int bins = ActivationRange.HISTOGRAM_BINS;
    Map<String, long[]> histograms = new LinkedHashMap<>();
    for (Map<String, Tensor> feed : feeds) {
      Map<String, Tensor> out = model.run(feed);
      for (String name : activations) {
        float[] range = minMax.get(name);
        long[] counts = histograms.computeIfAbsent(name, n -> new long[bins]);
        double width = Math.max(range[1] - range[0], Float.MIN_NORMAL) / bins;
        for (float v : out.get(name).floats()) {
          counts[(int) Math.min(bins - 1, Math.max(0, (v - range[0]) / width))]++;
        }
      }
    }
    Map<String, Range> result = new LinkedHashMap<>();
    for (String name : activations) {
      float[] range = minMax.get(name);
      long[] counts = histograms.get(name);
      long total = 0;
      for (long c : counts) {
        total += c;
      }
      double width = Math.max(range[1] - range[0], Float.MIN_NORMAL) / bins;
      long tail = (long) Math.floor(total * (100 - percentile) / 100);
      // The first bin from each end past which more than the allowed tail of values lies.
      int low = 0;
      for (long below = counts[0]; below <= tail && low < bins - 1; below += counts[low]) {
        low++;
      }
      int high = bins - 1;
      for (long above = counts[bins - 1]; above <= tail && high > 0; above += counts[high]) {
        high--;
      }
      float lowEdge = (float) (range[0] + low * width);
      float highEdge = (float) Math.min(range[1], range[0] + (high + 1) * width);
      result.put(name, new Range(Math.min(0, lowEdge), Math.max(0, highEdge)));
    }
    return result;
  }

  /** The model with every named activation also a graph output (float, shape left to the runtime). */
  private static ModelProto withOutputs(ModelProto model, Set<String> activations) {
    GraphProto graph = model.getGraph();
    Set<String> outputs = graph.getOutputList().stream().map(ValueInfoProto::getName).collect(Collectors.toSet());
    GraphProto.Builder augmented = graph.toBuilder();
    for (String name : activations) {
      if (!outputs.contains(name)) {
        augmented.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
      }
    }
    return model.toBuilder().setGraph(augmented).build();
  }
}
