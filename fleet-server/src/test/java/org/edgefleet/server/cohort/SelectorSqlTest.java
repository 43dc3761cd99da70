package org.edgefleet.server.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.server.device.DeviceRecord;
import org.edgefleet.server.device.SqlDeviceStore;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.StoreTest;

/** The SQL a selector compiles to selects exactly the devices the Java matcher does, on both databases. */
class SelectorSqlTest {

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  private static final List<Map<String, String>> LABELS = List.of(Map.of("hw", "rpi3", "region", "eu"),
      Map.of("hw", "rpi4", "region", "eu", "ring", "canary"), Map.of("hw", "rpi4", "region", "us"), Map.of("region", "us"),
      Map.of(), Map.of("hw", "jetson", "ring", "x' OR '1'='1"));
  private static final List<String> SELECTORS = List.of("", "hw=rpi4", "hw!=rpi4", "hw in (rpi3,jetson)",
      "hw notin (rpi3,jetson)", "ring", "!ring", "hw,!ring,region in (eu,us)", "hw=rpi4,region=us", "region notin (eu)",
      "hw in (rpi3),hw notin (rpi3)");

  @StoreTest
  void sqlAndJavaSelectTheSameDevices(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      db.execute(tx -> {
        SqlDeviceStore s = new SqlDeviceStore(tx);
        for (int i = 0; i < LABELS.size(); i++) {
          s.saveReported(new ReportedState(MessageCodec.VERSION, "d" + i, "0.2.0", LABELS.get(i), 0, List.of(), null, T), T);
        }
        return null;
      }).join();
      for (String text : SELECTORS) {
        Selector sel = Selector.parse(text);
        List<String> expected = db.read(tx -> new SqlDeviceStore(tx).all()).join().stream()
            .filter(d -> sel.matches(d.labels())).map(DeviceRecord::id).toList();
        List<String> bySql = db.read(tx -> new SqlDeviceStore(tx).matching(sel)).join().stream().map(DeviceRecord::id).toList();
        assertThat(bySql).as(text).isEqualTo(expected);
      }
      assertThat(db.read(tx -> new SqlDeviceStore(tx).matching(Selector.ofLabels(Map.of("ring", "x' OR '1'='1")))).join())
          .extracting(DeviceRecord::id).as("a quote is a value, never SQL").containsExactly("d5");
    }
  }

  @StoreTest
  void operatorLabelsWinOverReportedOnesAndSurviveTheNextReport(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      db.execute(tx -> {
        SqlDeviceStore s = new SqlDeviceStore(tx);
        s.saveReported(new ReportedState(MessageCodec.VERSION, "d", "0.2.0", Map.of("hw", "rpi4", "region", "eu"), 0, List.of(),
            null, T), T);
        assertThat(s.setOperatorLabels("d", Map.of("region", "us", "ring", "canary"))).isTrue();
        assertThat(s.setOperatorLabels("unknown", Map.of("a", "b"))).isFalse();
        s.saveReported(new ReportedState(MessageCodec.VERSION, "d", "0.2.0", Map.of("hw", "rpi3", "region", "eu"), 0, List.of(),
            null, T), T.plusSeconds(1));
        return null;
      }).join();
      DeviceRecord d = db.read(tx -> new SqlDeviceStore(tx).find("d")).join().orElseThrow();
      assertThat(d.labels()).isEqualTo(Map.of("hw", "rpi3", "region", "us", "ring", "canary"));
      assertThat(db.read(tx -> new SqlDeviceStore(tx).matching(Selector.parse("ring=canary,region=us"))).join()).hasSize(1);
    }
  }
}
