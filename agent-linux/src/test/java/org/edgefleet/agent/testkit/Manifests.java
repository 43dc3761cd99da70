package org.edgefleet.agent.testkit;

import java.util.List;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.bundle.TestVector;

/** Copies of a manifest with one part replaced. */
public final class Manifests {

  private Manifests() {}

  public static Manifest withTestVectors(Manifest m, List<TestVector> vectors) {
    return new Manifest(m.schema(), m.name(), m.version(), m.format(), m.modelFile(), m.runtime(), m.inputs(), m.outputs(),
        m.quantization(), m.referenceStats(), vectors, m.files(), m.createdAt(), m.expiresAt(), m.keyId(), m.description());
  }

  public static Manifest withInputs(Manifest m, List<TensorSpec> inputs) {
    return new Manifest(m.schema(), m.name(), m.version(), m.format(), m.modelFile(), m.runtime(), inputs, m.outputs(),
        m.quantization(), m.referenceStats(), m.testVectors(), m.files(), m.createdAt(), m.expiresAt(), m.keyId(), m.description());
  }
}
