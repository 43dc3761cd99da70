package org.edgefleet.packager.quantize;

import java.util.List;
import org.edgefleet.protocol.bundle.QuantizationReport;

/** The quantized model strays from the float one beyond the gate's thresholds; nothing was written. */
public final class AccuracyGateException extends Exception {

  private final transient QuantizationReport report;

  public AccuracyGateException(List<String> failures, QuantizationReport report) {
    super("the quantized model fails the accuracy gate: " + String.join("; ", failures));
    this.report = report;
  }

  /** The figures the gate refused, for the operator to see how far off the model is. */
  public QuantizationReport report() {
    return report;
  }
}
