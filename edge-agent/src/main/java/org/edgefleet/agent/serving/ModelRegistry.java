package org.edgefleet.agent.serving;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.edgefleet.agent.Prediction;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * The active version of every model, the shadow or A/B arm beside it, and, during a health window,
 * the version it replaced, kept loaded to be timed beside it. {@code predict} takes no lock: it
 * reads the current versions from concurrent maps, holds a reference while it runs, and never
 * touches the network or the disk, so it keeps serving whatever the connection or an update is
 * doing. Shadow runs and latency pairs are only offered to the {@link ShadowRunner}.
 */
public final class ModelRegistry {

  private final String deviceId;
  private final ShadowRunner shadows;
  private final Map<String, ServingModel> active = new ConcurrentHashMap<>();
  private final Map<String, Companion> companions = new ConcurrentHashMap<>();
  private final Map<String, Replaced> replaced = new ConcurrentHashMap<>();
  // Replaced whole by the agent loop, read by application threads.
  private volatile Map<String, Integer> outcomeVersions = Map.of();

  /** A replaced version kept loaded; {@code pairs} is null until its health window starts timing it. */
  private record Replaced(ServingModel model, LatencyPairs pairs) {}

  public ModelRegistry(String deviceId, ShadowRunner shadows) {
    this.deviceId = deviceId;
    this.shadows = shadows;
  }

  public Prediction predict(String model, Map<String, Tensor> inputs) throws PredictionException {
    return predict(model, inputs, null);
  }

  /** Runs the version this request falls to: an arm's share of the requests, the active version the rest. */
  public Prediction predict(String model, Map<String, Tensor> inputs, String requestId) throws PredictionException {
    for (;;) {
      Companion c = companions.get(model);
      ServingModel m = c != null && c.role() == SlotRole.ARM && RequestSplit.position(requestId) < c.share()
          ? c.model() : active.get(model);
      if (m == null) {
        throw new PredictionException(PredictionException.Reason.NO_ACTIVE_MODEL, "no version of model '" + model
            + "' is active on device " + deviceId + " (active: " + new TreeSet<>(active.keySet()) + ")");
      }
      if (!m.tryAcquire()) {
        continue; // swapped out and closed between the read and the acquire: read the new one
      }
      long start = System.nanoTime();
      try {
        Map<String, Tensor> outputs = m.serve(inputs);
        long nanos = System.nanoTime() - start;
        m.health().success(nanos, m.metrics().recordSuccess(nanos, outputs));
        if (c != null && c.role() == SlotRole.SHADOW) {
          shadows.offer(c.model(), m.version(), inputs, outputs);
        }
        Replaced r = replaced.get(model);
        if (r != null && r.pairs() != null && r.pairs().claim(start)) {
          shadows.offerPair(m, r.model(), r.pairs(), inputs);
        }
        return new Prediction(model, m.version(), outputs, nanos);
      } catch (PredictionException e) {
        m.metrics().recordError();
        m.health().failure(e.reason() == PredictionException.Reason.INFERENCE_FAILED);
        throw e;
      } finally {
        m.release();
      }
    }
  }

  /**
   * The models whose active version records the outcomes of every request it serves (an A/B test
   * split by device: the device serves one arm alone), each with the version named: outcomes count
   * only while that version is the active one, so none from the version it replaces go to it.
   * Replaces the set before; an empty map records none.
   */
  public void recordOutcomesOf(Map<String, Integer> versionByModel) {
    outcomeVersions = Map.copyOf(versionByModel);
  }

  /**
   * Attributes an outcome to the arm that serves {@code requestId}, in every model running an A/B
   * split now: by request, the arm beside the active version or the active version by the
   * request's position; by device, the active version the desired state asks to record outcomes.
   * Returns how many arms it was attributed to (0: no split is running).
   */
  public int recordOutcome(String requestId, double value) {
    if (requestId == null || !Double.isFinite(value)) {
      throw new IllegalArgumentException("an outcome needs the request id given to predict and a finite value, were "
          + requestId + " and " + value);
    }
    int attributed = 0;
    double position = RequestSplit.position(requestId);
    for (Map.Entry<String, Companion> e : companions.entrySet()) {
      Companion c = e.getValue();
      if (c.role() != SlotRole.ARM) {
        continue;
      }
      ServingModel m = position < c.share() ? c.model() : active.get(e.getKey());
      if (m != null) {
        m.metrics().recordOutcome(value);
        attributed++;
      }
    }
    for (Map.Entry<String, Integer> e : outcomeVersions.entrySet()) {
      Companion c = companions.get(e.getKey());
      ServingModel m = active.get(e.getKey());
      if ((c == null || c.role() != SlotRole.ARM) && m != null && m.version() == e.getValue()) {
        m.metrics().recordOutcome(value);
        attributed++;
      }
    }
    return attributed;
  }

  /** Makes the model serve; the version it replaces closes once its calls in progress end. */
  public void activate(ServingModel model) {
    activate(model, false);
  }

  /**
   * Makes the model serve; with {@code keepReplaced} the version it replaces stays loaded, serving
   * nothing, until {@link #timeBeside} times it or {@link #dropReplaced} closes it.
   */
  public void activate(ServingModel model, boolean keepReplaced) {
    ServingModel old = active.put(model.name(), model);
    dropReplaced(model.name());
    if (old != null && old != model) {
      if (keepReplaced) {
        old.metrics().retire(); // it serves no more calls: its metrics end now, its session with the window
        replaced.put(model.name(), new Replaced(old, null));
      } else {
        old.retire();
      }
    }
  }

  /**
   * Times the version {@code model} replaced beside it on a paced share of its calls; false when
   * none was kept.
   */
  public boolean timeBeside(String model, LatencyPairs pairs) {
    return replaced.computeIfPresent(model, (k, r) -> new Replaced(r.model(), pairs)) != null;
  }

  /** Closes the replaced version kept for {@code model}, if any, once its pair in progress ends. */
  public void dropReplaced(String model) {
    Replaced r = replaced.remove(model);
    if (r != null) {
      r.model().retire();
    }
  }

  /** Runs {@code companion} beside the active version of its model, replacing (and retiring) any other. */
  public void attach(Companion companion) {
    Companion old = companions.put(companion.model().name(), companion);
    if (old != null && old.model() != companion.model()) {
      old.model().retire();
    }
  }

  /** Stops the shadow or arm of {@code model}, if any; its session closes once its runs end. */
  public void detach(String model) {
    Companion old = companions.remove(model);
    if (old != null) {
      old.model().retire();
    }
  }

  public Optional<Companion> companion(String model) {
    return Optional.ofNullable(companions.get(model));
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
    for (String name : Set.copyOf(companions.keySet())) {
      detach(name);
    }
    for (String name : Set.copyOf(replaced.keySet())) {
      dropReplaced(name);
    }
    for (String name : Set.copyOf(active.keySet())) {
      ServingModel m = active.remove(name);
      if (m != null) {
        m.retire();
      }
    }
    shadows.close();
  }
}
