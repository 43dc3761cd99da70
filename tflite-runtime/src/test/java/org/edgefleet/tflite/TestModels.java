package org.edgefleet.tflite;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The published models fetched into the build by test-models/fetch.sh, and the loaded natives.
 * Shared with other modules' tests through this module's test jar.
 */
public final class TestModels {

  /** openWakeWord's speech embedding: float32 [1,76,32,1] in, [1,1,1,96] out; the same net in both formats. */
  public static final String EMBEDDING = "embedding_model";
  /** openWakeWord's mel spectrogram front end: audio samples in, a dynamic number of frames out. */
  public static final String MELSPECTROGRAM = "melspectrogram";
  /** openWakeWord's "hey jarvis" wake word head: [1,16,96] embeddings in, a score out. */
  public static final String HEY_JARVIS = "hey_jarvis_v0.1";
  /** Silero VAD v4 (ONNX only): audio, an int64 scalar sample rate and LSTM state h, c in; speech probability and hn, cn out. */
  public static final String SILERO_VAD_V4 = "silero_vad_legacy";
  /** Silero VAD v5 (ONNX only): audio, one state tensor and the int64 sample rate in; probability and stateN out. */
  public static final String SILERO_VAD_V5 = "silero_vad_v5";

  private TestModels() {}

  public static Path tflite(String model) {
    return file(model + ".tflite");
  }

  public static Path onnx(String model) {
    return file(model + ".onnx");
  }

  /** Loads the natives into the folder the build names (never the home directory). */
  public static void loadNatives() throws TfliteException {
    String dir = System.getProperty(TfliteNatives.CACHE_PROPERTY);
    if (dir == null) {
      throw new IllegalStateException("run the tests through Maven: it sets " + TfliteNatives.CACHE_PROPERTY);
    }
    TfliteNatives.load(Path.of(dir));
  }

  private static Path file(String name) {
    String dir = System.getProperty("edgefleet.test.models");
    if (dir == null) {
      throw new IllegalStateException("run the tests through Maven: it fetches the models and sets edgefleet.test.models");
    }
    Path p = Path.of(dir, name);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(p + " is missing: test-models/fetch.sh puts it there in generate-test-resources");
    }
    return p;
  }
}
