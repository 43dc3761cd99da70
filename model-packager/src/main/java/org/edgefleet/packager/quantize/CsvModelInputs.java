package org.edgefleet.packager.quantize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.edgefleet.packager.FeatureColumns;
import org.edgefleet.packager.PackagingException;
import org.edgefleet.packager.csv.CsvTable;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Rows of a CSV table for a model with one float32 input: each row is one sample, its values
 * the input's non-batch dimensions flattened row-major (8 columns for [batch, 8], 64 for
 * [batch, 1, 8, 8]). Columns are picked by the model's feature names when it has them, as
 * {@code package} does; otherwise the table must be exactly as wide as one sample.
 */
public final class CsvModelInputs implements ModelInputs {

  private final CsvTable table;
  private final String source;

  private CsvModelInputs(CsvTable table, String source) {
    this.table = table;
    this.source = source;
  }

  public static CsvModelInputs read(Path csv) throws IOException {
    return new CsvModelInputs(CsvTable.read(csv), csv.toString());
  }

  public static CsvModelInputs of(CsvTable table, String source) {
    return new CsvModelInputs(table, source);
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public List<Map<String, Tensor>> feeds(List<TensorSpec> inputs, List<String> featureNames, int maxRows)
      throws QuantizationException {
    if (inputs.size() != 1) {
      throw new QuantizationException(source + ": a CSV table feeds models with one input, this model has "
          + inputs.size() + " " + inputs.stream().map(TensorSpec::name).toList());
    }
    TensorSpec input = inputs.get(0);
    List<Long> shape = input.shape();
    long[] sample = shape.stream().skip(1).mapToLong(Long::longValue).toArray();
    if (input.dtype() != DType.FLOAT32 || shape.size() < 2 || Arrays.stream(sample).anyMatch(d -> d < 1)) {
      throw new QuantizationException(source + ": input '" + input.name() + "' is " + input.dtype().wireName() + " "
          + shape + "; a CSV table feeds a float32 input with a batch dimension and fixed other dimensions");
    }
    int width = Math.toIntExact(Tensor.elementCount(sample));
    float[][] rows;
    try {
      List<String> columns = FeatureColumns.names(featureNames, width, input.name(), table, source);
      rows = FeatureColumns.rows(table, columns, source);
    } catch (PackagingException e) {
      throw new QuantizationException(e.getMessage(), e);
    }
    if (rows.length == 0) {
      throw new QuantizationException(source + " has a header but no rows");
    }
    // A fixed batch dimension takes exactly that many rows a feed; rows past the last full feed are left out.
    boolean fixedBatch = shape.get(0) > 0;
    int perFeed = fixedBatch ? Math.toIntExact(shape.get(0)) : Math.max(1, maxRows);
    if (fixedBatch && rows.length < perFeed) {
      throw new QuantizationException(source + " has " + rows.length + " rows but input '" + input.name()
          + "' takes batches of exactly " + perFeed);
    }
    List<Map<String, Tensor>> feeds = new ArrayList<>();
    for (int start = 0; start + (fixedBatch ? perFeed : 1) <= rows.length; start += perFeed) {
      int count = Math.min(perFeed, rows.length - start);
      float[] data = new float[count * width];
      for (int r = 0; r < count; r++) {
        System.arraycopy(rows[start + r], 0, data, r * width, width);
      }
      long[] dims = new long[shape.size()];
      dims[0] = count;
      System.arraycopy(sample, 0, dims, 1, sample.length);
      feeds.add(Map.of(input.name(), Tensor.ofFloats(dims, data)));
    }
    return List.copyOf(feeds);
  }
}
