package org.edgefleet.packager.vectors;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefleet.packager.PackagingException;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Checks that the model reproduces outputs the user brought (from the framework the model was
 * converted from, say): the proof that a conversion was right. Each output is compared over
 * every call; the refusal names the output, the call and the largest error.
 */
public final class ExpectedOutputs {

  private ExpectedOutputs() {}

  /** The largest absolute error over all calls and outputs checked, when all are within the tolerance. */
  public static double check(List<Map<String, Tensor>> actual, List<Map<String, Tensor>> expected, double tolerance,
      String source) throws PackagingException {
    if (expected.size() != actual.size()) {
      throw new PackagingException(source + " holds expected outputs for " + expected.size() + " calls but the test"
          + " inputs make " + actual.size() + ": give one expected sample per input sample");
    }
    double worst = 0;
    for (String output : expected.get(0).keySet()) {
      double max = 0;
      int at = -1;
      for (int k = 0; k < expected.size(); k++) {
        Tensor e = expected.get(k).get(output);
        Tensor a = actual.get(k).get(output);
        if (!Arrays.equals(e.shape(), a.shape())) {
          throw new PackagingException("output '" + output + "', sample " + k + ": the model produced shape "
              + Arrays.toString(a.shape()) + " but " + source + " expects " + Arrays.toString(e.shape()));
        }
        for (int i = 0; i < e.size(); i++) {
          double d = Math.abs(e.get(i) - a.get(i));
          if (Double.isNaN(d) && !(Double.isNaN(e.get(i)) && Double.isNaN(a.get(i)))) {
            d = Double.POSITIVE_INFINITY;
          }
          if (d > max) {
            max = d;
            at = k;
          }
        }
      }
      if (max > tolerance) {
        throw new PackagingException(String.format(Locale.ROOT, "output '%s' does not reproduce %s: max abs error %.6g"
            + " (sample %d) is above the tolerance %s; check the conversion, or raise --tolerance", output, source, max,
            at, tolerance));
      }
      worst = Math.max(worst, max);
    }
    return worst;
  }
}
