package org.edgefleet.packager.feeds;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.packager.PackagingException;
import org.edgefleet.protocol.bundle.TensorSpec;

/**
 * Sizes the user fixes for dynamic dimensions ({@code --dim seq=16}), by the model's symbolic
 * name, or by {@code INPUT:AXIS} for a dimension the model leaves unnamed (TFLite's -1), and the
 * check that the sizes in one call agree: inputs that share a symbolic name share its size.
 */
public final class DimValues {

  public static final DimValues NONE = new DimValues(Map.of());

  private final Map<String, Long> values;

  private DimValues(Map<String, Long> values) {
    this.values = Map.copyOf(values);
  }

  /** From {@code NAME=N} or {@code INPUT:AXIS=N} pairs. */
  public static DimValues parse(List<String> pairs) throws PackagingException {
    Map<String, Long> values = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.lastIndexOf('=');
      long n;
      try {
        n = eq > 0 ? Long.parseLong(pair.substring(eq + 1).trim()) : -1;
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > Integer.MAX_VALUE) {
        throw new PackagingException("--dim '" + pair + "' must be NAME=N (or INPUT:AXIS=N) with N a whole number >= 1");
      }
      values.put(pair.substring(0, eq).trim(), n);
    }
    return new DimValues(values);
  }

  public Map<String, Long> values() {
    return values;
  }

  /** The fixed size of dimension {@code axis} of {@code spec}, or null when the user gave none. */
  public Long of(TensorSpec spec, int axis) {
    String name = spec.dimName(axis);
    if (name != null && values.containsKey(name)) {
      return values.get(name);
    }
    return values.get(spec.name() + ":" + axis);
  }

  /** How to name the dimension in a message, and the option that sets it. */
  static String describe(TensorSpec spec, int axis) {
    String name = spec.dimName(axis);
    return name != null ? "'" + name + "' (axis " + axis + ")" : "axis " + axis;
  }

  static String option(TensorSpec spec, int axis) {
    String name = spec.dimName(axis);
    return "--dim " + (name != null ? name : spec.name() + ":" + axis) + "=N";
  }

  /**
   * Checks one call: every dynamic dimension matches its fixed size, and dimensions that share a
   * symbolic name have one size across the inputs.
   */
  void check(List<TensorSpec> inputs, Map<String, org.edgefleet.protocol.tensor.Tensor> call, String where)
      throws PackagingException {
    Map<String, String> seenIn = new HashMap<>();
    Map<String, Long> seen = new HashMap<>();
    for (TensorSpec spec : inputs) {
      org.edgefleet.protocol.tensor.Tensor t = call.get(spec.name());
      for (int d = 0; d < spec.shape().size(); d++) {
        if (spec.shape().get(d) != -1) {
          continue;
        }
        long size = t.dim(d);
        Long fixed = of(spec, d);
        if (fixed != null && fixed != size) {
          throw new PackagingException(where + "input '" + spec.name() + "': dimension " + describe(spec, d) + " is "
              + size + " in the data but " + option(spec, d).replace("=N", "=" + fixed) + " fixes it");
        }
        String name = spec.dimName(d);
        if (name == null) {
          continue;
        }
        Long before = seen.putIfAbsent(name, size);
        if (before != null && before != size) {
          throw new PackagingException(where + "dimension '" + name + "' is " + before + " in input '" + seenIn.get(name)
              + "' but " + size + " in input '" + spec.name() + "': inputs that share a dimension name need one size");
        }
        seenIn.putIfAbsent(name, spec.name());
      }
    }
  }
}
