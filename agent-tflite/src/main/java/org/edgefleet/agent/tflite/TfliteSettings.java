package org.edgefleet.agent.tflite;

import org.edgefleet.tflite.TfliteOptions;

/**
 * The TFLite engine's settings: kernel threads per interpreter, whether XNNPACK takes the float
 * operators, and at most how many interpreters a model keeps for callers running at once.
 * Interpreters are not thread-safe, so concurrent {@code predict} calls each take one from the
 * model's pool; the pool grows on demand up to {@code interpreters}, and a caller beyond that
 * waits for one to come back. Each interpreter holds its own activations (and XNNPACK's packed
 * weights), so memory grows with the pool, never beyond it.
 */
public record TfliteSettings(int threads, boolean xnnpack, int interpreters) {

  public static final boolean DEFAULT_XNNPACK = true;
  /** Enough for the cores of a small board; more interpreters than cores only add memory. */
  public static final int DEFAULT_INTERPRETERS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  public TfliteSettings {
    if (interpreters < 1) {
      throw new IllegalArgumentException("TFLite interpreters per model must be at least 1, was " + interpreters);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("TFLite threads must be at least 1, was " + threads);
    }
  }

  public static TfliteSettings defaults(int threads) {
    return new TfliteSettings(threads, DEFAULT_XNNPACK, DEFAULT_INTERPRETERS);
  }

  TfliteOptions options() {
    return new TfliteOptions(threads, xnnpack);
  }
}
