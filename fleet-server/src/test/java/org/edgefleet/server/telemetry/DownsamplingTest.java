package org.edgefleet.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.HdrHistogram.Histogram;
import org.edgefleet.protocol.message.LatencyHistograms;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.Dialect;
import org.edgefleet.server.store.GroupCommit;
import org.edgefleet.server.store.StoreTest;
import org.edgefleet.server.support.MutableClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Retention and downsampling on a simulated clock: storage stays bounded and aggregates answer as the raw rows did. */
class DownsamplingTest {

  private static final Logger LOG = LoggerFactory.getLogger(DownsamplingTest.class);
  private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
  private static final List<String> DEVICES = List.of("d0", "d1", "d2", "d3");
  private static final Retention RETENTION = new Retention(Duration.ofMinutes(10), Duration.ofHours(2), Duration.ofHours(4),
      Duration.ofMinutes(30), 50);
  private static final String[] TABLES = {"telemetry_batches", "telemetry_models", "telemetry_drift", "telemetry_model_rollups",
      "telemetry_resource_rollups"};

  /**
   * Twelve simulated hours, a batch a device a minute, the downsampler every ten minutes: once the
   * hour retention has passed, the rows kept stop growing (bounded by the retention windows), and
   * on SQLite so does the file.
   */
  @StoreTest
  void storageStaysBoundedOverALongRun(DatabaseConfig config) {
    MutableClock clock = new MutableClock(START);
    try (Database db = Database.open(config)) {
      GroupCommit<TelemetryStore.Received, Boolean> writer = writer(db);
      Downsampler downsampler = new Downsampler(db, RETENTION, clock);
      Random random = new Random(7);
      List<Long> totals = new ArrayList<>();
      long pagesAt8h = 0;
      long seq = 0;
      for (int minute = 1; minute <= 12 * 60; minute++) {
        clock.advance(Duration.ofMinutes(1));
        seq++;
        List<CompletableFuture<Boolean>> stored = new ArrayList<>();
        for (String device : DEVICES) {
          stored.add(writer.submit(new TelemetryStore.Received(batch(device, seq, clock.instant(), random, 20), clock.instant())));
        }
        stored.forEach(CompletableFuture::join);
        if (minute % 10 == 0) {
          downsampler.run(tx -> {}).join();
          if (minute >= 6 * 60) {
            totals.add(rows(db).values().stream().mapToLong(Long::longValue).sum());
          }
          if (minute == 8 * 60) {
            pagesAt8h = pages(db);
          }
        }
      }
      Map<String, Long> rows = rows(db);
      long pagesAtEnd = pages(db);
      LOG.info("event=retention_measured dialect={} rows={} pages_8h={} pages_12h={}", db.dialect(), rows, pagesAt8h, pagesAtEnd);

      long devices = DEVICES.size();
      // Raw: the raw window plus one downsampling interval; minutes: their window plus an hour not yet folded; hours: theirs plus one.
      assertThat(rows.get("telemetry_batches")).isBetween(10 * devices, 20 * devices);
      assertThat(rows.get("telemetry_models")).isEqualTo(rows.get("telemetry_batches"));
      assertThat(rows.get("telemetry_drift")).isBetween(20 * devices, 40 * devices);
      assertThat(rows.get("telemetry_model_rollups")).isLessThanOrEqualTo(devices * (2 * 60 + 60 + 10 + 5));
      assertThat(rows.get("telemetry_resource_rollups")).isLessThanOrEqualTo(devices * (2 * 60 + 60 + 10 + 5));
      assertThat(totals.get(totals.size() - 1)).isLessThanOrEqualTo(totals.stream().mapToLong(Long::longValue).max().orElseThrow());
      assertThat(totals.stream().mapToLong(Long::longValue).max().orElseThrow())
          .isLessThan(2 * totals.stream().mapToLong(Long::longValue).min().orElseThrow());
      if (db.dialect() == Dialect.SQLITE) {
        // Freed pages are reused: four more hours of data do not grow the file by more than a tenth.
        assertThat(pagesAtEnd).isLessThanOrEqualTo(pagesAt8h + pagesAt8h / 10);
      }
    }
  }

