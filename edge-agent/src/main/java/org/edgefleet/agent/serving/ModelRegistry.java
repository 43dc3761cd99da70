package org.edgefleet.agent.serving;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.edgefleet.agent.Prediction;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * The active version of every model. {@code predict} takes no lock: it reads the current
 * version from a concurrent map, holds a reference while it runs, and never touches the network
 * or the disk, so it keeps serving whatever the connection or an update is doing.
 */
public final class ModelRegistry {

  private final String deviceId;
  private final Map<String, ServingModel> active = new ConcurrentHashMap<>();

  public ModelRegistry(String deviceId) {
    this.deviceId = deviceId;
  }

  public Prediction predict(String model, Map<String, Tensor> inputs) throws PredictionException {
    for (;;) {
      ServingModel m = active.get(model);
      if (m == null) {
        throw new PredictionException(PredictionException.Reason.NO_ACTIVE_MODEL, "no version of model '" + model
            + "' is active on device " + deviceId + " (active: " + new TreeSet<>(active.keySet()) + ")");
      }
      if (!m.tryAcquire()) {
        continue; // swapped out and closed between the read and the acquire: read the new one
      }
      long start = System.nanoTime();
      try {
        Map<String, Tensor> outputs = m.run(inputs);
        long nanos = System.nanoTime() - start;
        m.metrics().recordSuccess(nanos);
        return new Prediction(model, m.version(), outputs, nanos);
      } catch (PredictionException e) {
        m.metrics().recordError();
        throw e;
      } finally {
        m.release();
      }
    }
  }

  /** Makes the model serve; the version it replaces closes once its calls in progress end. */
  public void activate(ServingModel model) {
    ServingModel old = active.put(model.name(), model);
    if (old != null && old != model) {
      old.retire();
    }
  }

  public Optional<ServingModel> active(String model) {
    return Optional.ofNullable(active.get(model));
  }

  public OptionalInt activeVersion(String model) {
    ServingModel m = active.get(model);
    return m == null ? OptionalInt.empty() : OptionalInt.of(m.version());
  }

  public Set<String> names() {
    return Set.copyOf(active.keySet());
  }

  /** Stops serving everything; sessions close as their last calls end. */
  public void closeAll() {
    for (String name : Set.copyOf(active.keySet())) {
      ServingModel m = active.remove(name);
      if (m != null) {
        m.retire();
      }
    }
  }
}
