package org.edgefleet.packager.feeds;

import java.util.Arrays;
import java.util.List;
import org.edgefleet.protocol.bundle.TensorSpec;

/** Shapes in messages the way the CLI prints them: {@code float32 [?, 76, 32, 1]}. */
final class Shapes {

  private Shapes() {}

  static String of(TensorSpec spec) {
    StringBuilder b = new StringBuilder(spec.dtype().wireName()).append(" [");
    List<Long> shape = spec.shape();
    for (int d = 0; d < shape.size(); d++) {
      b.append(d == 0 ? "" : ", ");
      String name = spec.dimName(d);
      b.append(shape.get(d) >= 0 ? String.valueOf(shape.get(d)) : name != null ? name : "?");
    }
    return b.append(']').toString();
  }

  static String of(long[] shape) {
    return Arrays.toString(shape);
  }
}