  /**
   * Nearly four hours (inside the hour retention) of latency histograms, then downsampled so that the window spans hour buckets,
   * minute buckets and raw rows: the merged percentiles, counts and resources are those of the raw
   * data (histograms merge exactly; any difference stays within their two significant digits).
   */
  @StoreTest
  void aWindowOverRawMinuteAndHourDataAnswersAsTheRawDataDid(DatabaseConfig config) throws Exception {
    MutableClock clock = new MutableClock(START);
    ExecutorService work = Executors.newSingleThreadExecutor();
    try (Database db = Database.open(config); ServerMetrics metrics = new ServerMetrics()) {
      TelemetryService telemetry = new TelemetryService(db, SqlTelemetryStore::new, clock, work, metrics);
      GroupCommit<TelemetryStore.Received, Boolean> writer = writer(db);
      Random random = new Random(11);
      long seq = 0;
      for (int minute = 0; minute < 3 * 60 + 50; minute++) {
        clock.advance(Duration.ofMinutes(1));
        seq++;
        for (String device : DEVICES) {
          writer.submit(new TelemetryStore.Received(batch(device, seq, clock.instant(), random, 200), clock.instant())).join();
        }
      }
      ModelMetrics before = telemetry.metrics("m", START, true).join();
      VersionReading gateBefore = db.read(tx -> telemetry.reading(tx, "m", 1, DEVICES, START)).join();
      ResourceSummary resourcesBefore = telemetry.resources(tx -> null, START).join();

      // Raw for the last 10 minutes, minutes for the 2 hours before, hours before that.
      new Downsampler(db, RETENTION, clock).run(tx -> {}).join();
      Map<String, Long> rows = rows(db);
      assertThat(rows.get("telemetry_models")).isPositive();
      assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM telemetry_model_rollups WHERE step_ms = 60000", 0)).join()).isPositive();
      assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM telemetry_model_rollups WHERE step_ms = 3600000", 0)).join()).isPositive();

      ModelMetrics after = telemetry.metrics("m", START, true).join();
      VersionReading gateAfter = db.read(tx -> telemetry.reading(tx, "m", 1, DEVICES, START)).join();
      ResourceSummary resourcesAfter = telemetry.resources(tx -> null, START).join();
      ModelMetrics.Version b = before.versions().get(0);
      ModelMetrics.Version a = after.versions().get(0);
      assertThat(a.inferences()).isEqualTo(b.inferences());
      assertThat(a.errors()).isEqualTo(b.errors());
      assertThat(a.devicesReporting()).isEqualTo(DEVICES.size());
      assertThat(a.latencyMs().samples()).isEqualTo(b.latencyMs().samples());
      for (double[] p : new double[][] {{a.latencyMs().p50(), b.latencyMs().p50()}, {a.latencyMs().p95(), b.latencyMs().p95()},
          {a.latencyMs().p99(), b.latencyMs().p99()}, {a.latencyMs().max(), b.latencyMs().max()}}) {
        assertThat(p[0]).isCloseTo(p[1], within(p[1] * 0.01));
      }
      assertThat(gateAfter.p95Ms()).isCloseTo(gateBefore.p95Ms(), within(gateBefore.p95Ms() * 0.01));
      assertThat(gateAfter.inferences()).isEqualTo(gateBefore.inferences());
      // Invalid outputs, shadow comparisons and A/B outcomes merge exactly too, so the gates and charts read them past the raw window.
      assertThat(gateBefore.invalidChecked()).isEqualTo(b.inferences() * 3 / 4);
      assertThat(gateAfter.invalidChecked()).isEqualTo(gateBefore.invalidChecked());
      assertThat(gateAfter.invalidOutputs()).isEqualTo(gateBefore.invalidOutputs()).isPositive();
      assertThat(a.invalidOutputs()).isEqualTo(b.invalidOutputs());
      assertThat(a.shadow().skipped()).isEqualTo(b.shadow().skipped());
      assertThat(a.shadow().top1Compared()).isEqualTo(b.shadow().top1Compared());
      assertThat(a.shadow().top1Agreement()).isCloseTo(b.shadow().top1Agreement(), within(1e-12));
      assertThat(a.shadow().meanAbsDiff().keySet()).containsExactlyInAnyOrder("logits", "label");
      b.shadow().meanAbsDiff().forEach((output, d) -> assertThat(a.shadow().meanAbsDiff().get(output)).isCloseTo(d, within(1e-9)));
      assertThat(a.outcomes().count()).isEqualTo(b.outcomes().count());
      assertThat(a.outcomes().mean()).isCloseTo(b.outcomes().mean(), within(1e-9));
      assertThat(resourcesAfter.cpuLoad().samples()).isEqualTo(resourcesBefore.cpuLoad().samples());
      assertThat(resourcesAfter.cpuLoad().mean()).isCloseTo(resourcesBefore.cpuLoad().mean(), within(1e-9));
      assertThat(resourcesAfter.cpuLoad().min()).isEqualTo(resourcesBefore.cpuLoad().min());
      assertThat(resourcesAfter.temperatureC().max()).isEqualTo(resourcesBefore.temperatureC().max());
      assertThat(resourcesAfter.rssBytes().mean()).isCloseTo(resourcesBefore.rssBytes().mean(), within(1e-3));

      // A window that starts inside the raw period reads no bucket.
      Instant recent = clock.instant().minus(Duration.ofMinutes(5));
      assertThat(telemetry.metrics("m", recent, true).join().versions().get(0).inferences())
          .isEqualTo(db.read(tx -> tx.number("SELECT SUM(inferences) FROM telemetry_models WHERE received_at >= ?", 0,
              recent.toEpochMilli())).join());
    } finally {
      work.shutdownNow();
    }
  }

