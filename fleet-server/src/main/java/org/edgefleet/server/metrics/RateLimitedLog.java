package org.edgefleet.server.metrics;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Logs a refusal at most once per interval per reason, with how many were suppressed meanwhile:
 * one misbehaving device must not flood the log. Every refusal is still logged at debug level and
 * counted in the metrics by whoever calls this.
 *
 * @param <R> the reasons, e.g. {@link RejectReason}
 */
public final class RateLimitedLog<R extends Enum<R>> {

  private static final class Window {
    long lastNanos;
    long suppressed;
    boolean logged;
  }

  private final Logger log;
  private final String event;
  private final long intervalNanos;
  private final Map<R, Window> windows = new HashMap<>();

  /** @param event the {@code event=} value of every line, e.g. device_message_rejected */
  public RateLimitedLog(Logger log, String event, long intervalNanos) {
    this.log = log;
    this.event = event;
    this.intervalNanos = intervalNanos;
  }

  public void log(R reason, String label, String subject, String detail) {
    log.debug("event={} reason={} subject={} detail=\"{}\"", event, label, subject, detail);
    long suppressed;
    synchronized (this) {
      Window w = windows.computeIfAbsent(reason, r -> new Window());
      long now = System.nanoTime();
      if (w.logged && now - w.lastNanos < intervalNanos) {
        w.suppressed++;
        return;
      }
      suppressed = w.suppressed;
      w.logged = true;
      w.lastNanos = now;
      w.suppressed = 0;
    }
    log.warn("event={} reason={} subject={} detail=\"{}\" suppressed_since_last={}", event, label, subject, detail, suppressed);
  }
}
