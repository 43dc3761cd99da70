package org.edgefleet.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.GroupCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTelemetryStoreTest {

  @TempDir Path dir;

  @Test
  void aBatchIsStoredOnceEvenWhenItsCopiesShareATransaction() throws Exception {
    try (Database db = Database.open(dir.resolve("t.db"))) {
      SqliteTelemetryStore store = new SqliteTelemetryStore(db.connection());
      GroupCommit<TelemetryStore.Received, Boolean> writer = new GroupCommit<>(db, 100, store::insert);
      Instant now = Instant.now();
      List<CompletableFuture<Boolean>> results = IntStream.range(0, 300)
          .mapToObj(i -> writer.submit(new TelemetryStore.Received(batch("d" + (i % 3), i % 50), now))).toList();
      long stored = results.stream().filter(CompletableFuture::join).count();

      assertThat(stored).isEqualTo(3 * 50);
      List<TelemetryStore.Row> rows = db.execute(c -> store.rows("m", Instant.EPOCH)).join();
      assertThat(rows).hasSize(150);
      assertThat(rows.stream().mapToLong(TelemetryStore.Row::inferences).sum()).isEqualTo(150 * 10);
      assertThat(db.execute(c -> store.hasAny("m")).join()).isTrue();
      assertThat(db.execute(c -> store.rows("m", now.plusSeconds(1))).join()).isEmpty();
    }
  }

  private static TelemetryBatch batch(String device, long seq) {
    return new TelemetryBatch(MessageCodec.VERSION, device, seq, Instant.EPOCH, Instant.EPOCH.plusSeconds(60),
        List.of(new TelemetryBatch.ModelMetrics("m", 1, 10, 1, null)), new TelemetryBatch.ResourceUsage(0.5, 1L, null, 40.0), null);
  }
}
