package org.edgefleet.packager.quantize;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefleet.packager.PackagingException;
import org.edgefleet.packager.feeds.Batches;
import org.edgefleet.packager.feeds.DataFiles;
import org.edgefleet.packager.feeds.DimValues;
import org.edgefleet.packager.feeds.FeedConformer;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Model input from NumPy files (.npy, .npz), fitted to the model's inputs as {@code package}
 * fits them (docs/packager.md, "Data"), so that models with N-D or several inputs calibrate too.
 * Samples are batched up to {@code maxRows} a feed when every input's first dimension is dynamic.
 */
public final class ArrayModelInputs implements ModelInputs {

  private final Path file;

  private ArrayModelInputs(Path file) {
    this.file = file;
  }

  /** A CSV table as {@link CsvModelInputs}, a .npy or .npz file (told from its content) as arrays. */
  public static ModelInputs read(Path file) throws IOException {
    byte[] start;
    try (InputStream in = Files.newInputStream(file)) {
      start = in.readNBytes(6);
    }
    boolean npy = start.length == 6 && (start[0] & 0xff) == 0x93 && start[1] == 'N';
    boolean zip = start.length >= 4 && start[0] == 'P' && start[1] == 'K' && start[2] == 3 && start[3] == 4;
    return npy || zip ? new ArrayModelInputs(file) : CsvModelInputs.read(file);
  }

  @Override
  public String source() {
    return file.toString();
  }

  @Override
  public List<Map<String, Tensor>> feeds(List<TensorSpec> inputs, List<String> featureNames, int maxRows)
      throws QuantizationException {
    List<Map<String, Tensor>> calls;
    try {
      DataFiles.Loaded loaded = new DataFiles(inputs, featureNames, Map.of(), DimValues.NONE, false)
          .read(List.of(file.toString()));
      calls = new FeedConformer(inputs, DimValues.NONE, Map.of(), false).calls(loaded.arrays(), loaded.source(), Set.of());
    } catch (PackagingException | IOException e) {
      throw new QuantizationException(e.getMessage(), e);
    }
    List<Map<String, Tensor>> feeds = new ArrayList<>();
    for (int start = 0; start < calls.size(); start += Math.max(1, maxRows)) {
      List<Map<String, Tensor>> chunk = calls.subList(start, Math.min(calls.size(), start + Math.max(1, maxRows)));
      Map<String, Tensor> batch = chunk.size() > 1 ? Batches.stack(inputs, chunk) : null;
      if (batch != null) {
        feeds.add(batch);
      } else {
        feeds.addAll(chunk);
      }
    }
    return List.copyOf(feeds);
  }
}
