package org.edgefleet.packager.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Durations as operators write them: {@code 90d}, {@code 12h}, {@code 30m}, or ISO-8601 {@code P30D}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  private static final Pattern SHORT = Pattern.compile("(\\d+)([dhm])");

  @Override
  public Duration convert(String value) {
    Matcher m = SHORT.matcher(value.trim());
    Duration duration;
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      duration = switch (m.group(2)) {
        case "d" -> Duration.ofDays(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofMinutes(amount);
      };
    } else {
      try {
        duration = Duration.parse(value.trim());
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration; write e.g. 365d, 12h, 30m or P30D");
      }
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new CommandLine.TypeConversionException("'" + value + "' must be a positive duration");
    }
    return duration;
  }
}
