package org.edgefleet.tflite;

/**
 * How an interpreter runs: {@code threads} for its kernels (and XNNPACK's pool), and whether the
 * XNNPACK delegate takes the float operators it supports (TFLite's default; off runs the
 * reference kernels only, for a model XNNPACK gets wrong or to compare).
 */
public record TfliteOptions(int threads, boolean xnnpack) {

  public static final int DEFAULT_THREADS = 1;
  public static final TfliteOptions DEFAULT = new TfliteOptions(DEFAULT_THREADS, true);

  public TfliteOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("TFLite threads must be at least 1, was " + threads);
    }
  }
}
