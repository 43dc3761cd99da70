package org.edgefleet.server.device;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;

/**
 * What a device may make the server store: how many devices register, how many labels each
 * reports and how long they are, how large its reported state is; and after how long without a
 * message a device counts as gone. Device ids are bounded by the topic rule (1-64 characters).
 */
public record DeviceLimits(int maxDevices, int maxLabels, int maxKeyLength, int maxValueLength, int maxReportedBytes,
    Duration offlineAfter) {

  /** The characters of label keys and values: those a rollout selector can name. */
  private static final Pattern LABEL_CHARS = Pattern.compile("[A-Za-z0-9._:/-]+");

  public static DeviceLimits of(ServerConfig c) {
    return new DeviceLimits(c.get(Settings.MAX_DEVICES), c.get(Settings.MAX_LABELS), c.get(Settings.MAX_LABEL_KEY_LENGTH),
        c.get(Settings.MAX_LABEL_VALUE_LENGTH), c.get(Settings.MAX_REPORTED_SIZE), c.get(Settings.DEVICE_OFFLINE_AFTER));
  }

  /** Why the labels are refused, or empty when they are within the limits. */
  public Optional<String> whyRefused(Map<String, String> labels) {
    if (labels.size() > maxLabels) {
      return Optional.of(labels.size() + " labels, at most " + maxLabels + " are kept (" + Settings.MAX_LABELS.flag() + ")");
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      Optional<String> why = whyRefused("key", e.getKey(), maxKeyLength, Settings.MAX_LABEL_KEY_LENGTH.flag())
          .or(() -> whyRefused("value of " + e.getKey(), e.getValue(), maxValueLength, Settings.MAX_LABEL_VALUE_LENGTH.flag()));
      if (why.isPresent()) {
        return why;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> whyRefused(String what, String text, int max, String flag) {
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    if (text.length() > max) {
      return Optional.of("label " + what + " '" + shown + "' has " + text.length() + " characters, at most " + max
          + " are allowed (" + flag + ")");
    }
    if (!LABEL_CHARS.matcher(text).matches()) {
      return Optional.of("label " + what + " '" + shown + "' must be letters, digits, '.', '_', ':', '/' or '-'");
    }
    return Optional.empty();
  }
}
