package org.edgefleet.tflite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorflowlite.FlatBufferModel;

/**
 * A .tflite file, verified and loaded once into native memory; any number of
 * {@link TfliteInterpreter}s share it (the model is read-only after load). Close it only after
 * every interpreter made from it.
 */
public final class TfliteFile implements AutoCloseable {

  /** The flatbuffer file identifier of TFLite models, at bytes 4 to 8. */
  private static final byte[] IDENTIFIER = "TFL3".getBytes(StandardCharsets.US_ASCII);

  private final String source;
  private final BytePointer buffer;
  private final FlatBufferModel model;

  private TfliteFile(String source, BytePointer buffer, FlatBufferModel model) {
    this.source = source;
    this.buffer = buffer;
    this.model = model;
  }

  /**
   * Reads and verifies the file. Natives must be loaded first ({@link TfliteNatives#load}).
   * A file that is not a TFLite flatbuffer, or one cut short or corrupted, fails here with a
   * message naming the file, before any interpreter reads it.
   */
  public static TfliteFile open(Path file) throws IOException, TfliteException {
    byte[] bytes = Files.readAllBytes(file);
    String source = String.valueOf(file.getFileName());
    if (bytes.length < 8 || !Arrays.equals(bytes, 4, 8, IDENTIFIER, 0, 4)) {
      throw new TfliteException(source + " is not a TensorFlow Lite model: it lacks the TFL3 flatbuffer identifier"
          + " (is it another format, or not a model at all?)", false);
    }
    BytePointer buffer = new BytePointer(bytes.length);
    buffer.put(bytes);
    FlatBufferModel model = FlatBufferModel.VerifyAndBuildFromBuffer(buffer, bytes.length);
    if (model == null || model.isNull() || !model.initialized()) {
      buffer.close();
      throw new TfliteException(source + " fails TFLite's flatbuffer verification: the file is truncated or corrupt ("
          + bytes.length + " bytes)", false);
    }
    return new TfliteFile(source, buffer, model);
  }

  /** A new interpreter on this model; each caller thread needs its own (interpreters are not thread-safe). */
  public TfliteInterpreter newInterpreter(TfliteOptions options) throws TfliteException {
    return TfliteInterpreter.create(this, options);
  }

  FlatBufferModel model() {
    return model;
  }

  public String source() {
    return source;
  }

  @Override
  public void close() {
    model.close();
    buffer.close();
  }
}
