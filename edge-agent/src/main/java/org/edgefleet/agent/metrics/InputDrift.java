package org.edgefleet.agent.metrics;

import java.util.stream.Collectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.protocol.bundle.LiveHistograms;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.message.TelemetryBatch.DriftCounts;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Live histograms of one model version's inputs on its manifest's reference bins, for drift: only
 * counts leave the device. Binning sits on {@code predict}, so it is allocation-free and never
 * waits: a call that finds the histograms busy (another thread binning, or the interval being
 * taken) skips binning, and a call whose inputs hold more than {@link #VALUES_PER_CALL} values is
 * binned only often enough that, on average, no more than that many values are binned per call.
 */
public final class InputDrift {

  /** Average budget of values binned per call; a tabular input of a few features is always binned whole. */
  public static final int VALUES_PER_CALL = 4096;

  private final String model;
  private final int version;
  private final String[] inputs;
  private final LiveHistograms[] histograms;
  private final long[][][] drained;
  private final AtomicBoolean busy = new AtomicBoolean();
  /** Values a call may still bin, accumulated by calls that skipped; guarded by {@link #busy}. */
  private long credit;

  private InputDrift(Manifest manifest) {
    this.model = manifest.name();
    this.version = manifest.version();
    List<LiveHistograms> live = new ArrayList<>();
    for (TensorSpec spec : manifest.inputs()) {
      LiveHistograms h = LiveHistograms.forInput(spec, manifest.referenceStats());
      if (!h.stats().isEmpty()) {
        live.add(h);
      }
    }
    this.histograms = live.toArray(new LiveHistograms[0]);
    this.inputs = live.stream().map(h -> h.input().name()).toArray(String[]::new);
    this.drained = live.stream().map(LiveHistograms::newCounts).toArray(long[][][]::new);
  }

  /** Histograms for every input the manifest has reference statistics of (none: binning is a no-op). */
  public static InputDrift of(Manifest manifest) {
    return new InputDrift(manifest);
  }

  /** Bins one call's inputs, as the caller passed them (the packager binned its data before pre-processing too). */
  public void record(Map<String, Tensor> in) {
    if (histograms.length == 0 || !busy.compareAndSet(false, true)) {
      return;
    }
    try {
      long values = 0;
      for (String name : inputs) {
        Tensor t = in.get(name);
        values += t == null ? 0 : t.size();
      }
      credit = Math.min(credit + VALUES_PER_CALL, Math.max(values, VALUES_PER_CALL));
      if (credit < values) {
        return;
      }
      credit -= values;
      for (int i = 0; i < histograms.length; i++) {
        Tensor t = in.get(inputs[i]);
        if (t != null) {
          histograms[i].add(t);
        }
      }
    } finally {
      busy.set(false);
    }
  }

  /** The counts since the previous call, which starts a new interval; histograms with nothing binned are left out. */
  List<DriftCounts> takeInterval() {
    while (!busy.compareAndSet(false, true)) {
      Thread.yield(); // a call is binning: that takes microseconds (onSpinWait is not on Android 26)
    }
    try {
      for (int i = 0; i < histograms.length; i++) {
        histograms[i].drainTo(drained[i]);
      }
    } finally {
      busy.set(false);
    }
    List<DriftCounts> out = new ArrayList<>();
    for (int i = 0; i < histograms.length; i++) {
      List<FeatureStats> stats = histograms[i].stats();
      for (int s = 0; s < stats.size(); s++) {
        long[] counts = drained[i][s];
        if (Arrays.stream(counts).anyMatch(c -> c > 0)) {
          out.add(new DriftCounts(model, version, inputs[i], stats.get(s).feature(), Arrays.stream(counts).boxed().collect(Collectors.toList())));
        }
      }
    }
    return out;
  }
}
