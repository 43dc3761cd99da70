package org.edgefleet.packager.tflite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.edgefleet.packager.model.LoadedModel;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.Manifest.Quantization;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.tflite.QuantParams;
import org.edgefleet.tflite.TensorInfo;
import org.edgefleet.tflite.TfliteException;
import org.edgefleet.tflite.TfliteFile;
import org.edgefleet.tflite.TfliteInterpreter;
import org.edgefleet.tflite.TfliteNatives;
import org.edgefleet.tflite.TfliteOptions;
import org.tensorflow.lite.schema.Buffer;
import org.tensorflow.lite.schema.Metadata;
import org.tensorflow.lite.schema.Model;

/**
 * A TensorFlow Lite model opened in a real TFLite interpreter, the counterpart of
 * {@link org.edgefleet.packager.onnx.OnnxModel}. Inputs and outputs are what the interpreter
 * reports (the signature's names when the model has one), quantization is read from the file,
 * and {@link #run} gives the outputs a device's TFLite engine gives (one thread, XNNPACK on, as
 * the agent runs by default). Close it to free the native interpreter.
 */
public final class TfliteModel implements LoadedModel {

  /** Model metadata entry holding comma-separated names of the input's columns (as for ONNX models). */
  public static final String FEATURE_NAMES_KEY = "edgefleet.feature_names";
  /** Where JavaCPP unpacks TFLite's natives unless {@code org.bytedeco.javacpp.cachedir} says otherwise. */
  static final Path DEFAULT_NATIVE_DIR = Path.of(System.getProperty("java.io.tmpdir"), "edgefleet-javacpp");

  private final TfliteFile file;
  private final TfliteInterpreter interpreter;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final Map<String, QuantParams> tensorQuantization;
  private final Quantization quantization;
  private final List<String> featureNames;

  private TfliteModel(TfliteFile file, TfliteInterpreter interpreter, byte[] bytes) {
    this.file = file;
    this.interpreter = interpreter;
    this.inputs = interpreter.inputs().stream().map(TensorInfo::toSpec).toList();
    this.outputs = interpreter.outputs().stream().map(TensorInfo::toSpec).toList();
    Map<String, QuantParams> quant = new LinkedHashMap<>();
    for (List<TensorInfo> infos : List.of(interpreter.inputs(), interpreter.outputs())) {
      infos.forEach(t -> t.quantization().ifPresent(q -> quant.put(t.name(), q)));
    }
    this.tensorQuantization = Map.copyOf(quant);
    this.quantization = QuantizationReader.read(bytes);
    this.featureNames = featureNames(bytes);
  }

  /** Loads, verifies and checks the model; every input and output must have a dtype bundles describe. */
  public static TfliteModel open(Path file) throws ModelException, IOException {
    TfliteFile opened;
    try {
      TfliteNatives.load(DEFAULT_NATIVE_DIR);
      opened = TfliteFile.open(file);
    } catch (TfliteException e) {
      throw new ModelException(file + ": " + e.getMessage(), e);
    }
    try {
      TfliteInterpreter interpreter = opened.newInterpreter(new TfliteOptions(1, true));
      try {
        return new TfliteModel(opened, interpreter, Files.readAllBytes(file));
      } catch (IllegalArgumentException e) {
        interpreter.close();
        throw new ModelException(file + ": an input or output cannot go into a manifest: " + e.getMessage(), e);
      }
    } catch (TfliteException e) {
      opened.close();
      throw new ModelException(file + ": " + e.getMessage(), e);
    } catch (ModelException | RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  @Override
  public ModelFormat format() {
    return ModelFormat.TFLITE;
  }

  @Override
  public Map<String, String> tensorNotes() {
    Map<String, String> notes = new LinkedHashMap<>();
    tensorQuantization.forEach((name, q) -> notes.put(name, "quantized " + q));
    return notes;
  }

  @Override
  public List<TensorSpec> inputs() {
    return inputs;
  }

  public List<TensorSpec> outputs() {
    return outputs;
  }

  /** Always empty: TFLite versions each operator, it has no opset. Kept so both model kinds read alike. */
  public OptionalInt opset() {
    return OptionalInt.empty();
  }

  public Quantization quantization() {
    return quantization;
  }

  /**
   * Scale and zero point of each quantized input and output, by name ({@code real = scale * (q -
   * zeroPoint)}): what a caller needs to feed an int8 or uint8 model real values. Checked at load:
   * positive finite scales, zero points within the element type, one scale per channel when per-axis.
   */
  public Map<String, QuantParams> tensorQuantization() {
    return tensorQuantization;
  }

  /** Names of the input's columns from the model's metadata; empty when it has none. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** Runs the model once; the result holds every output, in the model's output order. */
  public Map<String, Tensor> run(Map<String, Tensor> feeds) throws ModelException {
    try {
      return interpreter.run(feeds);
    } catch (TfliteException e) {
      throw new ModelException("TFLite failed to run the model: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    interpreter.close();
    file.close();
  }

  private static List<String> featureNames(byte[] bytes) {
    Model model = Model.getRootAsModel(ByteBuffer.wrap(bytes));
    for (int i = 0; i < model.metadataLength(); i++) {
      Metadata m = model.metadata(i);
      if (FEATURE_NAMES_KEY.equals(m.name()) && m.buffer() < model.buffersLength()) {
        Buffer b = model.buffers((int) m.buffer());
        byte[] text = new byte[b.dataLength()];
        for (int j = 0; j < text.length; j++) {
          text[j] = (byte) b.data(j);
        }
        String names = new String(text, StandardCharsets.UTF_8);
        return names.isBlank() ? List.of() : List.of(names.split(",", -1));
      }
    }
    return List.of();
  }
}
