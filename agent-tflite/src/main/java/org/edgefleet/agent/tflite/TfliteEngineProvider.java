package org.edgefleet.agent.tflite;

import java.nio.file.Path;
import org.edgefleet.agent.inference.InferenceEngine;
import org.edgefleet.agent.inference.InferenceEngineProvider;

/**
 * Puts the TFLite engine, with default settings and the agent's inference threads, into every
 * agent that has this module on its class path. For other settings pass
 * {@code new TfliteEngine(dir, settings)} to {@code EdgeAgentBuilder.engine(...)}.
 */
public final class TfliteEngineProvider implements InferenceEngineProvider {

  @Override
  public InferenceEngine create(Path nativeDir, int inferenceThreads) {
    return new TfliteEngine(nativeDir, TfliteSettings.defaults(inferenceThreads));
  }
}
