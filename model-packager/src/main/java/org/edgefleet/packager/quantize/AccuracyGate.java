package org.edgefleet.packager.quantize;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefleet.protocol.bundle.QuantizationReport.Measure;
import org.edgefleet.protocol.bundle.QuantizationReport.OutputCheck;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Compares the quantized model's outputs with the float model's on the same rows and refuses
 * the quantized model when they drift apart more than the operator allows.
 *
 * <ul>
 *   <li>A classifier's scores ({@link Measure#TOP1}): the share of rows whose argmax over the
 *       last axis is the same, at least {@code minAgreement}. The classifier output is the one
 *       named, or else every float output of shape [batch, classes >= 2] whose rows look like
 *       probabilities on the float model (each value in [0, 1], each row summing to 1 within 1e-3).
 *   <li>Integer and boolean outputs ({@link Measure#EXACT}): the share of rows (along the first
 *       axis) equal in every value, at least {@code minAgreement}.
 *   <li>Other float outputs ({@link Measure#ERROR}): the largest absolute error, at most
 *       {@code maxAbsError} when one is set.
 * </ul>
 * Absolute errors are reported for every output.
 */
public record AccuracyGate(double minAgreement, Double maxAbsError, String classifierOutput) {

  public static final double DEFAULT_MIN_AGREEMENT = 0.99;
  private static final double PROBABILITY_SUM_TOLERANCE = 1e-3;

  public AccuracyGate {
    if (!(minAgreement >= 0 && minAgreement <= 1)) {
      throw new IllegalArgumentException("minimum agreement must be between 0 and 1, got " + minAgreement);
    }
    if (maxAbsError != null && !(maxAbsError >= 0 && Double.isFinite(maxAbsError))) {
      throw new IllegalArgumentException("maximum absolute error must be a finite number >= 0, got " + maxAbsError);
    }
  }

  public static AccuracyGate defaults() {
    return new AccuracyGate(DEFAULT_MIN_AGREEMENT, null, null);
  }

  /** The figures of every output over paired runs of the float and quantized model on the same feeds. */
  List<OutputCheck> compare(List<TensorSpec> outputs, List<Map<String, Tensor>> floatRuns,
      List<Map<String, Tensor>> quantizedRuns) throws QuantizationException {
    if (classifierOutput != null && outputs.stream().noneMatch(o -> o.name().equals(classifierOutput))) {
      throw new QuantizationException("--classifier-output '" + classifierOutput + "' is not an output of the model;"
          + " its outputs are " + outputs.stream().map(TensorSpec::name).toList());
    }
    List<OutputCheck> checks = new ArrayList<>();
    for (TensorSpec output : outputs) {
      Measure measure = measureOf(output, floatRuns);
      long agreeing = 0;
      long compared = 0;
      double maxError = 0;
      double errorSum = 0;
      long elements = 0;
      for (int run = 0; run < floatRuns.size(); run++) {
        Tensor expected = floatRuns.get(run).get(output.name());
        Tensor actual = quantizedRuns.get(run).get(output.name());
        for (int i = 0; i < expected.size(); i++) {
          double error = Math.abs(expected.get(i) - actual.get(i));
          if (!Double.isFinite(actual.get(i)) && Double.isFinite(expected.get(i))) {
            throw new QuantizationException("the quantized model produced a non-finite value in output '"
                + output.name() + "' where the float model did not; it cannot be used");
          }
          maxError = Double.isFinite(error) ? Math.max(maxError, error) : maxError;
          errorSum += Double.isFinite(error) ? error : 0;
          elements++;
        }
        int rowLength = measure == Measure.TOP1 ? (int) expected.dim(expected.rank() - 1) : rowLength(expected);
        for (int start = 0; measure != Measure.ERROR && start < expected.size(); start += rowLength) {
          boolean same = measure == Measure.TOP1
              ? argmax(expected, start, rowLength) == argmax(actual, start, rowLength)
              : equal(expected, actual, start, rowLength);
          agreeing += same ? 1 : 0;
          compared++;
        }
      }
      Double agreement = measure == Measure.ERROR ? null : compared == 0 ? 1.0 : (double) agreeing / compared;
      checks.add(new OutputCheck(output.name(), measure, agreement, maxError, elements == 0 ? 0 : errorSum / elements));
    }
    return List.copyOf(checks);
  }

  /** Why the checks fail this gate, one line an output; empty when they pass. */
  List<String> failures(List<OutputCheck> checks) {
    List<String> failures = new ArrayList<>();
    for (OutputCheck check : checks) {
      if (check.agreement() != null && check.agreement() < minAgreement) {
        failures.add(String.format(Locale.ROOT, "output '%s': %s agreement %.4f is below the minimum %.4f",
            check.output(), check.measure().wireName(), check.agreement(), minAgreement));
      }
      if (check.measure() == Measure.ERROR && maxAbsError != null && check.maxAbsError() > maxAbsError) {
        failures.add(String.format(Locale.ROOT, "output '%s': max absolute error %.6g is above the maximum %.6g",
            check.output(), check.maxAbsError(), maxAbsError));
      }
    }
    return failures;
  }

  private Measure measureOf(TensorSpec output, List<Map<String, Tensor>> floatRuns) {
    boolean isFloat = output.dtype() == DType.FLOAT32 || output.dtype() == DType.FLOAT16;
    if (!isFloat) {
      return Measure.EXACT;
    }
    if (classifierOutput != null) {
      return output.name().equals(classifierOutput) ? Measure.TOP1 : Measure.ERROR;
    }
    boolean scores = output.shape().size() == 2 && (output.shape().get(1) >= 2 || output.shape().get(1) == -1);
    for (Map<String, Tensor> run : floatRuns) {
      Tensor t = run.get(output.name());
      if (!scores || t.rank() != 2 || t.dim(1) < 2 || !probabilityRows(t)) {
        return Measure.ERROR;
      }
    }
    return Measure.TOP1;
  }

  private static boolean probabilityRows(Tensor t) {
    int classes = (int) t.dim(1);
    for (int start = 0; start < t.size(); start += classes) {
      double sum = 0;
      for (int i = start; i < start + classes; i++) {
        double v = t.get(i);
        if (!(v >= 0 && v <= 1)) {
          return false;
        }
        sum += v;
      }
      if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
        return false;
      }
    }
    return true;
  }

  /** Elements in one row along the first axis (a scalar is one row of one). */
  private static int rowLength(Tensor t) {
    return t.rank() == 0 || t.dim(0) == 0 ? Math.max(1, t.size()) : (int) (t.size() / t.dim(0));
  }

  private static int argmax(Tensor t, int start, int length) {
    int best = start;
    for (int i = start + 1; i < start + length; i++) {
      if (t.get(i) > t.get(best)) {
        best = i;
      }
    }
    return best - start;
  }

  private static boolean equal(Tensor a, Tensor b, int start, int length) {
    for (int i = start; i < start + length; i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }
}
