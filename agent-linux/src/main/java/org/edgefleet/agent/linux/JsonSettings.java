package org.edgefleet.agent.linux;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.config.DurationText;
import org.edgefleet.protocol.config.Setting;

/**
 * A config file's JSON value as the typed value of its setting. Strict: a number where text
 * belongs (or the reverse) is refused, never coerced, and the message names the key and shows
 * what to write. Relative paths are resolved against the config file's directory.
 */
final class JsonSettings {

  private static final int LONGEST_LIST = 1000;

  private JsonSettings() {}

  static Object value(Setting<?> setting, JsonNode node, Path base) {
    Class<?> type = setting.type();
    if (type == List.class) {
      if (!node.isArray() || node.size() > LONGEST_LIST) {
        throw refused(setting, node, "a list of at most " + LONGEST_LIST + " strings, e.g. [\"a\", \"b\"]");
      }
      List<Object> list = new ArrayList<>();
      for (JsonNode element : node) {
        list.add(scalar(setting, setting.elementType(), element, base));
      }
      return List.copyOf(list);
    }
    if (type == Map.class) {
      if (!node.isObject()) {
        throw refused(setting, node, "an object of strings, e.g. {\"hw\": \"rpi4\"}");
      }
      Map<String, String> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        map.put(e.getKey(), (String) scalar(setting, String.class, e.getValue(), base));
      }
      return Map.copyOf(map);
    }
    return scalar(setting, type, node, base);
  }

  private static Object scalar(Setting<?> setting, Class<?> type, JsonNode node, Path base) {
    if (type == String.class) {
      if (!node.isTextual()) {
        throw refused(setting, node, "a string");
      }
      return node.textValue();
    }
    if (type == Path.class) {
      if (!node.isTextual() || node.textValue().isBlank()) {
        throw refused(setting, node, "a path as a string (relative to the config file's directory)");
      }
      return base.resolve(node.textValue()).normalize();
    }
    if (type == Duration.class) {
      if (!node.isTextual()) {
        throw refused(setting, node, "a duration as a string, " + DurationText.SYNTAX);
      }
      return DurationText.parsePositive(setting.name(), node.textValue());
    }
    if (type == Integer.class) {
      if (!node.isIntegralNumber() || !node.canConvertToInt()) {
        throw refused(setting, node, "a whole number");
      }
      return node.intValue();
    }
    if (type == Long.class) {
      if (!node.isIntegralNumber() || !node.canConvertToLong()) {
        throw refused(setting, node, "a whole number");
      }
      return node.longValue();
    }
    if (type == Boolean.class) {
      if (!node.isBoolean()) {
        throw refused(setting, node, "true or false");
      }
      return node.booleanValue();
    }
    throw new IllegalStateException("setting " + setting.name() + " has a type config files cannot hold: " + type);
  }

  private static IllegalArgumentException refused(Setting<?> setting, JsonNode node, String expected) {
    String shown = node.toString();
    if (shown.length() > 60) {
      shown = shown.substring(0, 60) + "...";
    }
    return new IllegalArgumentException(setting.name() + " must be " + expected + ", was " + shown);
  }
}
