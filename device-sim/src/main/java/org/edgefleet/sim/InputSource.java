package org.edgefleet.sim;

import java.util.Map;
import java.util.Optional;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Where a simulated application's model inputs come from. Each device has its own source, called
 * by one application thread at a time.
 */
public interface InputSource {

  /**
   * The inputs of the next {@code predict}, or empty when there is nothing to feed this model.
   *
   * @param active the manifest of the model version serving now
   * @param previousOutputs the outputs of this device's previous call (empty before the first), so a
   *     source can feed a stateful model's outputs back in as its next inputs
   */
  Optional<Map<String, Tensor>> next(Manifest active, Map<String, Tensor> previousOutputs);
}
