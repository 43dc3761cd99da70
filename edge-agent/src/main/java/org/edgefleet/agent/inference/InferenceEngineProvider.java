package org.edgefleet.agent.inference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Makes an engine for an agent; found with {@link ServiceLoader}, so an engine module (TFLite,
 * say) on the class path plugs in without the core naming any of its classes. An engine passed
 * to {@code EdgeAgentBuilder.engine(...)} wins over a provided one of the same format.
 */
public interface InferenceEngineProvider {

  /**
   * @param nativeDir where the engine may unpack native libraries (under the agent's data dir by default)
   * @param inferenceThreads the agent's threads-per-inference setting
   */
  InferenceEngine create(Path nativeDir, int inferenceThreads);

  /** Every provider on the class path. */
  static List<InferenceEngineProvider> loadAll() {
    List<InferenceEngineProvider> providers = new ArrayList<>();
    ServiceLoader.load(InferenceEngineProvider.class).forEach(providers::add);
    return providers;
  }
}
