package org.edgefleet.bench.report;

import java.util.List;

/**
 * What one benchmark found: its headline figures against their baselines, details as markdown
 * lines (tables, notes) that explain them, and the parts that could not be measured, with why.
 */
public record BenchmarkReport(String name, String title, List<Outcome> outcomes, List<String> details,
    List<String> failures) {

  public BenchmarkReport {
    outcomes = List.copyOf(outcomes);
    details = List.copyOf(details);
    failures = List.copyOf(failures);
  }

  public BenchmarkReport(String name, String title, List<Outcome> outcomes, List<String> details) {
    this(name, title, outcomes, details, List.of());
  }
}
