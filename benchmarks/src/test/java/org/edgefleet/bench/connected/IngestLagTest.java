package org.edgefleet.bench.connected;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quantiles of the server's lag histogram over a window: only what was stored between the two scrapes counts. */
class IngestLagTest {

  @Test
  void quantilesAreTheBucketBoundsOfTheWindowsOwnCounts() {
    // Before the window: 1,000 slow batches (over 5 s), which must not count against the window.
    Map<String, Double> before = scrape(0, 0, 0, 0, 0, 1000);
    // In the window: 90 within 0.5 s, 9 more within 1.5 s, 1 more within 2 s, nothing slower.
    Map<String, Double> after = scrape(90, 99, 100, 100, 100, 1100);
    IngestLag lag = IngestLag.between(before, after);
    assertThat(lag.stored()).isEqualTo(100);
    assertThat(lag.p50AtMost()).isEqualTo(0.5);
    assertThat(lag.p99AtMost()).isEqualTo(1.5);
    assertThat(lag.shareWithin2s()).isEqualTo(1.0);
  }

  @Test
  void aTailPastTheLastBoundIsInfinite() {
    IngestLag lag = IngestLag.between(scrape(0, 0, 0, 0, 0, 0), scrape(50, 60, 70, 80, 90, 100));
    assertThat(lag.p50AtMost()).isEqualTo(0.5);
    assertThat(lag.p99AtMost()).isInfinite();
    assertThat(lag.shareWithin2s()).isEqualTo(0.7);
  }

  @Test
  void aServerWithoutTheHistogramIsAnError() {
    assertThatThrownBy(() -> IngestLag.between(Map.of(), Map.of("fleet_devices_online", 3.0)))
        .hasMessageContaining("no fleet_telemetry_ingest_lag_seconds");
  }

  /** Cumulative bucket counts as the server writes them: le 0.5, 1.5, 2.0, 3.0, 5.0, +Inf. */
  private static Map<String, Double> scrape(double le05, double le15, double le2, double le3, double le5, double inf) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("fleet_devices_online", 10.0);
    m.put(IngestLag.BUCKET + "0.5\"}", le05);
    m.put(IngestLag.BUCKET + "1.5\"}", le15);
    m.put(IngestLag.BUCKET + "2.0\"}", le2);
    m.put(IngestLag.BUCKET + "3.0\"}", le3);
    m.put(IngestLag.BUCKET + "5.0\"}", le5);
    m.put(IngestLag.BUCKET + "+Inf\"}", inf);
    return m;
  }
}
