package org.edgefleet.agent.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.message.LatencyHistograms;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Calls, errors, invalid outputs (NaN or infinity) and latency of one model version. Recording is
 * lock-free and allocation-free ({@link Recorder} and {@link LongAdder}), because it sits on every
 * {@code predict}; the outputs are scanned in place, once per call.
 */
public final class ModelMetrics {

  private final String model;
  private final int version;
  private final Recorder latency = new Recorder(1, LatencyHistograms.MAX_MICROS, LatencyHistograms.SIGNIFICANT_DIGITS);
  private final LongAdder count = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder invalid = new LongAdder();
  private final LongAdder outcomes = new LongAdder();
  private final DoubleAdder outcomeSum = new DoubleAdder();
  private final DoubleAdder outcomeSquares = new DoubleAdder();
  private final ShadowStats shadow = new ShadowStats();
  // Never reset: the local endpoint's metrics are cumulative counters, telemetry takes intervals.
  private final LongAdder totalCount = new LongAdder();
  private final LongAdder totalErrors = new LongAdder();
  private volatile boolean retired;
  /** Set once, by the first session of this version to serve; histograms outlive a reactivation like the counts. */
  private volatile InputDrift drift;

  public ModelMetrics(String model, int version) {
    this.model = model;
    this.version = version;
  }

  /** A call that returned; returns whether its outputs held NaN or infinity (counted as an invalid output). */
  public boolean recordSuccess(long nanos, Map<String, Tensor> outputs) {
    count.increment();
    totalCount.increment();
    latency.recordValue(Math.min(Math.max(nanos / 1000, 1), LatencyHistograms.MAX_MICROS));
    boolean bad = !allFinite(outputs);
    if (bad) {
      invalid.increment();
    }
    return bad;
  }

  /** Whether every floating value of the outputs is a number and finite (integer outputs always are). */
  public static boolean allFinite(Map<String, Tensor> outputs) {
    for (Tensor t : outputs.values()) {
      if (t.dtype().isFloating()) {
        for (float f : t.floats()) {
          if (!Float.isFinite(f)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** The live input histograms of this version, made from its manifest the first time it serves. */
  public InputDrift drift(Manifest manifest) {
    InputDrift d = drift;
    if (d == null) {
      synchronized (this) {
        if (drift == null) {
          drift = InputDrift.of(manifest);
        }
        d = drift;
      }
    }
    return d;
  }

  /** The drift counts since the last call (none before this version first served). */
  List<TelemetryBatch.DriftCounts> takeDrift() {
    InputDrift d = drift;
    return d == null ? List.of() : d.takeInterval();
  }

  /** A failed call counts as a call and an error, and has no latency. */
  public void recordError() {
    count.increment();
    errors.increment();
    totalCount.increment();
    totalErrors.increment();
  }

  /** An outcome the application reported for a request this version served as an A/B arm. */
  public void recordOutcome(double value) {
    outcomes.increment();
    outcomeSum.add(value);
    outcomeSquares.add(value * value);
  }

  /** How this version, running as a shadow, compared with the active one. */
  public ShadowStats shadow() {
    return shadow;
  }

  /** The version no longer serves; its last interval is still reported once. */
  public void retire() {
    retired = true;
  }

  void revive() {
    retired = false;
  }

  boolean isRetired() {
    return retired;
  }

  String key() {
    return model + "@" + version;
  }

  /** Calls and errors since the version first served, without resetting anything. */
  ModelTotals totals() {
    long e = totalErrors.sum();
    return new ModelTotals(model, version, Math.max(totalCount.sum(), e), e);
  }

  /** What was recorded since the last call, which resets it. One collector at a time. */
  TelemetryBatch.ModelMetrics takeInterval() {
    // Errors first: an error counted here has had its call counted before it, so errors <= calls.
    long e = errors.sumThenReset();
    long bad = invalid.sumThenReset();
    long c = count.sumThenReset();
    Histogram h = latency.getIntervalHistogram();
    long n = outcomes.sumThenReset();
    double sum = outcomeSum.sumThenReset();
    double squares = outcomeSquares.sumThenReset();
    TelemetryBatch.Outcomes o = n > 0 && Double.isFinite(sum) && Double.isFinite(squares)
        ? new TelemetryBatch.Outcomes(n, sum, squares) : null;
    return new TelemetryBatch.ModelMetrics(model, version, c, Math.min(e, c), LatencyHistograms.encode(h), shadow.takeInterval(),
        o, Math.min(bad, c));
  }
}
