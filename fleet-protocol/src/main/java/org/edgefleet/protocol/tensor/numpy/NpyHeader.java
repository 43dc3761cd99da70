package org.edgefleet.protocol.tensor.numpy;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The header dict of a .npy file, parsed strictly. It is a Python literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}: exactly the keys descr,
 * fortran_order and shape, each once; shape a tuple of non-negative integers. Nothing is
 * evaluated; anything else is refused with what was found.
 */
record NpyHeader(String descr, NpyType type, ByteOrder order, boolean fortranOrder, long[] shape) {

  static NpyHeader of(NpyType type, long[] shape) {
    return new NpyHeader(type.littleEndianDescr(), type, ByteOrder.LITTLE_ENDIAN, false, shape.clone());
  }

  /** The dict as NumPy writes it: keys sorted, {@code (3,)} for one dimension, {@code ()} for none. */
  String toLiteral() {
    return "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
        + ", 'shape': " + Npy.shapeText(shape) + ", }";
  }

  static NpyHeader parse(String text, String source) throws InputFileException {
    return new Parser(text, source).header();
  }

  /** Reads a descriptor such as {@code <f4}, {@code >i2}, {@code |b1}; says why one is refused. */
  static NpyHeader withDescr(String descr, boolean fortranOrder, long[] shape, String source)
      throws InputFileException {
    String field = "header field 'descr' is '" + descr + "': ";
    if (descr.length() < 2 || "<>=|".indexOf(descr.charAt(0)) < 0) {
      throw new InputFileException(source, field + "expected a byte order (<, >, = or |), a kind and a width, like '<f4'");
    }
    char kind = descr.charAt(1);
    String width = descr.substring(2);
    String refusal = refusal(kind, width);
    if (refusal != null) {
      throw new InputFileException(source, field + refusal);
    }
    NpyType type = width.matches("[0-9]{1,2}") ? NpyType.of(kind, Integer.parseInt(width)) : null;
    if (type == null) {
      throw new InputFileException(source, field + "not a supported element type (supported: <f2 <f4 <f8 |i1 |u1"
          + " <i2 <u2 <i4 <u4 <i8 |b1, either byte order)");
    }
    char orderChar = descr.charAt(0);
    if (orderChar == '|' && type.size() > 1) {
      throw new InputFileException(source, field + "byte order '|' (not applicable) only fits one-byte types;"
          + " a " + type.size() + "-byte type needs '<' or '>'");
    }
    // '=' is the writer's native order, which is little-endian on every platform NumPy ships for today.
    ByteOrder order = orderChar == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    return new NpyHeader(descr, type, order, fortranOrder, shape);
  }

  private static String refusal(char kind, String width) {
    switch (kind) {
      case 'O': return "object arrays are Python pickles, which this reader never loads; save a numeric array"
          + " (e.g. np.asarray(a, dtype=np.float32))";
      case 'c': return "complex numbers are not supported; save the real and imaginary parts as two arrays";
      case 'V': return "structured (record) and void types are not supported; save each field as its own array";
      case 'S': case 'U': case 'a': return "strings are not supported; models here take numeric tensors";
      case 'M': case 'm': return "datetime and timedelta are not supported; save them as int64";
      case 'u': return width.equals("8") ? "uint64 does not fit int64 in general; convert with a.astype(np.int64)"
          + " if the values allow" : null;
      case 'f': return width.equals("8") || width.equals("4") || width.equals("2") ? null
          : "only float16, float32 and float64 are supported; convert with a.astype(np.float32)";
      default: return null;
    }
  }

  /** A recursive-descent reader of exactly the literal NumPy writes, nothing more. */
  private static final class Parser {
    private final String text;
    private final String source;
    private int pos;

    Parser(String text, String source) {
      this.text = text;
      this.source = source;
    }

