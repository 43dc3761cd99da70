package org.edgefleet.packager.feeds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.edgefleet.packager.PackagingException;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Inputs made from the model's declared shapes and dtypes when the user has no data: seeded, so
 * packaging twice gives the same vectors. Values: floats uniform in [-1, 1), int8 over its whole
 * range, uint8 over [0, 255], int32 and int64 in [0, 10) (small enough to index most tables), bool
 * 0 or 1; an input given a constant ({@code --constant sr=16000}) holds that value everywhere. A
 * dynamic first dimension is 1 (one sample); any other dynamic dimension needs a size, by its
 * symbolic name when inputs share it.
 */
public final class GeneratedFeeds {

  public static final long DEFAULT_SEED = 42;

  /** What the CLI and the manifest say about such vectors. */
  public static final String NOTE = "test vectors from generated inputs (seeded, from the declared shapes and dtypes), "
      + "not from real data";

  private GeneratedFeeds() {}

  public static List<Map<String, Tensor>> generate(List<TensorSpec> inputs, DimValues dims, Map<String, Double> constants,
      int count, long seed) throws PackagingException {
    Random random = new Random(seed);
    List<Map<String, Tensor>> calls = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      Map<String, Long> bound = new HashMap<>();
      Map<String, Tensor> call = new LinkedHashMap<>();
      for (TensorSpec spec : inputs) {
        Double constant = constants.get(spec.name());
        call.put(spec.name(), constant != null ? filled(spec, constant, false, dims, bound)
            : random(spec, shape(spec, dims, bound), random));
      }
      calls.add(call);
    }
    return List.copyOf(calls);
  }

  /**
   * The input's shape filled with one value (zeros: the usual initial recurrent state), which must
   * fit the input's dtype exactly unless {@code lossyCast}.
   */
  public static Tensor filled(TensorSpec spec, double value, boolean lossyCast, DimValues dims, Map<String, Long> bound)
      throws PackagingException {
    long[] shape = shape(spec, dims, bound);
    int n = Math.toIntExact(Tensor.elementCount(shape));
    float[] values = new float[n];
    Arrays.fill(values, (float) value);
    Tensor floats = Tensor.ofFloats(shape, values);
    if (!spec.dtype().isFloating() && value == Math.rint(value) && Math.abs(value) < 1e15) {
      long[] longs = new long[n];
      Arrays.fill(longs, (long) value);
      floats = Tensor.ofLongs(DType.INT64, shape, longs);
    }
    return Casts.to(spec.dtype(), floats, lossyCast, "--constant " + spec.name() + "=" + value);
  }

  /** The concrete shape of one call's tensor; {@code bound} holds symbolic sizes already chosen in the call. */
  static long[] shape(TensorSpec spec, DimValues dims, Map<String, Long> bound) throws PackagingException {
    long[] shape = new long[spec.shape().size()];
    for (int d = 0; d < shape.length; d++) {
      long size = spec.shape().get(d);
      String name = spec.dimName(d);
      if (size < 0) {
        Long fixed = dims.of(spec, d);
        if (fixed == null && name != null) {
          fixed = bound.get(name);
        }
        if (fixed == null && d == 0) {
          fixed = 1L;
        }
        if (fixed == null) {
          throw new PackagingException("input '" + spec.name() + "': dynamic dimension " + DimValues.describe(spec, d)
              + " needs a value: pass " + DimValues.option(spec, d) + " (or give input data)");
        }
        size = fixed;
      }
      if (name != null) {
        bound.putIfAbsent(name, size);
      }
      shape[d] = size;
    }
    return shape;
  }

  private static Tensor random(TensorSpec spec, long[] shape, Random random) throws PackagingException {
    long count = Tensor.elementCount(shape);
    if (count > Integer.MAX_VALUE / 8) {
      throw new PackagingException("input '" + spec.name() + "' of shape " + Shapes.of(shape) + " holds " + count
          + " values, too many for a test vector: pass smaller --dim values");
    }
    int n = (int) count;
    DType dtype = spec.dtype();
    if (dtype.isFloating()) {
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        values[i] = random.nextFloat() * 2 - 1;
      }
      return Tensor.ofFloats(dtype, shape, values);
    }
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = switch (dtype) {
        case INT8 -> random.nextInt(256) - 128;
        case UINT8 -> random.nextInt(256);
        case BOOL -> random.nextInt(2);
        default -> random.nextInt(10);
      };
    }
    return Tensor.ofLongs(dtype, shape, values);
  }
}
