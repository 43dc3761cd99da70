package org.edgefleet.packager.quantize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.edgefleet.packager.PackagingException;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.trust.Sha256;

/**
 * The file {@code quantize} writes beside a quantized model ({@code model.int8.onnx.quant.json})
 * so that {@code package} can put the measured figures into the manifest. It names the SHA-256
 * of the model it describes, so a model changed after quantization is never packaged with figures
 * that are not its own.
 *
 * @param schema {@link #SCHEMA}
 * @param modelSha256 SHA-256 of the quantized model file
 * @param sourceSha256 SHA-256 of the float model it was made from
 * @param quantization what goes into the manifest's quantization section
 */
public record QuantizationSidecar(int schema, String modelSha256, String sourceSha256, Manifest.Quantization quantization) {

  public static final int SCHEMA = 1;
  public static final String SUFFIX = ".quant.json";

  public QuantizationSidecar {
    if (schema != SCHEMA) {
      throw new IllegalArgumentException("quantization sidecar schema " + schema + " is not supported (this build reads " + SCHEMA + ")");
    }
    if (modelSha256 == null || modelSha256.length() != 64 || quantization == null) {
      throw new IllegalArgumentException("quantization sidecar needs modelSha256 and quantization");
    }
  }

  public static Path pathFor(Path model) {
    return model.resolveSibling(model.getFileName() + SUFFIX);
  }

  /**
   * The quantization recorded beside {@code model}, if a sidecar exists; refused when it describes
   * another file or does not parse, so stale figures never reach a manifest.
   */
  public static Optional<Manifest.Quantization> readFor(Path model) throws IOException, PackagingException {
    Path file = pathFor(model);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    QuantizationSidecar sidecar;
    try {
      sidecar = Json.read(Files.readAllBytes(file), QuantizationSidecar.class);
    } catch (RuntimeException e) {
      throw new PackagingException(file + " is not a valid quantization sidecar (" + e.getMessage()
          + "); run quantize again or delete it", e);
    }
    String actual = Sha256.hex(model);
    if (!actual.equals(sidecar.modelSha256())) {
      throw new PackagingException(file + " describes a model with SHA-256 " + sidecar.modelSha256() + " but "
          + model + " has " + actual + "; run quantize again or delete the stale sidecar");
    }
    return Optional.of(sidecar.quantization());
  }

  /** Writes through a temporary file and a rename, so a reader never sees half a sidecar. */
  void write(Path file) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.write(temp, Json.writePretty(this));
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
