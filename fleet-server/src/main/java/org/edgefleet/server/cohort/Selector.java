package org.edgefleet.server.cohort;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.edgefleet.server.FleetException;

/**
 * A label selector in the grammar of Kubernetes: requirements separated by commas, all of which a
 * device's labels must meet: {@code key=value} (or {@code ==}), {@code key!=value},
 * {@code key in (a,b)}, {@code key notin (a,b)}, {@code key} (has the label) and {@code !key}
 * (has not). The empty selector matches every device. Parsed into {@link Requirement}s, matched in
 * Java ({@link #matches}) or compiled to SQL with bound parameters ({@link SelectorSql}); the text
 * never reaches SQL.
 */
public record Selector(List<Requirement> requirements) {

  public static final Selector ALL = new Selector(List.of());

  static final int MAX_TEXT = 4096;
  static final int MAX_REQUIREMENTS = 32;
  static final int MAX_VALUES = 64;

  public Selector {
    // Canonical order, so equal selectors print (and are stored) alike.
    requirements = requirements.stream().sorted(Comparator.comparing(Requirement::key)
        .thenComparing(r -> r.op().ordinal()).thenComparing(Requirement::toString)).toList();
  }

  /** Parses selector text; null or blank is {@link #ALL}. */
  public static Selector parse(String text) {
    if (text == null || text.isBlank()) {
      return ALL;
    }
    if (text.length() > MAX_TEXT) {
      throw invalid(text.substring(0, 32) + "...", "is " + text.length() + " characters long, more than " + MAX_TEXT);
    }
    return new SelectorParser(text).parse();
  }

  /** A selector of equality requirements only, one per label. */
  public static Selector ofLabels(Map<String, String> labels) {
    List<Requirement> rs = new ArrayList<>();
    new TreeSet<>(labels.keySet()).forEach(k -> rs.add(new Requirement(k, Requirement.Operator.EQUALS, List.of(labels.get(k)))));
    return new Selector(rs);
  }

  public boolean matches(Map<String, String> labels) {
    return requirements.stream().allMatch(r -> r.matches(labels));
  }

  public boolean isAll() {
    return requirements.isEmpty();
  }

  static FleetException invalid(String text, String problem) {
    return FleetException.invalid("bad_selector", "selector '" + text + "' " + problem
        + " (requirements separated by commas: key=value, key!=value, key in (a,b), key notin (a,b), key, !key; "
        + "keys and values of letters, digits, '.', '_', ':', '/', '-')");
  }

  /** The canonical text, which parses back to an equal selector; also its JSON form. */
  @JsonValue
  @Override
  public String toString() {
    return Requirement.joined(requirements);
  }
}
