package org.edgefleet.tflite;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteAffineQuantization;

import java.util.Optional;
import org.bytedeco.tensorflowlite.TfLiteAffineQuantization;
import org.bytedeco.tensorflowlite.TfLiteIntArray;
import org.bytedeco.tensorflowlite.TfLiteQuantization;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.edgefleet.protocol.tensor.DType;

/** Reads a model tensor's declared type, shape and quantization into a {@link TensorInfo}. */
final class TensorDescriber {

  private TensorDescriber() {}

  static TensorInfo describe(String name, TfLiteTensor t, String kind, String source) throws TfliteException {
    DType dtype = TfliteTypes.dtypeOf(t.type());
    if (dtype == null) {
      throw new TfliteException(source + ": " + kind + " '" + name + "' has element type " + TfliteTypes.name(t.type())
          + "; bundles support float32, float16, int64, int32, int8, uint8 and bool", true);
    }
    // dims_signature keeps -1 for dynamic dimensions; dims holds the size currently allocated.
    TfLiteIntArray signature = t.dims_signature();
    long[] shape = TensorCopy.shape(signature != null && !signature.isNull() && signature.size() > 0 ? signature : t.dims());
    Optional<QuantParams> quant = quantization(name, t, dtype, shape, source);
    return new TensorInfo(name, dtype, shape, quant);
  }

  private static Optional<QuantParams> quantization(String name, TfLiteTensor t, DType dtype, long[] shape,
      String source) throws TfliteException {
    TfLiteQuantization q = t.quantization();
    if (q == null || q.isNull() || q.type() != kTfLiteAffineQuantization || q.params() == null || q.params().isNull()) {
      return Optional.empty();
    }
    TfLiteAffineQuantization affine = new TfLiteAffineQuantization(q.params());
    int n = affine.scale() == null || affine.scale().isNull() ? 0 : affine.scale().size();
    if (n == 0) {
      return Optional.empty();
    }
    float[] scales = new float[n];
    long[] zeroPoints = new long[n];
    TfLiteIntArray zp = affine.zero_point();
    int zpCount = zp == null || zp.isNull() ? 0 : zp.size();
    for (int i = 0; i < n; i++) {
      scales[i] = affine.scale().data(i);
      zeroPoints[i] = i < zpCount ? zp.data(i) : 0;
    }
    try {
      QuantParams params = new QuantParams(scales, zeroPoints, affine.quantized_dimension());
      params.check(name, dtype, shape);
      return Optional.of(params);
    } catch (IllegalArgumentException e) {
      throw new TfliteException(source + ": tensor '" + name + "' has invalid quantization: " + e.getMessage(), false, e);
    } catch (TfliteException e) {
      throw new TfliteException(source + ": " + e.getMessage(), false, e);
    }
  }
}
