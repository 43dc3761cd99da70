package org.edgefleet.agent.inference;

import java.nio.file.Path;

/**
 * Puts the ONNX Runtime engine into every agent that has this module on its class path: the
 * agent picks it for manifests of format {@code onnx}.
 */
public final class OnnxEngineProvider implements InferenceEngineProvider {

  @Override
  public InferenceEngine create(Path nativeDir, int inferenceThreads) {
    return new OnnxEngine(nativeDir, inferenceThreads);
  }
}
