package org.edgefleet.protocol.bundle;

import java.util.regex.Pattern;

/** The one rule for model names and tensor names, which end up in paths and URLs. */
public final class Names {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private Names() {}

  public static String require(String value, String what) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " '" + value
          + "' must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return value;
  }
}
