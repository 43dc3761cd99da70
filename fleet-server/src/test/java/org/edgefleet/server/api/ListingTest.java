package org.edgefleet.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.ReportFlood;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every listing pages with limit and cursor without repeating or skipping, and its filters really filter. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListingTest {

  private static final int DEVICES = 230;
  private static final Duration LONG = Duration.ofSeconds(60);

  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private Path dir;
  private FleetServer server;
  private Api api;
  private final List<String> ids = IntStream.range(0, DEVICES).mapToObj(i -> String.format("dev-%03d", i)).toList();

  @BeforeAll
  void start(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    server = FleetServer.start(TestServers.config(dir.resolve("data"))
        .trustedPackagerKeys(List.of(TestServers.trustedKey(dir, packager))).build());
    api = Api.admin(server);
    ReportFlood.report(server.mqttUrl(), server.topics(), ids,
        id -> Map.of("hw", n(id) % 2 == 0 ? "rpi4" : "jetson", "region", n(id) % 3 == 0 ? "eu" : "us"),
        id -> n(id) % 5 == 0 ? List.of(FakeDevice.active("detector", 1)) : List.of());
    ReportFlood.publish(server.mqttUrl(), server.topics().topic("dev-007", TopicKind.STATUS), "dev-007",
        MessageCodec.encode(DeviceStatus.of(DeviceStatus.State.OFFLINE)));
    await().atMost(LONG).until(() -> TestServers.metric(api.get("/metrics").body(), "fleet_devices_known", null) == DEVICES);
    await().atMost(LONG).until(() -> api.get("/api/v1/devices/dev-007").json().path("online").asBoolean(true) == false);
    for (String name : List.of("alpha", "beta")) {
      for (int v = 1; v <= (name.equals("alpha") ? 4 : 3); v++) {
        assertThat(api.upload(TestBundles.write(dir.resolve(name + v), packager, name, v, 1000)).status()).isEqualTo(201);
      }
    }
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void pagingThroughEveryDeviceSeesEachOnceInIdOrder() {
    List<String> seen = pages("/api/v1/devices?limit=37", "devices", d -> d.get("id").asText());
    assertThat(seen).isEqualTo(ids);
    assertThat(api.get("/api/v1/devices").json().get("devices")).hasSize(Query.DEFAULT_LIMIT);
    assertThat(api.get("/api/v1/devices?limit=1000").json().has("next")).isFalse();
  }

  @Test
  void deviceFiltersSelectInTheDatabaseAndPageTheResult() {
    assertThat(pages("/api/v1/devices?limit=7&selector=hw=rpi4", "devices", d -> d.get("id").asText()))
        .isEqualTo(ids.stream().filter(id -> n(id) % 2 == 0).toList());
    assertThat(pages("/api/v1/devices?limit=7&selector=hw=jetson,region=eu", "devices", d -> d.get("id").asText()))
        .isEqualTo(ids.stream().filter(id -> n(id) % 2 == 1 && n(id) % 3 == 0).toList());
    assertThat(pages("/api/v1/devices?limit=9&model=detector", "devices", d -> d.get("id").asText()))
        .isEqualTo(ids.stream().filter(id -> n(id) % 5 == 0).toList());
    assertThat(pages("/api/v1/devices?online=false", "devices", d -> d.get("id").asText())).containsExactly("dev-007");
    assertThat(pages("/api/v1/devices?online=true&limit=50", "devices", d -> d.get("id").asText()))
        .isEqualTo(ids.stream().filter(id -> !id.equals("dev-007")).toList());
    // The tester's query: limit and online are both honoured.
    JsonNode one = api.get("/api/v1/devices?limit=1&online=false").json();
    assertThat(one.get("devices").findValuesAsText("id")).containsExactly("dev-007");
    assertThat(one.has("next")).isFalse();
    assertThat(api.get("/api/v1/devices?model=none&selector=hw=rpi4").json().get("devices")).isEmpty();
  }

  @Test
  void modelVersionsPageInNameAndVersionOrder() {
    List<String> seen = new ArrayList<>();
    String url = "/api/v1/models?limit=3";
    int pages = 0;
    while (url != null) {
      JsonNode page = api.get(url).json();
      for (JsonNode m : page.get("models")) {
        for (JsonNode v : m.get("versions")) {
          seen.add(m.get("name").asText() + "/" + v.get("version").asInt()
              + (v.get("tags").toString().contains("latest") ? "*" : ""));
        }
      }
      url = page.has("next") ? "/api/v1/models?limit=3&cursor=" + page.get("next").asText() : null;
      pages++;
    }
    assertThat(seen).containsExactly("alpha/1", "alpha/2", "alpha/3", "alpha/4*", "beta/1", "beta/2", "beta/3*");
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void rolloutsAndTheirTargetsPage() {
    JsonNode created = api.postJson("/api/v1/rollouts", "{\"model\":\"alpha\",\"version\":4}").json();
    long first = created.get("id").asLong();
    assertThat(created.get("targets")).hasSize(Query.DEFAULT_LIMIT);
    assertThat(created.get("counts").get("total").asInt()).isEqualTo(DEVICES);

    String base = "/api/v1/rollouts/" + first + "/targets";
    assertThat(pages(base + "?limit=64", "targets", t -> t.get("deviceId").asText())).isEqualTo(ids);
    JsonNode detail = api.get("/api/v1/rollouts/" + first).json();
    List<String> rest = pages(base + "?limit=64&cursor=" + detail.get("targetsNext").asText(), "targets",
        t -> t.get("deviceId").asText());
    assertThat(rest).isEqualTo(ids.subList(Query.DEFAULT_LIMIT, DEVICES));

    List<Long> made = new ArrayList<>(List.of(first));
    for (int i = 0; i < 4; i++) {
      if (i > 0) { // one active rollout per model and device: the previous one steps aside
        assertThat(api.postJson("/api/v1/rollouts/" + made.get(0) + "/abort", "{\"reason\":\"next\"}").status()).isEqualTo(200);
      }
      made.add(0, api.postJson("/api/v1/rollouts", "{\"model\":\"beta\",\"version\":3,\"selector\":\"hw=rpi4\"}").json()
          .get("id").asLong());
    }
    assertThat(pages("/api/v1/rollouts?limit=2", "rollouts", r -> r.get("id").asLong())).isEqualTo(made);
    assertThat(api.get("/api/v1/rollouts/999/targets").error()).isEqualTo("rollout_not_found");
  }

  @Test
  void unknownRepeatedOrBadParametersAreRefusedByName() {
    Api.Response typo = api.get("/api/v1/devices?limit=1&onlin=false");
    assertThat(typo.status()).isEqualTo(400);
    assertThat(typo.error()).isEqualTo("unknown_parameter");
    assertThat(typo.json().get("message").asText()).contains("'onlin'", "limit", "online", "selector", "model", "cursor");
    assertError("/api/v1/devices?limit=1&limit=2", "repeated_parameter");
    assertError("/api/v1/models/alpha/versions/1?verbose=1", "unknown_parameter");
    assertError("/api/v1/health?x", "unknown_parameter");
    for (String limit : List.of("0", "1001", "-1", "ten", "1.5", "99999999999")) {
      assertError("/api/v1/devices?limit=" + limit, "bad_limit");
    }
    assertError("/api/v1/devices?online=maybe", "bad_online");
    assertError("/api/v1/devices?selector=hw=", "bad_selector");
    assertError("/api/v1/devices?selector=hw%20in%20(a", "bad_selector");
    assertError("/api/v1/devices?cursor=%21%21", "bad_cursor");
    String rolloutCursor = api.get("/api/v1/models?limit=1").json().get("next").asText();
    assertError("/api/v1/devices?cursor=" + rolloutCursor, "bad_cursor");
    assertError("/api/v1/rollouts?cursor=" + rolloutCursor, "bad_cursor");
  }

  private void assertError(String url, String code) {
    Api.Response r = api.get(url);
    assertThat(r.status()).as(url + " " + r.body()).isEqualTo(400);
    assertThat(r.error()).as(url).isEqualTo(code);
  }

  /** Follows next from the first page to the last and collects every item's key. */
  private <T> List<T> pages(String first, String field, Function<JsonNode, T> key) {
    List<T> out = new ArrayList<>();
    String base = first.replaceAll("[&?]cursor=[^&]*", "");
    String url = first;
    while (url != null) {
      Api.Response r = api.get(url);
      assertThat(r.status()).as(url + " " + r.body()).isEqualTo(200);
      JsonNode page = r.json();
      page.get(field).forEach(item -> out.add(key.apply(item)));
      url = page.has("next") ? base + (base.contains("?") ? "&" : "?") + "cursor=" + page.get("next").asText() : null;
    }
    return out;
  }

  private static int n(String id) {
    return Integer.parseInt(id.substring(id.indexOf('-') + 1));
  }
}
