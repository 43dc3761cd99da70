package org.edgefleet.protocol.tensor.numpy;

import org.edgefleet.protocol.tensor.Tensor;

/** Reorders a tensor whose values are in Fortran (column-major) order into C (row-major) order. */
final class FortranOrder {

  private FortranOrder() {}

  static Tensor toCOrder(Tensor columnMajor) {
    long[] shape = columnMajor.shape();
    int[] from = sourceIndices(shape, columnMajor.size());
    if (columnMajor.dtype().isFloating()) {
      float[] src = columnMajor.floats();
      float[] dst = new float[src.length];
      for (int i = 0; i < dst.length; i++) {
        dst[i] = src[from[i]];
      }
      return Tensor.ofFloats(columnMajor.dtype(), shape, dst);
    }
    long[] src = columnMajor.longs();
    long[] dst = new long[src.length];
    for (int i = 0; i < dst.length; i++) {
      dst[i] = src[from[i]];
    }
    return Tensor.ofLongs(columnMajor.dtype(), shape, dst);
  }

  /** For each C-order position, the Fortran-order position of the same element (an odometer walk). */
  private static int[] sourceIndices(long[] shape, int count) {
    int rank = shape.length;
    int[] stride = new int[rank];
    for (int k = 0, s = 1; k < rank; k++) {
      stride[k] = s;
      s *= (int) shape[k];
    }
    int[] index = new int[rank];
    int[] from = new int[count];
    int f = 0;
    for (int c = 0; c < count; c++) {
      from[c] = f;
      for (int k = rank - 1; k >= 0; k--) {
        index[k]++;
        f += stride[k];
        if (index[k] < shape[k]) {
          break;
        }
        f -= index[k] * stride[k];
        index[k] = 0;
      }
    }
    return from;
  }
}
