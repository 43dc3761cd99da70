package org.edgefleet.server.cohort;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.edgefleet.server.FleetException;

/** A recursive-descent parser of selector text; every error names the position and what was expected. */
final class SelectorParser {

  private static final int MAX_TOKEN = 128;

  private final String text;
  private int pos;

  SelectorParser(String text) {
    this.text = text;
  }

  Selector parse() {
    List<Requirement> rs = new ArrayList<>();
    do {
      if (rs.size() == Selector.MAX_REQUIREMENTS) {
        throw fail("has more than " + Selector.MAX_REQUIREMENTS + " requirements");
      }
      rs.add(requirement());
      skipSpace();
    } while (accept(','));
    if (pos < text.length()) {
      throw fail("has '" + text.charAt(pos) + "' where ',' or the end was expected");
    }
    return new Selector(rs);
  }

  private Requirement requirement() {
    skipSpace();
    if (accept('!')) {
      return new Requirement(token("a label key after '!'"), Requirement.Operator.NOT_EXISTS, List.of());
    }
    String key = token("a label key");
    skipSpace();
    if (accept('!')) {
      expect('=');
      return new Requirement(key, Requirement.Operator.NOT_EQUALS, List.of(value()));
    }
    if (accept('=')) {
      accept('=');
      return new Requirement(key, Requirement.Operator.EQUALS, List.of(value()));
    }
    int wordStart = pos;
    if (pos < text.length() && text.charAt(pos) != ',') {
      String word = token("'=', '!=', 'in', 'notin', ',' or the end");
      Requirement.Operator op = switch (word) {
        case "in" -> Requirement.Operator.IN;
        case "notin" -> Requirement.Operator.NOT_IN;
        default -> {
          pos = wordStart;
          throw fail("has '" + word + "' after key '" + key + "' where '=', '!=', 'in' or 'notin' was expected");
        }
      };
      return new Requirement(key, op, set());
    }
    return new Requirement(key, Requirement.Operator.EXISTS, List.of());
  }

  private List<String> set() {
    skipSpace();
    expect('(');
    Set<String> values = new LinkedHashSet<>();
    do {
      if (values.size() == Selector.MAX_VALUES) {
        throw fail("has a set of more than " + Selector.MAX_VALUES + " values");
      }
      values.add(value());
      skipSpace();
    } while (accept(','));
    expect(')');
    return List.copyOf(values);
  }

  private String value() {
    skipSpace();
    return token("a label value");
  }

  private String token(String expected) {
    int start = pos;
    while (pos < text.length() && isTokenChar(text.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      throw fail(pos < text.length() ? "has '" + text.charAt(pos) + "' where " + expected + " was expected"
          : "ends where " + expected + " was expected");
    }
    if (pos - start > MAX_TOKEN) {
      pos = start;
      throw fail("has a key or value longer than " + MAX_TOKEN + " characters");
    }
    return text.substring(start, pos);
  }

  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == ':' || c == '/' || c == '-';
  }

  private void expect(char c) {
    skipSpace();
    if (!accept(c)) {
      throw fail(pos < text.length() ? "has '" + text.charAt(pos) + "' where '" + c + "' was expected"
          : "ends where '" + c + "' was expected");
    }
  }

  private boolean accept(char c) {
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void skipSpace() {
    while (pos < text.length() && text.charAt(pos) == ' ') {
      pos++;
    }
  }

  private FleetException fail(String problem) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return Selector.invalid(shown, problem + " at character " + (pos + 1));
  }
}