  private static GroupCommit<TelemetryStore.Received, Boolean> writer(Database db) {
    return new GroupCommit<>(db, 100, (tx, batches) -> new SqlTelemetryStore(tx).insert(batches));
  }

  private static TelemetryBatch batch(String device, long seq, Instant to, Random random, int samples) {
    Histogram h = LatencyHistograms.newHistogram();
    for (int i = 0; i < samples; i++) {
      // A long tail, so high percentiles differ from the mean.
      h.recordValue(1000 + (long) (random.nextDouble() * random.nextDouble() * 90_000));
    }
    return new TelemetryBatch(MessageCodec.VERSION, device, seq, to.minusSeconds(60), to,
        List.of(new TelemetryBatch.ModelMetrics("m", 1, samples, random.nextInt(3), LatencyHistograms.encode(h), shadow(random, samples),
            new TelemetryBatch.Outcomes(2, random.nextDouble(), 1 + random.nextDouble()),
            // d3 runs an agent that does not count invalid outputs: the counts are out of the others' inferences only.
            device.equals("d3") ? null : (long) random.nextInt(5))),
        new TelemetryBatch.ResourceUsage(random.nextDouble() * 4, 50_000_000L + random.nextInt(1_000_000), null,
            40 + random.nextDouble() * 30), null, List.of(new TelemetryBatch.DriftCounts("m", 1, "x", "f0", List.of(1L, 2L, 3L))));
  }

  private static TelemetryBatch.ShadowComparison shadow(Random random, int samples) {
    int compared = samples / 2;
    return new TelemetryBatch.ShadowComparison(1, random.nextInt(3), compared, random.nextInt(compared + 1),
        Map.of("logits", random.nextDouble(), "label", random.nextDouble() / 10));
  }

  private static Map<String, Long> rows(Database db) {
    Map<String, Long> rows = new TreeMap<>();
    for (String table : TABLES) {
      rows.put(table, db.read(tx -> tx.number("SELECT COUNT(*) FROM " + table, 0)).join());
    }
    return rows;
  }

  private static long pages(Database db) {
    return db.dialect() != Dialect.SQLITE ? 0 : db.read(tx -> tx.number("PRAGMA page_count", 0)).join();
  }
}
