package org.edgefleet.scenario;

/** Reads one value out of Prometheus text exposition. */
final class Prometheus {

  private Prometheus() {}

  /** Sum of every sample of {@code metric} (all label sets) whose labels contain {@code labelFilter}. */
  static double sum(String exposition, String metric, String labelFilter) {
    double total = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(metric)) {
        continue;
      }
      String rest = line.substring(metric.length());
      if (!(rest.startsWith("{") || rest.startsWith(" "))) {
        continue;
      }
      if (!labelFilter.isEmpty() && !rest.contains(labelFilter)) {
        continue;
      }
      String[] parts = line.trim().split(" ");
      total += Double.parseDouble(parts[parts.length - 1]);
    }
    return total;
  }
}
