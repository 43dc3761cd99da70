package org.edgefleet.server.identity;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the expiry of the server's own certificates (the fleet CA, the broker's), so that an
 * expired or soon-to-expire one is loud: a log line at each check (warning, or error once
 * expired), a gauge per certificate, and the health check's answer. Kura's lesson: an expired
 * keystore certificate silently broke every install.
 */
public final class CertificateWatch {

  private static final Logger LOG = LoggerFactory.getLogger(CertificateWatch.class);

  /** Where a certificate stands. */
  public enum State { OK, EXPIRING, EXPIRED }

  /** One watched certificate, as the health check shows it. */
  public record Status(Instant notAfter, long secondsLeft, State state) {}

  private final Map<String, X509Certificate> watched = new LinkedHashMap<>();
  private final Duration warnBefore;
  private final Clock clock;

  public CertificateWatch(Duration warnBefore, Clock clock) {
    this.warnBefore = warnBefore;
    this.clock = clock;
  }

  public synchronized void watch(String name, X509Certificate cert) {
    watched.put(name, cert);
  }

  public synchronized long secondsLeft(String name) {
    X509Certificate c = watched.get(name);
    return c == null ? 0 : Duration.between(clock.instant(), c.getNotAfter().toInstant()).getSeconds();
  }

  /** Every watched certificate by name. */
  public synchronized Map<String, Status> statuses() {
    Map<String, Status> all = new LinkedHashMap<>();
    Instant now = clock.instant();
    watched.forEach((name, c) -> {
      long left = Duration.between(now, c.getNotAfter().toInstant()).getSeconds();
      State state = left <= 0 ? State.EXPIRED : left <= warnBefore.getSeconds() ? State.EXPIRING : State.OK;
      all.put(name, new Status(c.getNotAfter().toInstant(), left, state));
    });
    return all;
  }

  /** Whether any watched certificate has expired. */
  public boolean anyExpired() {
    return statuses().values().stream().anyMatch(s -> s.state() == State.EXPIRED);
  }

  /** Logs every certificate that expired or expires within the warning time. */
  public void check() {
    statuses().forEach((name, s) -> {
      if (s.state() == State.EXPIRED) {
        LOG.error("event=certificate_expired certificate={} not_after={} action=\"devices cannot connect over TLS: "
            + "see docs/security.md, renewing the fleet CA\"", name, s.notAfter());
      } else if (s.state() == State.EXPIRING) {
        LOG.warn("event=certificate_expiring certificate={} not_after={} days_left={}", name, s.notAfter(),
            s.secondsLeft() / 86_400);
      }
    });
  }
}
