package org.edgefleet.packager.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.packager.tflite.TfliteModel;
import org.edgefleet.protocol.bundle.ModelFormat;

/**
 * Tells a model's format from its content, never from its name: a TFLite flatbuffer carries the
 * file identifier {@code TFL3} at byte 4; an ONNX model is a protobuf, which has no magic, so it
 * is whatever else parses as an ONNX {@code ModelProto} with a graph. Zip files (a bundle), NumPy
 * files and text are recognised to say what the file is instead.
 */
public final class ModelFiles {

  private static final byte[] TFLITE_ID = "TFL3".getBytes(StandardCharsets.US_ASCII);

  private ModelFiles() {}

  /** Opens the model in the runtime of its format. */
  public static LoadedModel open(Path file) throws ModelException, IOException {
    return switch (detect(file)) {
      case TFLITE -> TfliteModel.open(file);
      case ONNX -> OnnxModel.open(file);
    };
  }

  /**
   * The format the file's bytes show. Everything that is not TFLite is taken as ONNX here;
   * {@link OnnxModel#open} then refuses what does not parse as one.
   */
  public static ModelFormat detect(Path file) throws ModelException, IOException {
    byte[] head = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n == 0) {
      throw new ModelException(file + " is empty, not a model");
    }
    if (n == 8 && Arrays.equals(Arrays.copyOfRange(head, 4, 8), TFLITE_ID)) {
      return ModelFormat.TFLITE;
    }
    String other = otherKind(head, n);
    if (other != null) {
      throw new ModelException(file + " is " + other + ", not a model: give the .onnx or .tflite file itself");
    }
    return ModelFormat.ONNX;
  }

  /** What the file name claims, for a note when content and name disagree; null when it claims nothing. */
  public static ModelFormat claimedByName(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".tflite")) {
      return ModelFormat.TFLITE;
    }
    return name.endsWith(".onnx") || name.endsWith(".ort") ? ModelFormat.ONNX : null;
  }

  /** The runtime a format runs in, as messages name it. */
  public static String runtimeName(ModelFormat format) {
    return format == ModelFormat.TFLITE ? "TFLite" : "ONNX Runtime";
  }

  private static String otherKind(byte[] head, int n) {
    if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return "a zip file (a bundle or an .npz?)";
    }
    if (n >= 6 && (head[0] & 0xff) == 0x93 && new String(head, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      return "a NumPy array file";
    }
    if (n >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
      return "an executable (ELF)";
    }
    return null;
  }
}
