package org.edgefleet.sim;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.edgefleet.agent.inference.InferenceEngine;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.inference.ModelSession;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Slow hardware: every session of the real engine takes {@code slowdown} times as long as it does
 * on this machine (the run itself, then a wait for the rest), whatever the model and version.
 */
final class SlowEngine implements InferenceEngine {

  private final InferenceEngine real;
  private final double slowdown;

  SlowEngine(InferenceEngine real, double slowdown) {
    this.real = real;
    this.slowdown = slowdown;
  }

  @Override
  public ModelFormat format() {
    return real.format();
  }

  @Override
  public ModelSession open(Path modelFile, Manifest manifest) throws InferenceException {
    ModelSession session = real.open(modelFile, manifest);
    return new ModelSession() {
      @Override
      public Map<String, Tensor> run(Map<String, Tensor> inputs) throws InferenceException {
        long start = System.nanoTime();
        Map<String, Tensor> out = session.run(inputs);
        LockSupport.parkNanos((long) ((System.nanoTime() - start) * (slowdown - 1)));
        return out;
      }

      @Override
      public void close() {
        session.close();
      }
    };
  }
}
