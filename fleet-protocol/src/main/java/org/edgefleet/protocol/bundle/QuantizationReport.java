package org.edgefleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the packager's quantizer did and measured: the quantized operators by type, how many
 * weight values became integers, how activation ranges were calibrated (static quantization
 * only), and how the quantized model's outputs compared with the float model's on
 * {@code comparedRows} rows. Devices do not act on it; operators and the server read it.
 *
 * @param ops quantized nodes per operator type, e.g. {@code {"Conv": 2, "Gemm": 1}}
 * @param weightValues weight elements stored as integers
 * @param activationType {@code uint8} or {@code int8} for static quantization, null for weight-only
 * @param activationRange how activation ranges were taken ({@code minmax}, {@code percentile-99.99}), null for weight-only
 * @param calibrationRows rows the activation ranges came from, null for weight-only
 * @param comparedRows rows the accuracy comparison ran on
 * @param outputs one comparison per model output
 */
public record QuantizationReport(Map<String, Integer> ops, long weightValues, String activationType,
    String activationRange, Integer calibrationRows, int comparedRows, List<OutputCheck> outputs) {

  public QuantizationReport {
    // Sorted, so that the same figures always serialize to the same (signed) manifest bytes.
    ops = ops == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(ops));
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    if (weightValues < 0 || comparedRows < 0 || (calibrationRows != null && calibrationRows < 0)) {
      throw new IllegalArgumentException("quantization report counts must be >= 0");
    }
    if ((activationType == null) != (activationRange == null) || (activationType == null) != (calibrationRows == null)) {
      throw new IllegalArgumentException("activationType, activationRange and calibrationRows go together (static quantization)");
    }
  }

  /** How one output was compared: discrete outputs by agreement, continuous ones by error. */
  public enum Measure {
    /** argmax over the last axis, per row: the output is a classifier's scores. */
    TOP1,
    /** integer or boolean outputs: rows whose values are all equal. */
    EXACT,
    /** float outputs that are not classifier scores: absolute errors only. */
    ERROR;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Measure fromWireName(String name) {
      for (Measure m : values()) {
        if (m.wireName().equals(name)) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown comparison measure '" + name + "' (expected top1, exact or error)");
    }
  }

  /**
   * One output's figures. {@code agreement} is the share of compared rows (0..1) that agree,
   * null for {@link Measure#ERROR}; the errors are absolute, over every element.
   */
  public record OutputCheck(String output, Measure measure, Double agreement, double maxAbsError, double meanAbsError) {
    public OutputCheck {
      Names.requireTensorName(output, "output name");
      if (measure == null) {
        throw new IllegalArgumentException("output check of " + output + " needs a measure");
      }
      if ((agreement == null) != (measure == Measure.ERROR)
          || (agreement != null && !(agreement >= 0 && agreement <= 1))) {
        throw new IllegalArgumentException("output check of " + output + ": agreement must be in [0, 1] for "
            + measure.wireName() + " and absent for error, got " + agreement);
      }
      if (!(maxAbsError >= 0 && meanAbsError >= 0 && Double.isFinite(maxAbsError) && Double.isFinite(meanAbsError))) {
        throw new IllegalArgumentException("output check of " + output + ": errors must be finite numbers >= 0");
      }
    }
  }
}
