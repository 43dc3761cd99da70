package org.edgefleet.packager;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.edgefleet.packager.csv.CsvTable;
import org.edgefleet.packager.feeds.DataFiles;
import org.edgefleet.packager.feeds.DimValues;
import org.edgefleet.packager.feeds.FeedConformer;
import org.edgefleet.packager.model.LoadedModel;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.packager.vectors.ExpectedOutputs;
import org.edgefleet.packager.vectors.TestVectors;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * The user's data for one model, read after the model: files (or a CSV table) turned into calls
 * that fit every input. Tabular inputs get their feature names here, from the model's metadata or
 * a CSV header.
 */
final class ModelData {

  /** Files given as {@code FILE} or {@code NAME=FILE} values, or a CSV table from the library API. */
  record Source(List<String> files, CsvTable table, String label) {
    static Source files(List<String> values, String label) {
      return values == null || values.isEmpty() ? null : new Source(List.copyOf(values), null, label);
    }

    static Source table(CsvTable table, String label) {
      return new Source(List.of(), table, label);
    }
  }

  /** Calls for the model's inputs, and the CSV's feature names when a table named the columns. */
  record Calls(List<Map<String, Tensor>> calls, String source, List<String> features) {}

  private final LoadedModel model;
  private final DimValues dims;
  private final boolean lossyCast;
  private final Map<String, long[]> rawShapes;
  private final Map<String, Double> constants;

  ModelData(LoadedModel model, DimValues dims, boolean lossyCast, Map<String, long[]> rawShapes,
      Map<String, Double> constants) throws PackagingException {
    this.model = model;
    this.dims = dims;
    this.lossyCast = lossyCast;
    this.rawShapes = rawShapes;
    this.constants = constants;
    List<String> names = model.inputs().stream().map(TensorSpec::name).toList();
    for (String name : constants.keySet()) {
      if (!names.contains(name)) {
        throw new PackagingException("--constant " + name + "=...: the model has no input '" + name + "'; its inputs are "
            + names);
      }
    }
  }

  Calls inputs(Source source, Set<String> stateInputs) throws PackagingException, IOException {
    if (source == null) {
      return null;
    }
    DataFiles.Loaded loaded = load(model.inputs(), source);
    List<Map<String, Tensor>> calls = new FeedConformer(model.inputs(), dims, constants, lossyCast)
        .calls(loaded.arrays(), loaded.source(), stateInputs);
    return new Calls(calls, loaded.source(), loaded.features());
  }

  private Calls expected(Source source) throws PackagingException, IOException {
    if (source == null) {
      return null;
    }
    DataFiles.Loaded loaded = load(model.outputs(), source);
    return new Calls(new FeedConformer(model.outputs(), dims, Map.of(), lossyCast).partialCalls(loaded.arrays(), loaded.source()),
        loaded.source(), List.of());
  }

  /**
   * Runs the calls (a sequence when {@code stateFrom} names state) and checks the model reproduces
   * the expected outputs within the tolerance; nothing to do without expected outputs.
   */
  void checkExpected(Source source, List<Map<String, Tensor>> calls, Map<String, String> stateFrom, double tolerance,
      Consumer<String> progress) throws PackagingException, IOException, ModelException {
    Calls expected = expected(source);
    if (expected == null) {
      return;
    }
    progress.accept("checking the model reproduces " + expected.source());
    List<Map<String, Tensor>> actual = TestVectors.sequence(model, calls, stateFrom, tolerance).stream()
        .map(TestVector::expected).toList();
    double maxError = ExpectedOutputs.check(actual, expected.calls(), tolerance, expected.source());
    progress.accept(String.format(Locale.ROOT, "expected outputs reproduced: max abs error %.3g over %d samples",
        maxError, calls.size()));
  }

  /**
   * The model's inputs as the manifest describes them: the tabular input (one input [batch, n])
   * names its columns by the model's metadata, else by the CSV header, else {@code col_0 ..
   * col_n-1}, so that its reference statistics are per feature whatever the data file was.
   */
  List<TensorSpec> describedInputs(List<String> csvFeatures) throws PackagingException {
    List<TensorSpec> inputs = model.inputs();
    if (inputs.size() != 1 || inputs.get(0).shape().size() != 2 || inputs.get(0).shape().get(1) < 1
        || inputs.get(0).shape().get(1) > BundleLimits.DEFAULT.maxFeatures()) {
      return inputs;
    }
    TensorSpec in = inputs.get(0);
    int width = Math.toIntExact(in.shape().get(1));
    List<String> names = !model.featureNames().isEmpty() ? model.featureNames() : csvFeatures;
    if (names.isEmpty()) {
      names = IntStream.range(0, width).mapToObj(i -> "col_" + i).toList();
    }
    if (names.size() != width) {
      throw new PackagingException("the model's metadata names " + names.size() + " features " + names
          + " but input '" + in.name() + "' takes " + width + " values per row");
    }
    return List.of(in.withFeatures(names));
  }

  private DataFiles.Loaded load(List<TensorSpec> tensors, Source source) throws PackagingException, IOException {
    DataFiles files = new DataFiles(tensors, model.featureNames(), rawShapes, dims, lossyCast);
    return source.table() != null ? files.read(source.table(), source.label()) : files.read(source.files());
  }
}
