package org.edgefleet.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server certificate close to its end raises an alert like any rule's: a broker certificate
 * really issued for ten minutes fires certificate_days_left below one day, the ten-year CA does not.
 */
class CertificateAlertTest {

  private static final Duration LONG = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void aShortLivedBrokerCertificateFiresItsAlertAndReachesTheWebhook() throws Exception {
    List<JsonNode> delivered = Collections.synchronizedList(new ArrayList<>());
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        delivered.add(Json.mapper().readTree(in.readAllBytes()));
        exchange.sendResponseHeaders(200, -1);
      } finally {
        exchange.close();
      }
    });
    receiver.start();
    try (FleetServer server = FleetServer.start(TestServers.config(dir).set(Settings.BROKER_TLS, true)
        .set(Settings.BROKER_CERTIFICATE_VALIDITY, Duration.ofMinutes(10))
        .set(Settings.ALERT_EVALUATE_INTERVAL, Duration.ofMillis(200))
        .set(Settings.ALERT_WEBHOOKS, List.of("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")).build())) {
      Api api = Api.admin(server);
      Api.Response health = api.get("/api/v1/health");
      assertThat(health.json().at("/certificates/broker/state").asText()).isEqualTo("EXPIRING");
      assertThat(TestServers.metric(api.get("/metrics").body(), "fleet_broker_certificate_expiry_seconds", null))
          .isBetween(1.0, 600.0);

      Api.Response saved = api.putJson("/api/v1/alert-rules/certificates", "{\"metric\": \"certificate_days_left\", \"threshold\": 1}");
      assertThat(saved.status()).isEqualTo(201);
      assertThat(saved.json().path("model").isTextual()).isFalse();
      await().atMost(LONG).until(() -> api.get("/api/v1/alerts?state=firing").json().path("alerts").size() == 1);
      JsonNode alert = api.get("/api/v1/alerts?state=firing").json().path("alerts").get(0);
      assertThat(alert.path("model").asText()).isEqualTo("broker");
      assertThat(alert.path("metric").asText()).isEqualTo("certificate_days_left");
      assertThat(alert.path("value").asDouble()).isBetween(0.0, 10.0 / (24 * 60));
      assertThat(alert.path("summary").asText()).startsWith("certificate_days_left of certificate broker is ").contains(", below 1.0");
      await().atMost(LONG).until(() -> delivered.stream().anyMatch(d -> d.path("event").asText().equals("FIRING")
          && d.at("/alert/model").asText().equals("broker")));

      // A rule of certificates names no model, version or cohort.
      Api.Response scoped = api.putJson("/api/v1/alert-rules/bad", "{\"metric\": \"certificate_days_left\", \"model\": \"m\","
          + " \"threshold\": 1}");
      assertThat(scoped.status()).isEqualTo(400);
      assertThat(scoped.error()).isEqualTo("bad_scope");
      assertThat(api.putJson("/api/v1/alert-rules/bad", "{\"metric\": \"certificate_days_left\", \"cohort\": \"hw=rpi4\","
          + " \"threshold\": 1}").error()).isEqualTo("bad_scope");
      // A model rule still needs its model.
      assertThat(api.putJson("/api/v1/alert-rules/bad", "{\"metric\": \"error_rate\", \"threshold\": 0.1}").error())
          .isEqualTo("bad_model");
      // Once the rule's threshold is below what is left, the alert resolves.
      assertThat(api.putJson("/api/v1/alert-rules/certificates", "{\"metric\": \"certificate_days_left\", \"threshold\": -1}")
          .status()).isEqualTo(200);
      await().atMost(LONG).until(() -> api.get("/api/v1/alerts?state=firing").json().path("alerts").isEmpty());
    } finally {
      receiver.stop(0);
    }
  }
}
