package org.edgefleet.packager.cli;

import java.time.Duration;
import org.edgefleet.protocol.config.DurationText;
import picocli.CommandLine;

/** Durations in the project's one syntax ({@link DurationText}): {@code 365d}, {@code 12h}, {@code 30m}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    Duration duration;
    try {
      duration = DurationText.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
    if (duration.isZero()) {
      throw new CommandLine.TypeConversionException("'" + value + "' must be a positive duration");
    }
    return duration;
  }
}
