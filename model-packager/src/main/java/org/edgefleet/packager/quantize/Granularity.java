package org.edgefleet.packager.quantize;

import java.util.Locale;

/** One weight scale per output channel, or one per weight tensor. */
public enum Granularity {
  PER_CHANNEL, PER_TENSOR;

  /** {@code per-channel} / {@code per-tensor}, as the manifest writes it. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
