package org.edgefleet.packager.vectors;

import java.util.List;

/**
 * The outcome of running test vectors.
 *
 * @param vectors  how many vectors ran
 * @param failures one line per output that missed its expected values; empty when all passed
 */
public record TestVectorReport(int vectors, List<String> failures) {

  public TestVectorReport {
    failures = List.copyOf(failures);
  }

  public boolean passed() {
    return failures.isEmpty();
  }
}
