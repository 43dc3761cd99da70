package org.edgefleet.packager.feeds;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.packager.FeatureColumns;
import org.edgefleet.packager.PackagingException;
import org.edgefleet.packager.csv.CsvTable;
import org.edgefleet.protocol.tensor.numpy.Npy;
import org.edgefleet.protocol.tensor.numpy.Npz;
import org.edgefleet.protocol.tensor.numpy.NumpyArray;
import org.edgefleet.protocol.tensor.numpy.RawTensorFile;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Reads the files a user gives for one purpose (test inputs, calibration, expected outputs) into
 * named arrays. A file's kind is told from its content: {@code \x93NUMPY} is a .npy, a zip is an
 * .npz, anything else given alone is a CSV table (for a tabular model: one input [batch, n]).
 * {@code NAME=FILE} gives one tensor's file: a .npy, or else raw little-endian values in the
 * tensor's dtype, shaped by {@code rawShapes} or, without one, as samples of the tensor's shape.
 */
public final class DataFiles {

  private final List<TensorSpec> tensors;
  private final List<String> featureNames;
  private final Map<String, long[]> rawShapes;
  private final DimValues dims;
  private final boolean lossyCast;

  /**
   * @param tensors      the model's inputs (or outputs, for expected values) the files feed
   * @param featureNames the model's names for a tabular input's columns, possibly empty
   */
  public DataFiles(List<TensorSpec> tensors, List<String> featureNames, Map<String, long[]> rawShapes, DimValues dims,
      boolean lossyCast) {
    this.tensors = List.copyOf(tensors);
    this.featureNames = List.copyOf(featureNames);
    this.rawShapes = Map.copyOf(rawShapes);
    this.dims = dims;
    this.lossyCast = lossyCast;
  }

  /** What the files hold, and the CSV's feature names when a table named them. */
  public record Loaded(List<DataArray> arrays, String source, List<String> features) {}

  /** Splits {@code NAME=FILE}; a value that names an existing file is a whole file, whatever it holds. */
  public static Map.Entry<String, Path> parse(String value) {
    Path whole = Path.of(value);
    int eq = value.indexOf('=');
    if (Files.exists(whole) || eq <= 0) {
      return new AbstractMap.SimpleImmutableEntry<>(null, whole);
    }
    return new AbstractMap.SimpleImmutableEntry<>(value.substring(0, eq), Path.of(value.substring(eq + 1)));
  }

  public Loaded read(List<String> values) throws PackagingException, IOException {
    List<DataArray> arrays = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    List<String> features = List.of();
    for (String value : values) {
      Map.Entry<String, Path> entry = parse(value);
      Path file = entry.getValue();
      if (!Files.isRegularFile(file)) {
        throw new PackagingException(value + ": " + file + (Files.exists(file) ? " is not a regular file" : " does not exist"));
      }
      sources.add(file.toString());
      byte[] start = start(file);
      if (entry.getKey() != null) {
        arrays.add(single(entry.getKey(), file, start));
      } else if (isNpy(start)) {
        NumpyArray a = Npy.read(file);
        arrays.add(array(tensors.size() == 1 || !isTensor(a.name()) ? null : a.name(), a, file.toString()));
      } else if (isZip(start)) {
        for (NumpyArray a : Npz.read(file)) {
          arrays.add(array(a.name(), a, file + ":" + a.name()));
        }
      } else {
        CsvTable table = CsvTable.read(file);
        features = csv(table, file.toString(), arrays);
      }
    }
    return new Loaded(List.copyOf(arrays), String.join(", ", sources), features);
  }

  /** A CSV table already in memory (from the library API), for a tabular model. */
  public Loaded read(CsvTable table, String source) throws PackagingException {
    List<DataArray> arrays = new ArrayList<>();
    List<String> features = csv(table, source, arrays);
    return new Loaded(List.copyOf(arrays), source, features);
  }

  private DataArray single(String name, Path file, byte[] start) throws PackagingException, IOException {
    TensorSpec spec = tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow(() ->
        new PackagingException(name + "=" + file + ": the model has no tensor '" + name + "'; it has "
            + tensors.stream().map(TensorSpec::name).toList()));
    if (isNpy(start)) {
      return array(name, Npy.read(file), file.toString());
    }
    long[] shape = rawShapes.get(name);
    if (shape != null) {
      return new DataArray(name, RawTensorFile.read(file, spec.dtype(), shape), file.toString());
    }
    long[] sample = GeneratedFeeds.shape(spec, dims, new HashMap<>());
    List<Tensor> samples = RawTensorFile.readSamples(file, spec.dtype(), sample);
    return new DataArray(name, Batches.stackSamples(samples), file + " (raw " + spec.dtype().wireName() + ", "
        + samples.size() + " samples of " + Shapes.of(sample) + ")");
  }

  private DataArray array(String name, NumpyArray a, String origin) throws PackagingException {
    if (a.narrowed() && !lossyCast) {
      throw new PackagingException(origin + " holds " + a.sourceDtype() + ", which reads as "
          + a.tensor().dtype().wireName() + " only by rounding: save it as " + a.tensor().dtype().wireName()
          + " (a.astype('float32')), or pass --lossy-cast");
    }
    return new DataArray(name, a.tensor(), origin + " (" + a.sourceDtype() + ")");
  }

  /** A tabular model's CSV: one float32 array [rows, n] for its single [batch, n] input. */
  private List<String> csv(CsvTable table, String source, List<DataArray> arrays) throws PackagingException {
    TensorSpec spec = tensors.size() == 1 ? tensors.get(0) : null;
    if (spec == null || spec.shape().size() != 2 || spec.shape().get(1) < 1) {
      throw new PackagingException(source + " reads as a CSV table, which feeds a model with one input of shape "
          + "[batch, n]; this model takes " + tensors.stream().map(Shapes::of).toList()
          + ": give .npy/.npz files (or NAME=FILE per input) instead");
    }
    int width = Math.toIntExact(spec.shape().get(1));
    List<String> names = FeatureColumns.names(featureNames, width, spec.name(), table, source);
    float[][] rows = FeatureColumns.rows(table, names, source);
    if (rows.length == 0) {
      throw new PackagingException(source + " has a header but no rows");
    }
    float[] flat = new float[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * width, width);
    }
    arrays.add(new DataArray(spec.name(), Tensor.ofFloats(new long[] {rows.length, width}, flat), source));
    return names;
  }

  private boolean isTensor(String name) {
    return tensors.stream().anyMatch(t -> t.name().equals(name));
  }

  private static byte[] start(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(6);
    }
  }

  private static boolean isNpy(byte[] s) {
    return s.length == 6 && (s[0] & 0xff) == 0x93 && s[1] == 'N' && s[2] == 'U' && s[3] == 'M' && s[4] == 'P' && s[5] == 'Y';
  }

  private static boolean isZip(byte[] s) {
    return s.length >= 4 && s[0] == 'P' && s[1] == 'K' && s[2] == 3 && s[3] == 4;
  }
}
