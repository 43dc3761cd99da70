package org.edgefleet.protocol.bundle;

import java.util.regex.Pattern;

/**
 * The rules for names. Model names end up in paths, topics and URLs, so they are strict. Tensor
 * names are the model's own ({@code onnx::Flatten_0}, {@code serving_default_x:0}): any name a
 * runtime accepts is kept exactly, and only lengths and control characters are refused; they
 * travel as JSON strings and are never used as paths.
 */
public final class Names {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  static final int MAX_TENSOR_NAME = 512;

  private Names() {}

  public static String require(String value, String what) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " '" + value
          + "' must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return value;
  }

  public static String requireTensorName(String value, String what) {
    if (value == null || value.isEmpty() || value.length() > MAX_TENSOR_NAME) {
      throw new IllegalArgumentException(what + " must be 1-" + MAX_TENSOR_NAME + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(what + " '" + value.replaceAll("\\p{Cntrl}", "?")
            + "' has a control character at position " + i);
      }
    }
    return value;
  }
}
