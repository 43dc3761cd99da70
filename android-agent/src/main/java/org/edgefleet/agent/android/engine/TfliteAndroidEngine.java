package org.edgefleet.agent.android.engine;

import java.io.File;
import java.nio.file.Path;
import org.edgefleet.agent.inference.InferenceEngine;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.inference.ModelSession;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.tensorflow.lite.Interpreter;

/**
 * TFLite models on Android's own TFLite build ({@code org.tensorflow:tensorflow-lite}, whose AAR
 * brings the interpreter's natives for arm64-v8a, armeabi-v7a, x86 and x86_64). The app adds that
 * AAR; without it, or off Android, opening a model fails as {@code unsupported} and the agent keeps
 * the model it serves.
 */
public final class TfliteAndroidEngine implements InferenceEngine {

  private final int threads;

  /** @param threads the interpreter's threads per model (1 keeps a phone's other cores for the app) */
  public TfliteAndroidEngine(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("TFLite threads must be at least 1, was " + threads);
    }
    this.threads = threads;
  }

  @Override
  public ModelFormat format() {
    return ModelFormat.TFLITE;
  }

  @Override
  public ModelSession open(Path modelFile, Manifest manifest) throws InferenceException {
    Interpreter interpreter;
    try {
      interpreter = new Interpreter(new File(modelFile.toString()), new Interpreter.Options().setNumThreads(threads));
    } catch (LinkageError e) {
      throw new InferenceException("TFLite's Android natives are not available on this device (add"
          + " org.tensorflow:tensorflow-lite to the app): " + e, true, e);
    } catch (IllegalArgumentException e) {
      throw new InferenceException("TFLite cannot load " + modelFile.getFileName() + ": " + e.getMessage(), false, e);
    }
    try {
      return new TfliteAndroidSession(interpreter, manifest);
    } catch (InferenceException | RuntimeException e) {
      interpreter.close();
      throw e;
    }
  }
}
