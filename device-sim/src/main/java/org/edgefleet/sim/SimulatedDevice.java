package org.edgefleet.sim;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.Prediction;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * One simulated device: a real {@link EdgeAgent} and the application on top of it, which takes
 * its next inputs from the profile's {@link InputSource} and asks the agent for a prediction. A
 * device killed by its profile's faults is down (its application idle) until the simulator starts
 * a new agent on its data directory.
 */
public final class SimulatedDevice {

  private volatile EdgeAgent agent;
  private volatile boolean down;
  private final AtomicLong restarts = new AtomicLong();
  private final DeviceProfile profile;
  private final InputSource inputs;
  private final String model;
  private final AtomicLong predictions = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private volatile PredictionException lastFailure;
  private Map<String, Tensor> previousOutputs = Map.of();
  private final Outcomes.Sequence outcomes;
  private long requests;
  private final Set<Integer> served = ConcurrentHashMap.newKeySet();

  /** Starts a new agent on the device's data directory. */
  interface Starter {
    EdgeAgent start() throws IOException;
  }

  private final Starter starter;

  /** @param outcomes what the application reports of each request, or null when it reports none */
  SimulatedDevice(EdgeAgent agent, DeviceProfile profile, String model, InputSource inputs, Outcomes outcomes,
      Starter starter) {
    this.agent = agent;
    this.starter = starter;
    this.profile = profile;
    this.model = model;
    this.inputs = inputs;
    this.outcomes = outcomes == null ? null : outcomes.new Sequence();
  }

  /** Takes the next inputs and predicts; with no active model (or nothing to feed it) it skips the tick. */
  void predictOnce() {
    if (down) {
      skipped.incrementAndGet();
      return;
    }
    EdgeAgent agent = this.agent;
    Optional<Manifest> active = agent.activeManifest(model);
    Optional<Map<String, Tensor>> next = active.flatMap(m -> inputs.next(m, previousOutputs));
    FeatureShift shift = profile.shift();
    if (shift != null && next.isPresent() && shift.appliesTo(active.get(), Instant.now())) {
      next = Optional.of(shift.apply(active.get(), next.get()));
    }
    if (next.isEmpty()) {
      skipped.incrementAndGet();
      return;
    }
    try {
      if (outcomes == null) {
        previousOutputs = agent.predict(model, next.get()).outputs();
      } else {
        String requestId = id() + "/" + requests++;
        Prediction p = agent.predict(model, next.get(), requestId);
        previousOutputs = p.outputs();
        served.add(p.version());
        double value = outcomes.next(p.version());
        if (Double.isFinite(value)) {
          agent.recordOutcome(requestId, value);
        }
      }
      predictions.incrementAndGet();
    } catch (PredictionException e) {
      lastFailure = e;
      failures.incrementAndGet();
    }
  }

  /** The device's agent now: after a restart, the new one. */
  public EdgeAgent agent() {
    return agent;
  }

  /** Whether the device is down: killed and not started again yet. */
  public boolean isDown() {
    return down;
  }

  /** How many times the device was killed and started again. */
  public long restarts() {
    return restarts.get();
  }

  void killed() {
    down = true;
  }

  /** After a kill: a new agent on the same data directory, as a device that boots again. */
  void restart() throws IOException {
    agent = starter.start();
    restarts.incrementAndGet();
    down = false;
  }

  public String id() {
    return agent.deviceId();
  }

  public DeviceProfile profile() {
    return profile;
  }

  /**
   * The versions that served a request whose outcome the application reported (with outcomes
   * only): which arms of an A/B test this device served.
   */
  public Set<Integer> servedVersions() {
    return Set.copyOf(served);
  }

  /** Predictions that returned a result. */
  public long predictions() {
    return predictions.get();
  }

  /** Predictions that failed (the agent threw). */
  public long failures() {
    return failures.get();
  }

  /** The last failure, for a status line or a test's message; null when none failed. */
  public PredictionException lastFailure() {
    return lastFailure;
  }

  /** Ticks with nothing predicted: no model active yet, or no inputs for it. */
  public long skipped() {
    return skipped.get();
  }
}
