package org.edgefleet.agent.inference;

import java.nio.file.Path;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;

/** Runs models of one {@link ModelFormat}; the agent picks the engine from the manifest. */
public interface InferenceEngine {

  ModelFormat format();

  /**
   * Opens a session on an installed model file. Fails when the model cannot be loaded or its
   * inputs and outputs are not the ones the manifest declares.
   */
  ModelSession open(Path modelFile, Manifest manifest) throws InferenceException;
}
