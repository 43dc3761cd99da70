package org.edgefleet.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.GroupCommit;
import org.edgefleet.server.store.StoreTest;

class SqlTelemetryStoreTest {

  @StoreTest
  void aBatchIsStoredOnceEvenWhenItsCopiesShareATransaction(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      GroupCommit<TelemetryStore.Received, Boolean> writer = writer(db);
      Instant now = Instant.now();
      List<CompletableFuture<Boolean>> results = IntStream.range(0, 300)
          .mapToObj(i -> writer.submit(new TelemetryStore.Received(batch("d" + (i % 3), i % 50, 0), now))).toList();
      long stored = results.stream().filter(CompletableFuture::join).count();

      assertThat(stored).isEqualTo(3 * 50);
      List<TelemetryStore.Row> rows = db.read(tx -> new SqlTelemetryStore(tx).rows("m", Instant.EPOCH)).join();
      assertThat(rows).hasSize(150);
      assertThat(rows.stream().mapToLong(TelemetryStore.Row::inferences).sum()).isEqualTo(150 * 10);
      assertThat(db.read(tx -> new SqlTelemetryStore(tx).hasAny("m")).join()).isTrue();
      assertThat(db.read(tx -> new SqlTelemetryStore(tx).hasAny("other")).join()).isFalse();
      assertThat(db.read(tx -> new SqlTelemetryStore(tx).rows("m", now.plusSeconds(1))).join()).isEmpty();
    }
  }

  @StoreTest
  void aRestartedSequenceIsKeptUnderANewEpochAndItsReplaysStillOnce(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      GroupCommit<TelemetryStore.Received, Boolean> writer = writer(db);
      Instant now = Instant.now();
      assertThat(writer.submit(new TelemetryStore.Received(batch("d", 1, 0), now)).join()).isTrue();
      // The device's data directory was wiped: seq 1 again, another interval.
      assertThat(writer.submit(new TelemetryStore.Received(batch("d", 1, 600), now)).join()).isTrue();
      assertThat(writer.submit(new TelemetryStore.Received(batch("d", 1, 600), now)).join()).isFalse();

      assertThat(db.read(tx -> new SqlTelemetryStore(tx).rows("m", Instant.EPOCH)).join()).hasSize(2);
    }
  }

  /** Two server instances on one database, each with its own writer, both receiving every batch (a redelivery). */
  @StoreTest
  void twoWritersOnOneDatabaseStoreEachBatchOnce(DatabaseConfig config) {
    try (Database one = Database.open(config); Database two = Database.open(config)) {
      GroupCommit<TelemetryStore.Received, Boolean> a = writer(one);
      GroupCommit<TelemetryStore.Received, Boolean> b = writer(two);
      Instant now = Instant.now();
      List<CompletableFuture<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        TelemetryStore.Received r = new TelemetryStore.Received(batch("d" + (i % 20), i / 20, 0), now);
        results.add(a.submit(r));
        results.add(b.submit(r));
      }
      long stored = results.stream().filter(CompletableFuture::join).count();

      assertThat(stored).isEqualTo(400);
      assertThat(one.read(tx -> new SqlTelemetryStore(tx).rows("m", Instant.EPOCH)).join()).hasSize(400);
      assertThat(one.read(tx -> tx.number("SELECT MAX(epoch) FROM device_seq_epochs", -1)).join()).isZero();
    }
  }

  /** The shadow comparison and the A/B outcomes of a version come back as they were sent; other versions have neither. */
  @StoreTest
  void shadowAndOutcomesAreKeptPerVersion(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      var shadow = new TelemetryBatch.ShadowComparison(1, 2, 50, 45, Map.of("label", 0.25));
      var outcomes = new TelemetryBatch.Outcomes(40, 12.5, 9.0);
      TelemetryBatch b = new TelemetryBatch(MessageCodec.VERSION, "d", 1, Instant.EPOCH, Instant.EPOCH.plusSeconds(60),
          List.of(new TelemetryBatch.ModelMetrics("m", 1, 10, 0, null, null, outcomes),
              new TelemetryBatch.ModelMetrics("m", 2, 50, 0, null, shadow, null),
              new TelemetryBatch.ModelMetrics("m", 3, 5, 0, null)), null, null);
      assertThat(writer(db).submit(new TelemetryStore.Received(b, Instant.now())).join()).isTrue();

      List<TelemetryStore.Row> rows = db.read(tx -> new SqlTelemetryStore(tx).rows("m", Instant.EPOCH)).join();
      assertThat(rows).extracting(TelemetryStore.Row::version).containsExactly(1, 2, 3);
      assertThat(Json.read(rows.get(0).outcomesJson().getBytes(StandardCharsets.UTF_8), TelemetryBatch.Outcomes.class))
          .isEqualTo(outcomes);
      assertThat(Json.read(rows.get(1).shadowJson().getBytes(StandardCharsets.UTF_8), TelemetryBatch.ShadowComparison.class))
          .isEqualTo(shadow);
      assertThat(rows.get(0).shadowJson()).isNull();
      assertThat(rows.get(1).outcomesJson()).isNull();
      assertThat(rows.get(2).shadowJson()).isNull();
      assertThat(rows.get(2).outcomesJson()).isNull();
    }
  }

  /** Invalid outputs are kept per version; an older agent's metrics without the count stay unknown, and the gate reads only known ones. */
  @StoreTest
  void invalidOutputsAreKeptAndAnOlderAgentsAreUnknown(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      TelemetryBatch newer = new TelemetryBatch(MessageCodec.VERSION, "new", 1, Instant.EPOCH, Instant.EPOCH.plusSeconds(60),
          List.of(new TelemetryBatch.ModelMetrics("m", 2, 100, 0, null, null, null, 7L)), null, null);
      TelemetryBatch older = new TelemetryBatch(MessageCodec.VERSION, "old", 1, Instant.EPOCH, Instant.EPOCH.plusSeconds(60),
          List.of(new TelemetryBatch.ModelMetrics("m", 2, 900, 0, null)), null, null);
      writer(db).submit(new TelemetryStore.Received(newer, Instant.EPOCH.plusSeconds(61))).join();
      writer(db).submit(new TelemetryStore.Received(older, Instant.EPOCH.plusSeconds(61))).join();

      List<TelemetryStore.Row> rows = db.read(tx -> new SqlTelemetryStore(tx).rows("m", 2, List.of("new", "old"), Instant.EPOCH)).join();
      assertThat(rows).extracting(TelemetryStore.Row::deviceId, TelemetryStore.Row::invalidChecked, TelemetryStore.Row::invalidOutputs)
          .containsExactlyInAnyOrder(tuple("new", 100L, 7L), tuple("old", 0L, 0L));
      TelemetryService service = new TelemetryService(db, SqlTelemetryStore::new, Clock.systemUTC(),
          ForkJoinPool.commonPool(), new ServerMetrics());
      VersionReading r = db.read(tx -> service.reading(tx, "m", 2, List.of("new", "old"), Instant.EPOCH)).join();
      assertThat(r.inferences()).isEqualTo(1000);
      assertThat(r.invalidChecked()).as("only the agent that counts").isEqualTo(100);
      assertThat(r.invalidOutputRate()).isEqualTo(0.07);
      assertThat(service.metrics("m", null, true).join().versions().get(0).invalidOutputs()).isEqualTo(7L);
    }
  }

  private static GroupCommit<TelemetryStore.Received, Boolean> writer(Database db) {
    return new GroupCommit<>(db, 100, (tx, batches) -> new SqlTelemetryStore(tx).insert(batches));
  }

  private static TelemetryBatch batch(String device, long seq, long fromSecond) {
    return new TelemetryBatch(MessageCodec.VERSION, device, seq, Instant.EPOCH.plusSeconds(fromSecond),
        Instant.EPOCH.plusSeconds(fromSecond + 60), List.of(new TelemetryBatch.ModelMetrics("m", 1, 10, 1, null)),
        new TelemetryBatch.ResourceUsage(0.5, 1L, null, 40.0), null);
  }
}
