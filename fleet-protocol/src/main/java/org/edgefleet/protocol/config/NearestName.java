package org.edgefleet.protocol.config;

import java.util.Collection;
import java.util.Optional;

/**
 * The valid name closest to a misspelt one, by edit distance (insertions, deletions and
 * substitutions, ignoring case), so that an error can say "did you mean ...".
 */
public final class NearestName {

  /** Names longer than this are not compared: a hostile key must not cost quadratic time. */
  static final int LONGEST_COMPARED = 128;

  private NearestName() {}

  /** The valid name nearest to {@code name}, if one is within half of the longer name's length. */
  public static Optional<String> of(String name, Collection<String> valid) {
    if (name.length() > LONGEST_COMPARED) {
      return Optional.empty();
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : valid) {
      int d = distance(name.toLowerCase(), candidate.toLowerCase());
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(name.length(), best.length()) / 2 ? Optional.of(best) : Optional.empty();
  }

  /** Levenshtein distance, two rows at a time. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      row[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        row[j] = Math.min(substitute, Math.min(previous[j], row[j - 1]) + 1);
      }
      int[] t = previous;
      previous = row;
      row = t;
    }
    return previous[b.length()];
  }
}
