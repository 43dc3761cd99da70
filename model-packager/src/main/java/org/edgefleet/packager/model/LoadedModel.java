package org.edgefleet.packager.model;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.protocol.bundle.Manifest.Quantization;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * A model file opened in its real runtime, whatever its format: what the packager reads from a
 * model and runs it with. Inputs and outputs carry the model's own names, dtypes, shapes (-1 for a
 * dynamic dimension) and, where the model names them, symbolic dimension names. Open one with
 * {@link ModelFiles#open}, which picks the format from the file's content.
 */
public interface LoadedModel extends AutoCloseable {

  ModelFormat format();

  List<TensorSpec> inputs();

  List<TensorSpec> outputs();

  /** The default-domain ONNX opset; empty for TFLite, which versions each operator instead. */
  OptionalInt opset();

  Quantization quantization();

  /** Names of the (single tabular) input's columns from the model's metadata; empty when it has none. */
  List<String> featureNames();

  /** Runs the model once; the result holds every output, in the model's output order. */
  Map<String, Tensor> run(Map<String, Tensor> feeds) throws ModelException;

  /** Per-input and per-output notes worth showing a user (TFLite scale and zero point), by tensor name. */
  Map<String, String> tensorNotes();

  @Override
  void close() throws ModelException;
}
