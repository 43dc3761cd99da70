package org.edgefleet.agent.serving;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.inference.ModelSession;
import org.edgefleet.agent.metrics.InputDrift;
import org.edgefleet.agent.metrics.ModelMetrics;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One installed model version with its open session. Reference counted so that a swap never
 * waits for callers: the registry holds one reference, each call holds one while it runs, and the
 * session closes when the last is released after the version was retired.
 */
public final class ServingModel {

  private static final Logger log = LoggerFactory.getLogger(ServingModel.class);

  private final String slot;
  private final Manifest manifest;
  private final ModelSession session;
  private final ModelMetrics metrics;
  private final InputPlan inputs;
  private final HealthCounters health = new HealthCounters();
  private final InputDrift drift;
  private final AtomicInteger refs = new AtomicInteger(1);

  ServingModel(String slot, Manifest manifest, ModelSession session, ModelMetrics metrics) {
    this.slot = slot;
    this.manifest = manifest;
    this.session = session;
    this.metrics = metrics;
    this.inputs = new InputPlan(manifest);
    this.drift = metrics.drift(manifest);
  }

  public String name() {
    return manifest.name();
  }

  public int version() {
    return manifest.version();
  }

  public String slot() {
    return slot;
  }

  public Manifest manifest() {
    return manifest;
  }

  ModelMetrics metrics() {
    return metrics;
  }

  /** Calls, failures, crashes, invalid outputs and latency since the version was loaded. */
  public HealthCounters health() {
    return health;
  }

  /** Checks the inputs and runs the model, recording nothing (the self-test uses this too). */
  public Map<String, Tensor> run(Map<String, Tensor> in) throws PredictionException {
    return runPrepared(inputs.prepare(in));
  }

  /** Runs an application call: checks the inputs, bins them for drift, runs the model. */
  Map<String, Tensor> serve(Map<String, Tensor> in) throws PredictionException {
    Map<String, Tensor> prepared = inputs.prepare(in);
    drift.record(in);
    return runPrepared(prepared);
  }

  private Map<String, Tensor> runPrepared(Map<String, Tensor> prepared) throws PredictionException {
    try {
      return session.run(prepared);
    } catch (InferenceException e) {
      throw new PredictionException(PredictionException.Reason.INFERENCE_FAILED,
          "model " + name() + " v" + version() + ": " + e.getMessage(), e);
    }
  }

  boolean tryAcquire() {
    for (;;) {
      int n = refs.get();
      if (n <= 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (refs.decrementAndGet() == 0) {
      try {
        session.close();
      } catch (RuntimeException e) {
        log.warn("event=retired_session_close_failed model={} version={} reason=\"{}\"", name(), version(), e.getMessage());
      }
    }
  }

  /** Drops the registry's reference (or the creator's, for a model that never served). */
  public void retire() {
    metrics.retire();
    release();
  }
}
