package org.edgefleet.server.ingest;

import java.util.EnumMap;
import java.util.Map;
import org.edgefleet.server.metrics.RejectReason;
import org.slf4j.Logger;

/**
 * Logs rejected device messages at most once per interval per reason, with how many were
 * suppressed meanwhile: one misbehaving device must not flood the log. Every rejection is still
 * logged at debug level and counted in the metrics.
 */
final class RateLimitedLog {

  private static final class Window {
    long lastNanos;
    long suppressed;
    boolean logged;
  }

  private final Logger log;
  private final long intervalNanos;
  private final Map<RejectReason, Window> windows = new EnumMap<>(RejectReason.class);

  RateLimitedLog(Logger log, long intervalNanos) {
    this.log = log;
    this.intervalNanos = intervalNanos;
  }

  void rejected(RejectReason reason, String topic, String detail) {
    log.debug("event=device_message_rejected reason={} topic={} detail=\"{}\"", reason.label(), topic, detail);
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
    log.warn("event=device_message_rejected reason={} topic={} detail=\"{}\" suppressed_since_last={}", reason.label(), topic,
        detail, suppressed);
  }
}
