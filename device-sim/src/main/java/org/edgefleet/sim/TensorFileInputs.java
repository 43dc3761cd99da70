package org.edgefleet.sim;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Inputs read from a directory of {@code *.json} files, one call each, cycled in file-name order.
 * Each file is a JSON object from input name to a tensor in fleet-protocol's form:
 * {@code {"pixels": {"dtype": "float32", "shape": [1, 2, 3, 3], "data": [...]}}}.
 */
final class TensorFileInputs implements InputSource {

  private static final TypeReference<Map<String, Tensor>> CALL = new TypeReference<>() {};

  private final List<Map<String, Tensor>> calls;
  private int nextCall;

  TensorFileInputs(List<Map<String, Tensor>> calls) {
    this.calls = calls;
  }

  /** Reads and checks every file once, so a bad one is named before any device starts. */
  static List<Map<String, Tensor>> load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("input directory " + dir + " does not exist or is not a directory");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list input directory " + dir + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("input directory " + dir + " holds no *.json tensor files "
          + "(each: {\"<input name>\": {\"dtype\": \"float32\", \"shape\": [...], \"data\": [...]}})");
    }
    return files.stream().map(TensorFileInputs::read).toList();
  }

  private static Map<String, Tensor> read(Path file) {
    try {
      Map<String, Tensor> call = Json.mapper().readValue(file.toFile(), CALL);
      if (call == null || call.isEmpty() || call.containsValue(null)) {
        throw new IllegalArgumentException("input file " + file + " must map each input name to a tensor");
      }
      return Map.copyOf(call);
    } catch (IOException e) {
      throw new IllegalArgumentException("input file " + file + " is not a JSON object of tensors "
          + "({\"<input name>\": {\"dtype\", \"shape\", \"data\"}}): " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Map<String, Tensor>> next(Manifest active, Map<String, Tensor> previousOutputs) {
    Map<String, Tensor> call = calls.get(nextCall);
    nextCall = (nextCall + 1) % calls.size();
    return Optional.of(call);
  }
}
