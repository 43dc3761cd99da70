package org.edgefleet.bench;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a condition with a deadline, so every benchmark stops by itself: a stuck run fails
 * with what it was waiting for instead of hanging.
 */
public final class Poll {

  private Poll() {}

  /**
   * Checks {@code condition} every {@code interval} until it holds.
   *
   * @throws TimeoutException naming {@code what} when it still does not hold after {@code timeout}
   */
  public static void until(String what, Duration timeout, Duration interval, Callable<Boolean> condition)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("gave up after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(interval.toMillis());
    }
  }

  /**
   * Waits until {@code progress} reaches {@code target}, checking every {@code interval}.
   *
   * @throws TimeoutException naming {@code what} when progress has not moved for {@code stall}, or
   *     has not reached the target after {@code timeout}
   */
  public static void untilReached(String what, long target, Duration timeout, Duration stall, Duration interval,
      Callable<Long> progress) throws Exception {
    long start = System.nanoTime();
    long lastChange = start;
    long last = progress.call();
    while (last < target) {
      Thread.sleep(interval.toMillis());
      long now = System.nanoTime();
      long current = progress.call();
      if (current != last) {
        last = current;
        lastChange = now;
      } else if (now - lastChange > stall.toNanos()) {
        throw new TimeoutException("no progress for " + stall.toSeconds() + " s waiting for " + what + " (at " + last + " of "
            + target + ")");
      }
      if (now - start > timeout.toNanos()) {
        throw new TimeoutException("gave up after " + timeout.toSeconds() + " s waiting for " + what + " (at " + last + " of "
            + target + ")");
      }
    }
  }
}
