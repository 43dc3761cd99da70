package org.edgefleet.sim;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Input drift on chosen features only: {@code x * scale + shift} on the named columns of every
 * float input that names them, once the clock reaches {@code from} (null: from the start) and
 * while the active version is at least {@code fromVersion} (1: any). Applied on top of any input
 * source, so the drift the server measures is known exactly: those features and no others.
 */
public record FeatureShift(List<String> features, double shift, double scale, Instant from, int fromVersion) {

  public FeatureShift {
    if (features == null || features.isEmpty() || features.stream().anyMatch(f -> f == null || f.isBlank())) {
      throw new IllegalArgumentException("a feature shift needs the names of the features it shifts");
    }
    if (!Double.isFinite(shift) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("feature shift of " + features + ": shift and scale must be finite numbers");
    }
    if (fromVersion < 1) {
      throw new IllegalArgumentException("feature shift of " + features + ": fromVersion must be >= 1");
    }
    features = List.copyOf(features);
  }

  /** Shifts the features from the start, on every version. */
  public static FeatureShift of(List<String> features, double shift, double scale) {
    return new FeatureShift(features, shift, scale, null, 1);
  }

  /** Whether the shift applies now to calls of this version. */
  boolean appliesTo(Manifest active, Instant now) {
    return active.version() >= fromVersion && (from == null || !now.isBefore(from));
  }

  /** The call's inputs with the named columns shifted; inputs that name none of them pass unchanged. */
  Map<String, Tensor> apply(Manifest active, Map<String, Tensor> inputs) {
    Map<String, Tensor> out = new HashMap<>(inputs);
    for (TensorSpec spec : active.inputs()) {
      Tensor t = inputs.get(spec.name());
      if (t == null || spec.features() == null || !t.dtype().isFloating() || t.rank() == 0) {
        continue;
      }
      int width = (int) t.dim(t.rank() - 1);
      float[] values = t.floats().clone();
      boolean changed = false;
      for (String feature : features) {
        int column = spec.features().indexOf(feature);
        if (column < 0 || column >= width) {
          continue;
        }
        changed = true;
        for (int i = column; i < values.length; i += width) {
          values[i] = (float) (values[i] * scale + shift);
        }
      }
      if (changed) {
        out.put(spec.name(), Tensor.ofFloats(t.dtype(), t.shape(), values));
      }
    }
    return Map.copyOf(out);
  }
}
