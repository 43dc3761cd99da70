package org.edgefleet.protocol.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way durations are written in EdgeFleet, in every setting, flag and config file: a
 * whole number and a unit, {@code 250ms}, {@code 30s}, {@code 5m}, {@code 12h} or {@code 365d}.
 * No ISO-8601 ({@code PT30S}), no bare numbers, no {@code ...Ms} keys: one syntax to learn.
 */
public final class DurationText {

  /** The syntax, for error messages and docs. */
  public static final String SYNTAX = "a whole number and a unit: 250ms, 30s, 5m, 12h or 365d";
  private static final int LONGEST = 24;
  private static final Pattern FORM = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)");

  private DurationText() {}

  /**
   * Parses {@code text}; the message of the exception quotes it and shows the syntax.
   *
   * @throws IllegalArgumentException when the text is not a duration of this syntax
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a duration must not be null; write " + SYNTAX);
    }
    if (text.length() > LONGEST) {
      throw new IllegalArgumentException("'" + text.substring(0, LONGEST) + "...' is not a duration; write " + SYNTAX);
    }
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; write " + SYNTAX);
    }
    long amount = Long.parseLong(m.group(1));
    try {
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
    }
  }

  /** Parses {@code text} and requires it to be more than zero, naming {@code setting} when not. */
  public static Duration parsePositive(String setting, String text) {
    Duration d;
    try {
      d = parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
    }
    if (d.isZero()) {
      throw new IllegalArgumentException(setting + " must be more than 0, was '" + text + "'");
    }
    return d;
  }

  /** Writes {@code d} in the largest unit that keeps it whole: {@code 90s} stays, {@code 120s} is {@code 2m}. */
  public static String format(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("a negative duration has no text form: " + d);
    }
    long ms = d.toMillis();
    if (ms == 0 || ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    return s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
