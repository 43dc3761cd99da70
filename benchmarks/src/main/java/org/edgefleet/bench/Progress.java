package org.edgefleet.bench;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Progress lines on stderr, so a long run shows where it is; results go to stdout. */
public final class Progress {

  private Progress() {}

  public static void log(String benchmark, String message) {
    System.err.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " [" + benchmark + "] " + message);
  }
}
