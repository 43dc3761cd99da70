package org.edgefleet.agent.inference;

import java.util.Map;
import org.edgefleet.protocol.tensor.Tensor;

/** A loaded model, reused for every call. Thread-safe: callers run it concurrently. */
public interface ModelSession extends AutoCloseable {

  /**
   * Runs the model. The inputs already match the manifest's input specs (the caller checks
   * them); the result holds exactly the manifest's outputs.
   */
  Map<String, Tensor> run(Map<String, Tensor> inputs) throws InferenceException;

  /** Releases native resources; only called once no {@link #run} is in progress. */
  @Override
  void close();
}
