package org.edgefleet.agent.tflite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.edgefleet.agent.inference.InferenceEngine;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.inference.ModelSession;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.tflite.TensorInfo;
import org.edgefleet.tflite.TfliteException;
import org.edgefleet.tflite.TfliteFile;
import org.edgefleet.tflite.TfliteInterpreter;
import org.edgefleet.tflite.TfliteNatives;

/**
 * TensorFlow Lite (JavaCPP's build, linux-x86_64 and linux-arm64) behind the agent's engine
 * interface. The model file is loaded once per session and shared by the session's interpreters;
 * its signature (or graph) inputs and outputs must be the manifest's, by name, dtype and rank.
 */
public final class TfliteEngine implements InferenceEngine {

  private final Path nativeDir;
  private final TfliteSettings settings;

  /** @param nativeDir JavaCPP unpacks TFLite's natives under it (unless {@code org.bytedeco.javacpp.cachedir} is set) */
  public TfliteEngine(Path nativeDir, TfliteSettings settings) {
    this.nativeDir = nativeDir;
    this.settings = settings;
  }

  @Override
  public ModelFormat format() {
    return ModelFormat.TFLITE;
  }

  public TfliteSettings settings() {
    return settings;
  }

  @Override
  public ModelSession open(Path modelFile, Manifest manifest) throws InferenceException {
    TfliteFile file;
    TfliteInterpreter first;
    try {
      TfliteNatives.load(nativeDir.resolve("javacpp"));
      file = TfliteFile.open(modelFile);
    } catch (TfliteException e) {
      throw new InferenceException(e.getMessage(), e.isUnsupported(), e);
    } catch (IOException e) {
      throw new InferenceException("cannot read " + modelFile.getFileName() + ": " + e.getMessage(), false, e);
    }
    try {
      first = file.newInterpreter(settings.options());
    } catch (TfliteException e) {
      file.close();
      throw new InferenceException(e.getMessage(), e.isUnsupported(), e);
    }
    try {
      check("input", manifest.inputs(), first.inputs(), true);
      check("output", manifest.outputs(), first.outputs(), false);
    } catch (InferenceException e) {
      first.close();
      file.close();
      throw e;
    }
    String[] outputs = manifest.outputs().stream().map(TensorSpec::name).toArray(String[]::new);
    return new TfliteSession(new InterpreterPool(file, settings.options(), settings.interpreters(), first), outputs);
  }

  private static void check(String kind, List<TensorSpec> specs, List<TensorInfo> actual, boolean exact)
      throws InferenceException {
    List<String> names = actual.stream().map(TensorInfo::name).collect(Collectors.toList());
    if (exact && specs.size() != actual.size()) {
      throw new InferenceException("model has " + kind + "s " + names + " but the manifest declares "
          + specs.stream().map(TensorSpec::name).collect(Collectors.toList()), false);
    }
    for (TensorSpec spec : specs) {
      TensorInfo info = actual.stream().filter(a -> a.name().equals(spec.name())).findFirst().orElseThrow(
          () -> new InferenceException("model has no " + kind + " '" + spec.name() + "' (it has " + names + ")", false));
      if (info.dtype() != spec.dtype()) {
        throw new InferenceException(kind + " '" + spec.name() + "' is " + info.dtype().wireName() + " in the model but "
            + spec.dtype().wireName() + " in the manifest", false);
      }
      if (info.shape().length != spec.shape().size()) {
        throw new InferenceException(kind + " '" + spec.name() + "' has shape " + Arrays.toString(info.shape())
            + " in the model but " + spec.shape() + " in the manifest", false);
      }
    }
  }
}