    NpyHeader header() throws InputFileException {
      String descr = null;
      Boolean fortran = null;
      long[] shape = null;
      expect('{');
      while (!peekIs('}')) {
        String key = string("a key");
        expect(':');
        switch (key) {
          case "descr" -> descr = once(descr, key, descr());
          case "fortran_order" -> fortran = once(fortran, key, bool());
          case "shape" -> shape = once(shape, key, shape());
          default -> throw fail("unknown key '" + key + "' (a .npy header has exactly descr, fortran_order and shape)");
        }
        if (!peekIs('}')) {
          expect(',');
        }
      }
      expect('}');
      skipSpace();
      if (pos != text.length()) {
        throw fail("text after the closing '}': '" + excerpt() + "'");
      }
      if (descr == null || fortran == null || shape == null) {
        throw fail("key '" + (descr == null ? "descr" : fortran == null ? "fortran_order" : "shape") + "' is missing");
      }
      return withDescr(descr, fortran, shape, source);
    }

    private <T> T once(T previous, String key, T value) throws InputFileException {
      if (previous != null) {
        throw fail("key '" + key + "' appears twice");
      }
      return value;
    }

    private String descr() throws InputFileException {
      if (peekIs('[')) {
        throw new InputFileException(source, "field 'descr' is a list of fields: structured (record) arrays"
            + " are not supported; save each field as its own array");
      }
      return string("the 'descr' string");
    }

    private boolean bool() throws InputFileException {
      skipSpace();
      if (text.startsWith("True", pos)) {
        pos += 4;
        return true;
      }
      if (text.startsWith("False", pos)) {
        pos += 5;
        return false;
      }
      throw fail("field 'fortran_order' must be True or False, found '" + excerpt() + "'");
    }

    private long[] shape() throws InputFileException {
      expect('(');
      List<Long> dims = new ArrayList<>();
      boolean comma = false;
      while (!peekIs(')')) {
        dims.add(dimension());
        comma = peekIs(',');
        if (comma) {
          expect(',');
        } else if (!peekIs(')')) {
          throw fail("field 'shape' must be a tuple of integers, found '" + excerpt() + "'");
        }
      }
      expect(')');
      if (dims.size() == 1 && !comma) {
        throw fail("field 'shape' is (" + dims.get(0) + "), a number, not a tuple: one dimension is written ("
            + dims.get(0) + ",)");
      }
      return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private long dimension() throws InputFileException {
      skipSpace();
      int start = pos;
      while (pos < text.length() && ",) \t\r\n".indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      String token = text.substring(start, pos);
      // Python 2 wrote long integers with an L suffix: (2L, 3L).
      String digits = token.endsWith("L") ? token.substring(0, token.length() - 1) : token;
      if (digits.matches("-[0-9]+")) {
        throw fail("field 'shape' has a negative dimension " + digits);
      }
      if (!digits.matches("[0-9]+")) {
        throw fail("field 'shape' has '" + token + "' where a non-negative integer dimension belongs");
      }
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        throw fail("field 'shape' has dimension " + digits + ", beyond 64 bits");
      }
    }

    private String string(String what) throws InputFileException {
      skipSpace();
      char quote = pos < text.length() ? text.charAt(pos) : 0;
      if (quote != '\'' && quote != '"') {
        throw fail("expected " + what + " in quotes, found '" + excerpt() + "'");
      }
      int end = text.indexOf(quote, pos + 1);
      if (end < 0) {
        throw fail("a string is not closed");
      }
      String value = text.substring(pos + 1, end);
      if (value.indexOf('\\') >= 0) {
        throw fail("escapes in header strings are not supported: '" + value + "'");
      }
      pos = end + 1;
      return value;
    }

    private void expect(char c) throws InputFileException {
      skipSpace();
      if (pos >= text.length() || text.charAt(pos) != c) {
        throw fail("expected '" + c + "' at character " + pos + ", found '" + excerpt() + "'");
      }
      pos++;
    }

    private boolean peekIs(char c) {
      skipSpace();
      return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
      while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
    }

    private String excerpt() {
      String rest = text.substring(Math.min(pos, text.length()));
      return (rest.length() > 40 ? rest.substring(0, 40) + "..." : rest).replaceAll("\\p{Cntrl}", "?");
    }

    private InputFileException fail(String problem) {
      return new InputFileException(source, ".npy header: " + problem);
    }
  }
}
