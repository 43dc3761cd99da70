package org.edgefleet.server.cohort;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One requirement of a {@link Selector} on one label, as Kubernetes label selectors have them.
 * Negative requirements ({@code !=}, {@code notin}, {@code !key}) match devices without the label.
 *
 * @param values the one value of {@code =} and {@code !=}, the set of {@code in} and {@code notin}, none otherwise
 */
public record Requirement(String key, Operator op, List<String> values) {

  /** How the requirement compares the device's label. */
  public enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, NOT_EXISTS }

  public Requirement {
    values = List.copyOf(values);
    int expected = switch (op) {
      case EQUALS, NOT_EQUALS -> 1;
      case EXISTS, NOT_EXISTS -> 0;
      case IN, NOT_IN -> values.isEmpty() ? -1 : values.size();
    };
    if (expected != values.size()) {
      throw new IllegalArgumentException(op + " on '" + key + "' cannot take " + values.size() + " values");
    }
  }

  public boolean matches(Map<String, String> labels) {
    String v = labels.get(key);
    return switch (op) {
      case EQUALS -> values.get(0).equals(v);
      case NOT_EQUALS -> !values.get(0).equals(v);
      case IN -> v != null && values.contains(v);
      case NOT_IN -> v == null || !values.contains(v);
      case EXISTS -> v != null;
      case NOT_EXISTS -> v == null;
    };
  }

  @Override
  public String toString() {
    return switch (op) {
      case EQUALS -> key + "=" + values.get(0);
      case NOT_EQUALS -> key + "!=" + values.get(0);
      case IN -> key + " in (" + String.join(",", values) + ")";
      case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
      case EXISTS -> key;
      case NOT_EXISTS -> "!" + key;
    };
  }

  static String joined(List<Requirement> requirements) {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }
}
