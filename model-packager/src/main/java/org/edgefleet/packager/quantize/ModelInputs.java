package org.edgefleet.packager.quantize;

import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Rows of model input the quantizer calibrates on and compares with: a CSV table today
 * ({@link CsvModelInputs}); readers of other files plug in by implementing this.
 */
public interface ModelInputs {

  /** Where the rows come from, for error messages: a file name, usually. */
  String source();

  /**
   * The rows as model feeds: every feed maps each of the model's inputs to a tensor whose first
   * dimension counts the rows in it, at most {@code maxRows}. Rows that do not fit the inputs are
   * refused with a message naming the source, the input and what it takes.
   *
   * @param inputs the model's inputs, as ONNX Runtime reports them
   * @param featureNames the model's names for the columns of its input (from its metadata), possibly empty
   */
  List<Map<String, Tensor>> feeds(List<TensorSpec> inputs, List<String> featureNames, int maxRows)
      throws QuantizationException;
}
