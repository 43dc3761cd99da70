package org.edgefleet.agent;

import java.time.Duration;
import java.util.Map;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * The result of one {@code predict}: the outputs the manifest declares, the model version that
 * produced them (a swap may happen between two calls), and the latency the caller saw.
 */
public record Prediction(String model, int version, Map<String, Tensor> outputs, long latencyNanos) {

  /** One output by name. */
  public Tensor output(String name) {
    Tensor t = outputs.get(name);
    if (t == null) {
      throw new IllegalArgumentException("model " + model + " v" + version + " has no output '" + name
          + "' (outputs: " + outputs.keySet() + ")");
    }
    return t;
  }

  public Duration latency() {
    return Duration.ofNanos(latencyNanos);
  }
}
