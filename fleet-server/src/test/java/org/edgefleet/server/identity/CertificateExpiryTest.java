package org.edgefleet.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.MutableClock;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fleet CA that comes close to its end, and passes it, is loud: health, metric, log. */
class CertificateExpiryTest {

  @TempDir Path dir;

  @Test
  void anExpiringAndThenExpiredCaShowsInTheHealthCheckAndTheMetric() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    try (FleetServer server = FleetServer.start(TestServers.config(dir).clock(clock).set(Settings.CA_VALIDITY, Duration.ofDays(40))
        .set(Settings.CERTIFICATE_WARNING, Duration.ofDays(30)).build())) {
      Api api = Api.admin(server);
      assertThat(api.get("/api/v1/health").json().at("/certificates/ca/state").asText()).isEqualTo("OK");

      clock.advance(Duration.ofDays(15));
      Api.Response expiring = api.get("/api/v1/health");
      assertThat(expiring.status()).isEqualTo(200);
      assertThat(expiring.json().at("/certificates/ca/state").asText()).isEqualTo("EXPIRING");

      clock.advance(Duration.ofDays(30));
      Api.Response expired = api.get("/api/v1/health");
      assertThat(expired.status()).isEqualTo(503);
      assertThat(expired.json().get("status").asText()).isEqualTo("certificate_expired");
      assertThat(expired.json().at("/certificates/ca/state").asText()).isEqualTo("EXPIRED");
      assertThat(TestServers.metric(api.get("/metrics").body(), "fleet_ca_expiry_seconds", null)).isNegative();
    }
  }

  @Test
  void theWatchNamesEachCertificatesState() {
    MutableClock clock = new MutableClock(Instant.now());
    FleetCa ca;
    try {
      ca = FleetCa.loadOrCreate(dir.resolve("ca"), Duration.ofDays(100), clock);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    CertificateWatch watch = new CertificateWatch(Duration.ofDays(7), clock);
    watch.watch("ca", ca.certificate());
    watch.watch("device", ca.issueDevice("watched", FleetCa.newKeyPair().getPublic(), Duration.ofDays(10)));
    assertThat(watch.statuses().get("device").state()).isEqualTo(CertificateWatch.State.OK);
    clock.advance(Duration.ofDays(4));
    assertThat(watch.statuses().get("device").state()).isEqualTo(CertificateWatch.State.EXPIRING);
    assertThat(watch.anyExpired()).isFalse();
    clock.advance(Duration.ofDays(7));
    assertThat(watch.statuses().get("device").state()).isEqualTo(CertificateWatch.State.EXPIRED);
    assertThat(watch.statuses().get("ca").state()).isEqualTo(CertificateWatch.State.OK);
    assertThat(watch.anyExpired()).isTrue();
    watch.check(); // logs, and must not throw on an expired certificate
  }
}
