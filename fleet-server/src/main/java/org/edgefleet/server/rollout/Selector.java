package org.edgefleet.server.rollout;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.edgefleet.server.FleetException;

/**
 * A label selector: {@code key=value} pairs separated by commas, all of which a device's labels
 * must have. The empty selector matches every device.
 */
public record Selector(Map<String, String> labels) {

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");

  public Selector {
    labels = Map.copyOf(labels);
  }

  public static Selector parse(String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return new Selector(labels);
    }
    for (String pair : text.split(",", -1)) {
      String p = pair.strip();
      int eq = p.indexOf('=');
      String key = eq < 0 ? p : p.substring(0, eq).strip();
      String value = eq < 0 ? "" : p.substring(eq + 1).strip();
      if (eq < 0 || !TOKEN.matcher(key).matches() || !TOKEN.matcher(value).matches()) {
        throw FleetException.invalid("bad_selector", "selector '" + text + "': '" + p
            + "' is not key=value (letters, digits, '.', '_', ':', '/', '-'; pairs separated by commas)");
      }
      if (labels.put(key, value) != null) {
        throw FleetException.invalid("bad_selector", "selector '" + text + "' names label '" + key + "' twice");
      }
    }
    return new Selector(labels);
  }

  public boolean matches(Map<String, String> deviceLabels) {
    return labels.entrySet().stream().allMatch(e -> e.getValue().equals(deviceLabels.get(e.getKey())));
  }

  @Override
  public String toString() {
    return labels.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }
}
