package org.edgefleet.server.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.MutableClock;
import org.edgefleet.server.support.ReportFlood;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invented devices cannot grow the database without bound, and devices that left stop looking online. */
class RegistrationBoundsTest {

  private static final Duration LONG = Duration.ofSeconds(60);
  private static final int MAX_DEVICES = 50;

  @TempDir Path dir;
  private FleetServer server;
  private Api api;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRegistrationFloodIsBoundedAndEveryRefusalCounted() throws Exception {
    Path data = dir.resolve("data");
    server = FleetServer.start(TestServers.config(data).set(Settings.MAX_DEVICES, MAX_DEVICES).build());
    api = Api.admin(server);
    long before = databaseBytes(data);
    long start = System.nanoTime();

    // The tester's flood: invented ids, each with about 60 KB of labels.
    Map<String, String> huge = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      huge.put("k" + i, "v".repeat(2000));
    }
    ReportFlood.report(server.mqttUrl(), server.topics(), ids("huge", 200), id -> huge, id -> List.of());
    // Labels a selector could never name, or more of them than kept.
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 33; i++) {
      many.put("k" + i, "v");
    }
    ReportFlood.report(server.mqttUrl(), server.topics(), ids("many", 50), id -> many, id -> List.of());
    ReportFlood.report(server.mqttUrl(), server.topics(), ids("long", 50), id -> Map.of("k", "v".repeat(64)), id -> List.of());
    ReportFlood.report(server.mqttUrl(), server.topics(), ids("odd", 50), id -> Map.of("k", "a b\"c"), id -> List.of());
    // Within every bound: 32 labels of 63 + 63 characters; only MAX_DEVICES of them register.
    Map<String, String> widest = new HashMap<>();
    for (int i = 0; i < 32; i++) {
      widest.put(String.format("%02d", i) + "k".repeat(61), "v".repeat(63));
    }
    ReportFlood.report(server.mqttUrl(), server.topics(), ids("fit", 200), id -> widest, id -> List.of());
    // Other messages from unknown ids past the limit register nothing either.
    for (String id : ids("late", 5)) {
      ReportFlood.publish(server.mqttUrl(), server.topics().topic(id, TopicKind.STATUS), id,
          MessageCodec.encode(DeviceStatus.of(DeviceStatus.State.ONLINE)));
    }

    await().atMost(LONG).until(() -> rejected("device_limit") == 150 + 5);
    assertThat(rejected("too_large")).isEqualTo(200);
    assertThat(rejected("bad_labels")).isEqualTo(150);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isLessThan(LONG);

    assertThat(TestServers.metric(api.get("/metrics").body(), "fleet_devices_known", null)).isEqualTo(MAX_DEVICES);
    assertThat(api.get("/api/v1/devices?limit=1000").json().get("devices")).hasSize(MAX_DEVICES);
    assertThat(api.get("/api/v1/devices/huge-0").status()).isEqualTo(404);
    assertThat(api.get("/api/v1/devices/late-0").status()).isEqualTo(404);
    server.close();
    long after = databaseBytes(data);
    server = null;
    System.out.printf("registration flood: 705 invented ids in %d ms, %d registered, database %d -> %d bytes%n",
        took.toMillis(), MAX_DEVICES, before, after);
    // 50 devices of at most 16 KiB each, stored twice (labels and report) at worst.
    assertThat(after - before).isLessThan(2L * 1024 * 1024);
  }

  @Test
  void aDeviceThatLeftWithoutALastWillIsShownOfflineOnceItIsSilentTooLong() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    server = FleetServer.start(TestServers.config(dir.resolve("data")).clock(clock)
        .set(Settings.DEVICE_OFFLINE_AFTER, Duration.ofMinutes(3)).build());
    api = Api.admin(server);
    ReportFlood.report(server.mqttUrl(), server.topics(), List.of("quiet", "chatty"), id -> Map.of("hw", "rpi4"), id -> List.of());
    await().atMost(LONG).until(() -> api.get("/api/v1/devices?online=true").json().get("devices").size() == 2);
    Instant heard = Instant.parse(api.get("/api/v1/devices/quiet").json().get("lastSeen").asText());

    clock.advance(Duration.ofMinutes(2));
    ReportFlood.report(server.mqttUrl(), server.topics(), List.of("chatty"), id -> Map.of("hw", "rpi4"), id -> List.of());
    await().atMost(LONG).until(() -> !api.get("/api/v1/devices/chatty").json().get("lastSeen").asText().equals(heard.toString()));
    clock.advance(Duration.ofMinutes(2));

    assertThat(api.get("/api/v1/devices/quiet").json().get("online").asBoolean()).isFalse();
    assertThat(Instant.parse(api.get("/api/v1/devices/quiet").json().get("lastSeen").asText())).isEqualTo(heard);
    assertThat(api.get("/api/v1/devices/chatty").json().get("online").asBoolean()).isTrue();
    assertThat(api.get("/api/v1/devices?online=false").json().get("devices").findValuesAsText("id")).containsExactly("quiet");
    assertThat(api.get("/api/v1/devices?online=true").json().get("devices").findValuesAsText("id")).containsExactly("chatty");

    ReportFlood.report(server.mqttUrl(), server.topics(), List.of("quiet"), id -> Map.of("hw", "rpi4"), id -> List.of());
    await().atMost(LONG).until(() -> api.get("/api/v1/devices/quiet").json().get("online").asBoolean());
  }

  private double rejected(String reason) {
    return TestServers.metric(api.get("/metrics").body(), "fleet_device_messages_rejected_total", reason);
  }

  private static List<String> ids(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
  }

  private static long databaseBytes(Path data) throws Exception {
    try (Stream<Path> files = Files.list(data)) {
      return files.filter(p -> p.getFileName().toString().startsWith("fleet.db")).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
