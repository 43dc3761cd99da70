package org.edgefleet.sim;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * The active model's own test vector inputs, cycled: inputs any model accepts, whatever its
 * inputs' number, shapes and types, since the packager made them for it. A new version starts
 * over at its first vector.
 *
 * <p>Each vector is one independent call. When the manifest gains stateful sequences (outputs
 * fed back as the next call's inputs), {@link #next} is where to take them from
 * {@code previousOutputs}.
 */
final class TestVectorInputs implements InputSource {

  private String model;
  private int version;
  private int nextVector;

  @Override
  public Optional<Map<String, Tensor>> next(Manifest active, Map<String, Tensor> previousOutputs) {
    List<TestVector> vectors = active.testVectors();
    if (vectors.isEmpty()) {
      return Optional.empty();
    }
    if (!active.name().equals(model) || active.version() != version) {
      model = active.name();
      version = active.version();
      nextVector = 0;
    }
    TestVector v = vectors.get(nextVector);
    nextVector = (nextVector + 1) % vectors.size();
    return Optional.of(v.inputs());
  }
}
