package org.edgefleet.packager.quantize;

import java.nio.file.Path;
import org.edgefleet.protocol.bundle.Manifest;

/**
 * A quantized model that passed the accuracy gate. Pass {@link #quantization()} to
 * {@code BundlePackager.Builder.quantization(..)}, or let {@code package} read the sidecar.
 *
 * @param model the quantized model file
 * @param sidecar the {@code .quant.json} file beside it
 * @param quantization what goes into the manifest: scheme, granularity, weights and the measured report
 * @param floatFileBytes size of the float model file
 * @param quantizedFileBytes size of the quantized model file
 * @param floatWeightBytes bytes of the weights that were quantized, as float32
 * @param quantizedWeightBytes bytes of those weights as int8, with their scales and zero points
 */
public record QuantizeResult(Path model, Path sidecar, Manifest.Quantization quantization, long floatFileBytes,
    long quantizedFileBytes, long floatWeightBytes, long quantizedWeightBytes) {

  public double fileRatio() {
    return (double) quantizedFileBytes / floatFileBytes;
  }

  public double weightRatio() {
    return floatWeightBytes == 0 ? 1 : (double) quantizedWeightBytes / floatWeightBytes;
  }
}
