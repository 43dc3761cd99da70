package org.edgefleet.agent.linux;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the device certificate before it expires, without an operator: it checks when a third
 * of the validity is left (at least every {@link #MAX_WAIT}, so a clock set right later is
 * noticed), and after a failure tries again every {@link #MIN_WAIT}. An expired certificate is
 * logged as an error at each try: the broker refuses the device until renewal works or it enrolls again.
 */
final class CertificateRenewal implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewal.class);
  static final Duration MIN_WAIT = Duration.ofSeconds(10);
  static final Duration MAX_WAIT = Duration.ofHours(1);

  private final DeviceEnrollment enrollment;
  private final Clock clock;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "edge-agent-certificate-renewal");
    t.setDaemon(true);
    return t;
  });

  CertificateRenewal(DeviceEnrollment enrollment, Clock clock) {
    this.enrollment = enrollment;
    this.clock = clock;
  }

  CertificateRenewal start() {
    schedule(nextCheck());
    return this;
  }

  private void run() {
    Duration next;
    try {
      enrollment.renewIfDue();
      next = nextCheck();
    } catch (IOException | RuntimeException e) {
      Instant notAfter = notAfter();
      if (notAfter != null && !clock.instant().isBefore(notAfter)) {
        LOG.error("event=certificate_expired not_after={} reason=\"{}\"", notAfter, e.getMessage());
      } else {
        LOG.warn("event=certificate_renewal_failed not_after={} reason=\"{}\"", notAfter, e.getMessage());
      }
      next = MIN_WAIT;
    }
    schedule(next);
  }

  private Duration nextCheck() {
    try {
      Duration d = Duration.between(clock.instant(), enrollment.renewAt());
      return d.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d;
    } catch (IOException e) {
      return MIN_WAIT;
    }
  }

  private Instant notAfter() {
    try {
      return enrollment.certificate().getNotAfter().toInstant();
    } catch (IOException e) {
      return null;
    }
  }

  private void schedule(Duration delay) {
    try {
      timer.schedule(this::run, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // Closed with the daemon.
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
