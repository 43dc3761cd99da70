package org.edgefleet.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.StoreTest;

class SqlDeviceStoreTest {

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  @StoreTest
  void aReportIsStoredAndOnlyANewerOneReplacesIt(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      db.execute(tx -> {
        new SqlDeviceStore(tx).saveReported(report("d1", "eu", 3), T.plusSeconds(10));
        return null;
      }).join();
      // Received earlier, committed later (another writer or instance): it must not win.
      db.execute(tx -> {
        new SqlDeviceStore(tx).saveReported(report("d1", "us", 2), T.plusSeconds(5));
        return null;
      }).join();

      DeviceRecord d = db.read(tx -> new SqlDeviceStore(tx).find("d1")).join().orElseThrow();
      assertThat(d.labels()).containsEntry("region", "eu");
      assertThat(d.appliedRevision()).isEqualTo(3);
      assertThat(d.reportedAt()).isEqualTo(T.plusSeconds(10));
      assertThat(d.reported()).isEqualTo(report("d1", "eu", 3));
    }
  }

  /** What another instance reads back (presence) and what the lease holder expires (silent devices only). */
  @StoreTest
  void presenceIsReadBackAndOnlyDevicesSilentSinceTheCutOffExpire(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      db.execute(tx -> {
        SqlDeviceStore s = new SqlDeviceStore(tx);
        s.setOnline("silent", true, T);
        s.setOnline("recent", true, T.plusSeconds(100));
        s.setOnline("left", false, T);
        return null;
      }).join();
      assertThat(db.read(tx -> new SqlDeviceStore(tx).presence()).join())
          .isEqualTo(Map.of("silent", true, "recent", true, "left", false));

      assertThat(db.execute(tx -> new SqlDeviceStore(tx).expireOnline(T.plusSeconds(50))).join()).isEqualTo(1);
      assertThat(db.execute(tx -> new SqlDeviceStore(tx).expireOnline(T.plusSeconds(50))).join()).isZero();
      assertThat(db.read(tx -> new SqlDeviceStore(tx).presence()).join())
          .isEqualTo(Map.of("silent", false, "recent", true, "left", false));
    }
  }

  @StoreTest
  void registeringTwiceKeepsTheFirstSightingAndLastSeenOnlyGrows(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      db.execute(tx -> {
        SqlDeviceStore s = new SqlDeviceStore(tx);
        s.register("d1", T);
        s.register("d1", T.plusSeconds(60));
        s.setOnline("d1", true, T.plusSeconds(30));
        s.touch(Map.of("d1", T.plusSeconds(20)));
        return null;
      }).join();

      DeviceRecord d = db.read(tx -> new SqlDeviceStore(tx).find("d1")).join().orElseThrow();
      assertThat(d.firstSeen()).isEqualTo(T);
      assertThat(d.lastSeen()).isEqualTo(T.plusSeconds(30));
      assertThat(d.online()).isTrue();
      assertThat(d.reported()).isNull();
    }
  }

  @StoreTest
  void pagesFilterByLabelModelAndPresenceInIdOrder(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      db.execute(tx -> {
        SqlDeviceStore s = new SqlDeviceStore(tx);
        for (int i = 0; i < 6; i++) {
          s.saveReported(report("d" + i, i % 2 == 0 ? "eu" : "us", 1), T);
          s.setOnline("d" + i, i < 3, T);
        }
        s.saveReported(new ReportedState(MessageCodec.VERSION, "bare", "0.2.0", Map.of("region", "eu"), 0, List.of(), null, T), T);
        return null;
      }).join();

      List<DeviceRecord> eu = db.read(tx -> new SqlDeviceStore(tx).page(new DeviceQuery(null, Selector.parse("region=eu"), null), T,
          null, 10)).join();
      assertThat(eu).extracting(DeviceRecord::id).containsExactly("bare", "d0", "d2", "d4");
      List<DeviceRecord> withModel = db.read(tx -> new SqlDeviceStore(tx).page(new DeviceQuery(null, Selector.parse("region=eu"),
          "motor"), T, "d0", 10)).join();
      assertThat(withModel).extracting(DeviceRecord::id).containsExactly("d2", "d4");
      List<DeviceRecord> onlineUs = db.read(tx -> new SqlDeviceStore(tx).page(new DeviceQuery(true, Selector.parse("region=us"),
          null), T, null, 10)).join();
      assertThat(onlineUs).extracting(DeviceRecord::id).containsExactly("d1");
      List<DeviceRecord> stale = db.read(tx -> new SqlDeviceStore(tx).page(new DeviceQuery(false, Selector.ALL, null),
          T.plusSeconds(1), null, 2)).join();
      assertThat(stale).extracting(DeviceRecord::id).containsExactly("bare", "d0");
      assertThat(db.read(tx -> new SqlDeviceStore(tx).page(new DeviceQuery(null, Selector.ofLabels(Map.of("region", "eu' OR '1'='1")), null),
          T, null, 10)).join()).isEmpty();
    }
  }

  @StoreTest
  void anEventIsStoredOnceAndARestartedSequenceGetsANewEpoch(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      List<Boolean> first = db.execute(tx -> new SqlDeviceStore(tx).insertEvents(List.of(
          event("d1", 1, T, Execution.DOWNLOAD, Result.STARTED),
          event("d1", 1, T, Execution.DOWNLOAD, Result.STARTED),
          event("d1", 2, T, Execution.ACTIVATE, Result.SUCCESS)), T)).join();
      // The agent's data directory was wiped: seq 1 again, with another event; then its replay.
      List<Boolean> second = db.execute(tx -> new SqlDeviceStore(tx).insertEvents(List.of(
          event("d1", 1, T.plusSeconds(60), Execution.ROLLBACK, Result.FAILURE),
          event("d1", 1, T.plusSeconds(60), Execution.ROLLBACK, Result.FAILURE),
          event("d2", 1, T, Execution.VERIFY, Result.SUCCESS)), T.plusSeconds(60))).join();

      assertThat(first).containsExactly(true, false, true);
      assertThat(second).containsExactly(true, false, true);
      assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM device_events", -1)).join()).isEqualTo(4);
      Map<String, List<LatestEvent>> latest = db.read(tx -> new SqlDeviceStore(tx).latestEvents(null)).join();
      assertThat(latest.get("d1")).singleElement().satisfies(e -> {
        assertThat(e.execution()).isEqualTo(Execution.ROLLBACK);
        assertThat(e.result()).isEqualTo(Result.FAILURE);
      });
      assertThat(db.read(tx -> new SqlDeviceStore(tx).latestEvents("d2")).join()).containsOnlyKeys("d2");
    }
  }

  private static ReportedState report(String id, String region, long revision) {
    return new ReportedState(MessageCodec.VERSION, id, "0.2.0", Map.of("hw", "rpi4", "region", region), revision,
        List.of(new ReportedState.ModelStatus("motor", 1, "a", List.of(new ReportedState.SlotStatus("a", 1, "a".repeat(64))),
            "idle")), null, T);
  }

  private static DeviceEvent event(String id, long seq, Instant time, Execution execution, Result result) {
    return new DeviceEvent(MessageCodec.VERSION, id, seq, time, "motor", 1, execution, result, null, null);
  }
}
