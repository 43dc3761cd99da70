package org.edgefleet.packager.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** {@code KEY=VALUE} options, split at the last '=' (tensor names may hold ':' but rarely '='). */
final class Pairs {

  private Pairs() {}

  static Map<String, String> map(CommandSpec spec, String option, List<String> values) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String value : values) {
      int eq = value.lastIndexOf('=');
      if (eq <= 0 || eq == value.length() - 1) {
        throw Inputs.usage(spec, option + " '" + value + "' must be KEY=VALUE");
      }
      if (out.put(value.substring(0, eq), value.substring(eq + 1)) != null) {
        throw Inputs.usage(spec, option + " gives '" + value.substring(0, eq) + "' twice");
      }
    }
    return out;
  }

  static Map<String, Integer> integers(CommandSpec spec, String option, List<String> values) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : map(spec, option, values).entrySet()) {
      try {
        out.put(e.getKey(), Integer.parseInt(e.getValue()));
      } catch (NumberFormatException ex) {
        throw Inputs.usage(spec, option + " " + e.getKey() + "=" + e.getValue() + ": the value must be a whole number");
      }
    }
    return out;
  }

  static Map<String, Double> numbers(CommandSpec spec, String option, List<String> values) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : map(spec, option, values).entrySet()) {
      try {
        out.put(e.getKey(), Double.parseDouble(e.getValue()));
      } catch (NumberFormatException ex) {
        throw Inputs.usage(spec, option + " " + e.getKey() + "=" + e.getValue() + ": the value must be a number");
      }
      if (!Double.isFinite(out.get(e.getKey()))) {
        throw Inputs.usage(spec, option + " " + e.getKey() + "=" + e.getValue() + ": the value must be finite");
      }
    }
    return out;
  }

  /** {@code NAME=10x76x32x1} (or with commas). */
  static Map<String, long[]> shapes(CommandSpec spec, String option, List<String> values) {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : map(spec, option, values).entrySet()) {
      String[] parts = e.getValue().split("[x,]");
      long[] shape = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          shape[i] = Long.parseLong(parts[i].trim());
        } catch (NumberFormatException ex) {
          shape[i] = -1;
        }
        if (shape[i] < 1) {
          throw Inputs.usage(spec, option + " " + e.getKey() + "=" + e.getValue()
              + ": a shape is sizes >= 1 separated by 'x', e.g. 10x76x32x1");
        }
      }
      out.put(e.getKey(), shape);
    }
    return out;
  }
}
