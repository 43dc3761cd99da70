package org.edgefleet.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.ReportFlood;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's pages and live stream on a real server: what they serve, and what they refuse. */
class DashboardRoutesTest {

  private static final int MAX_STREAMS = 3;

  @TempDir Path dir;
  private FleetServer server;
  private Api api;

  @BeforeEach
  void start() throws Exception {
    server = FleetServer.start(TestServers.config(dir.resolve("data")).set(Settings.MAX_EVENT_STREAMS, MAX_STREAMS).build());
    api = Api.admin(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void pagesAndChartLibraryComeFromTheServerWithAPolicyThatAllowsOnlyItsOwnScripts() throws Exception {
    try (RawHttp root = RawHttp.get(server.httpUrl(), "/")) {
      assertThat(root.status()).isEqualTo(302);
      assertThat(root.until("location:")).isEqualTo("location: /ui/");
    }
    try (RawHttp index = RawHttp.get(server.httpUrl(), "/ui/")) {
      assertThat(index.status()).isEqualTo(200);
      String answer = index.rest(64 * 1024);
      assertThat(answer).contains("content-security-policy: default-src 'self'; script-src 'self'")
          .contains("x-content-type-options: nosniff").contains("<main id=\"main\">");
    }
    assertThat(api.get("/ui/js/app.js").status()).isEqualTo(200);
    assertThat(api.get("/ui/dashboard.css").status()).isEqualTo(200);
    Api.Response chart = api.get("/ui/webjars/chart.js/4.4.1/dist/chart.umd.js");
    assertThat(chart.status()).isEqualTo(200);
    assertThat(chart.body()).contains("Chart");
    assertThat(api.get("/ui/no-such-page.html").status()).isEqualTo(404);
  }

  @Test
  void pathsThatLeaveThePagesNeverServeClassesMigrationsOrKeys() throws Exception {
    List<String> hostile = List.of(
        "/ui/../org/edgefleet/server/FleetServer.class",
        "/ui/%2e%2e/%2e%2e/org/edgefleet/server/FleetServer.class",
        "/ui/..%2f..%2forg%2fedgefleet%2fserver%2fFleetServer.class",
        "/ui/webjars/../../org/edgefleet/server/FleetServer.class",
        "/ui/webjars/..%2f..%2f..%2f..%2fdb/migration/sqlite/V1__init.sql",
        "/ui/webjars/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fdb%2fmigration%2fsqlite%2fV1__init.sql",
        "/ui/..%5c..%5cdb%5cmigration%5csqlite%5cV1__init.sql",
        "/ui/....//....//db/migration/sqlite/V1__init.sql",
        "/ui/%252e%252e/%252e%252e/db/migration/sqlite/V1__init.sql",
        "/ui/js/app.js%00.html",
        "/ui/" + dir.resolve("data/keys/server-key.json").toString().replace("/", "%2f"),
        "/ui/webjars/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f.." + dir.resolve("data/keys/server-key.json"),
        "/ui//" + dir.resolve("data/keys/server-key.json"));
    for (String target : hostile) {
      try (RawHttp r = RawHttp.get(server.httpUrl(), target)) {
        int status = r.status();
        String answer = r.rest(256 * 1024);
        assertThat(status).as(target).isBetween(300, 499);
        assertThat(answer).as(target).doesNotContain("CREATE TABLE").doesNotContain("privateKey")
            .doesNotContain("\u00ca\u00fe\u00ba\u00be");
      }
    }
  }

  @Test
  void aStreamTellsWhichDeviceCameOnlineAndChanged() throws Exception {
    try (RawHttp stream = RawHttp.get(server.httpUrl(), DashboardRoutes.STREAM, Api.adminToken(server))) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.until("content-type:")).startsWith("content-type: text/event-stream");
      stream.until("retry:");
      ReportFlood.report(server.mqttUrl(), server.topics(), List.of("cam-7"), id -> Map.of("hw", "rpi4"), id -> List.of());
      assertThat(stream.until("event:")).isEqualTo("event: device");
      assertThat(stream.until("data:")).contains("\"id\":\"cam-7\"").contains("\"change\":\"online\"");
      assertThat(stream.until("data:")).contains("\"id\":\"cam-7\"").contains("\"change\":\"reported\"");
    }
  }

  @Test
  void manyClientsAreRefusedPastTheLimitAndAClosedStreamFreesItsPlace() throws Exception {
    List<RawHttp> open = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_STREAMS; i++) {
        RawHttp s = RawHttp.get(server.httpUrl(), DashboardRoutes.STREAM, Api.adminToken(server));
        open.add(s);
        assertThat(s.status()).isEqualTo(200);
        s.until("retry:");
      }
      for (int i = 0; i < 40; i++) {
        try (RawHttp refused = RawHttp.get(server.httpUrl(), DashboardRoutes.STREAM, Api.adminToken(server))) {
          assertThat(refused.status()).isEqualTo(503);
          assertThat(refused.rest(4096)).contains("retry-after: 10").contains("\"error\":\"too_many_streams\"");
        }
      }
      open.remove(0).close();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try (RawHttp again = RawHttp.get(server.httpUrl(), DashboardRoutes.STREAM, Api.adminToken(server))) {
          return again.status() == 200;
        }
      });
      String metrics = api.get("/metrics").body();
      assertThat(TestServers.metric(metrics, "fleet_dashboard_streams_refused_total", null)).isGreaterThanOrEqualTo(40);
    } finally {
      for (RawHttp s : open) {
        s.close();
      }
    }
  }

  @Test
  void theStreamTakesNoQueryParameters() {
    Api.Response r = api.get(DashboardRoutes.STREAM + "?since=0");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("unknown_parameter");
  }

  @Test
  void prometheusHasTheJvmTheProcessAndHttpRequestsByRouteTemplate() {
    api.get("/api/v1/devices/cam-1");
    api.get("/api/v1/devices/cam-2");
    String metrics = api.get("/metrics").body();
    assertThat(metrics).contains("jvm_memory_used_bytes").contains("jvm_threads_live_threads").contains("jvm_gc_")
        .contains("process_cpu_usage").contains("process_uptime_seconds").contains("system_cpu_count")
        .doesNotContain("cam-1");
    assertThat(TestServers.metric(metrics, "http_server_requests_seconds_count{method=\"GET\",route=\"/api/v1/devices/:id\",status=\"404\"}",
        null)).isEqualTo(2.0);
  }
}
