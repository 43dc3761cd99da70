package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.runtime.Platform;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.Outcomes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An operator at the dashboard, in a real browser, against a real server with simulated devices:
 * sees the fleet, starts a rollout from the page and watches it finish through live updates,
 * then pauses and aborts a second one and reads the server's answer; reads the input drift chart
 * and an A/B test's arms and verdict. Markup that devices and
 * manifests carry shows as text and never runs. Screenshots (laptop and phone) land in
 * target/dashboard-screenshots; docs/images holds copies of them.
 */
class DashboardBrowserTest {

  private static final int SIMULATED = 4;
  private static final String PROBE = "probe-1";
  private static final String DESCRIPTION_MARKUP = "Motor anomaly <script>window.__xss = 1</script>"
      + "<img src=x onerror=\"window.__xss = 2\">";
  private static final String ERROR_MARKUP = "disk <img src=x onerror=\"window.__xss = 3\"><script>window.__xss = 4</script>";
  private static final Duration PATIENCE = FleetFixture.PATIENCE;
  private static final long AB_PLANNED = 100;

  @TempDir Path dir;

  @Test
  void anOperatorRollsOutFromTheDashboardAndActsOnARollout() throws Exception {
    try (FleetFixture fleet = FleetFixture.embedded(dir.resolve("fleet"));
         BrowserSession browser = BrowserSession.start(dir.resolve("chromium"), Path.of("target", "dashboard-screenshots"))) {
      fleet.upload(fleet.bundles.bundleDescribed(1, DESCRIPTION_MARKUP));
      fleet.upload(fleet.bundles.bundle(2));
      String v1 = "/models/" + SampleBundles.MODEL + "/versions/1";
      assertThat(fleet.api.put("/api/v1" + v1 + "/sampling", Map.of("rate", 0.2, "dailyBytes", 20_000)).status()).isEqualTo(200);
      // Outcomes for the A/B test at the end: arm B (v3) has a mean higher by half a standard deviation.
      fleet.simulate(SIMULATED, List.of(new DeviceProfile("rpi4", Map.of("hw", "rpi4", "region", "eu"), 20, 0)),
          b -> b.outcomes(new Outcomes(Map.of(1, 1.0, 2, 1.0, 3, 1.5), 1.0)));
      MqttClient probe = probeDevice(fleet);
      fleet.awaitDevicesKnown(SIMULATED + 1);
      // Labels are the one device text a selector reads: the server refuses markup in them outright.
      assertThat(fleet.api.getJson("/api/v1/devices/" + PROBE).get("labels").get("hw").asText()).isEqualTo("probe");
      await().atMost(PATIENCE).until(() -> fleet.api.getText("/metrics").contains("reason=\"bad_labels\"} 1"));
      assertThat(fleet.api.get("/api/v1/devices/probe-2").status()).isEqualTo(404);

      var driver = browser.driver;
      var wait = new WebDriverWait(driver, PATIENCE);
      // A page replaces its content once its data arrives: an element found just before is stale, so look again.
      wait.ignoring(StaleElementReferenceException.class);
      // No session yet: the login page, and a wrong token is refused there; the admin token logs in.
      driver.get(fleet.server.httpUrl() + "/");
      WebElement token = wait.until(d -> d.findElement(By.id("login-token")));
      token.sendKeys("ef_" + "A".repeat(43));
      driver.findElement(By.id("login-submit")).click();
      wait.until(d -> text(d.findElement(By.id("login-result"))).contains("401 login_failed"));
      browser.screenshot("login-laptop");
      token.clear();
      token.sendKeys(fleet.api.token());
      driver.findElement(By.id("login-submit")).click();
      wait.until(d -> text(d.findElement(By.id("devices-known"))).endsWith(String.valueOf(SIMULATED + 1)));
      wait.until(d -> "live".equals(d.findElement(By.id("live")).getText()));
      assertThat(driver.findElement(By.id("who")).getText()).isEqualTo("bootstrap-admin (admin)");
      // The session is in a cookie scripts cannot read.
      assertThat((String) driver.executeScript("return document.cookie;")).doesNotContain("edgefleet_session");
      browser.screenshot("overview-laptop");

      // The device list, filtered by label.
      driver.get(fleet.server.httpUrl() + "/ui/#/devices?selector=hw%3Drpi4");
      wait.until(d -> d.findElements(By.cssSelector("#device-table .device-link")).size() == SIMULATED);
      assertThat(driver.findElement(By.id("device-table")).getText()).doesNotContain(PROBE);
      browser.screenshot("devices-laptop");

      // A rollout from the form, followed live until every target is active.
      startRollout(browser, fleet, 1, "hw=rpi4");
      wait.until(d -> text(d.findElement(By.id("rollout-status"))).equals("finished"));
      assertThat(driver.findElement(By.id("rollout-progress")).getText()).contains(SIMULATED + " active");
      browser.screenshot("rollout-laptop");

      // A second rollout that stays running: the probe device never downloads.
      startRollout(browser, fleet, 2, "");
      wait.until(d -> text(d.findElement(By.id("rollout-progress"))).contains(SIMULATED + " active")
          && text(d.findElement(By.id("rollout-progress"))).contains("1 pending"));
      for (String action : List.of("pause", "abort")) {
        driver.findElement(By.cssSelector("button[data-action='" + action + "']")).click();
        String answer = wait.until(d -> {
          String t = text(d.findElement(By.id("action-result")));
          return t.isEmpty() || t.endsWith("…") ? null : t;
        });
        // Without the rollout engine the server has no such route (404/405) and the page says so;
        // with it, the action is done and the page shows the rollout's new status.
        assertThat(answer).as(action).satisfiesAnyOf(
            a -> assertThat(a).matches(action + " is not available on this server yet \\(HTTP (404 not_found|405 method_not_allowed)\\): .+"),
            a -> assertThat(a).startsWith(action + ": done; the rollout is now "));
      }
      browser.screenshot("rollout-actions-laptop");

      // The audit log has the page's changes, made with the session (and its CSRF token).
      driver.get(fleet.server.httpUrl() + "/ui/#/audit?actor=token:bootstrap-admin");
      wait.until(d -> text(d.findElement(By.id("audit-table"))).contains("POST /api/v1/rollouts/:id/:action"));
      assertThat(driver.findElement(By.id("audit-table")).getText()).contains("POST /api/v1/rollouts").contains("action=pause");
      browser.screenshot("audit-laptop");

      // Markup from a device and from a manifest is shown as the text it is.
      driver.get(fleet.server.httpUrl() + "/ui/#/devices/" + PROBE);
      WebElement lastError = wait.until(d -> d.findElement(By.id("last-error")));
      assertThat(lastError.getText()).isEqualTo(ERROR_MARKUP);
      assertThat(lastError.findElements(By.xpath(".//*"))).isEmpty();
      // The key set the device trusts, from its report.
      assertThat(driver.findElement(By.cssSelector("section.facts")).getText()).contains("Key set\nv3");
      browser.screenshot("device-laptop");
      driver.get(fleet.server.httpUrl() + "/ui/#/models/" + SampleBundles.MODEL + "/versions/1");
      WebElement description = wait.until(d -> d.findElement(By.id("model-description")));
      assertThat(description.getText()).isEqualTo(DESCRIPTION_MARKUP);
      assertThat(description.findElements(By.xpath(".//*"))).isEmpty();
      assertThat(driver.findElement(By.id("inputs")).getText()).contains("float32");
      browser.screenshot("model-laptop");
      assertThat(driver.executeScript("return window.__xss === undefined;")).isEqualTo(true);

      // Charts of latency and errors per version, from the devices' telemetry.
      driver.get(fleet.server.httpUrl() + "/ui/#/metrics/" + SampleBundles.MODEL);
      wait.until(d -> text(d.findElement(By.id("metrics-table"))).contains("v1"));
      wait.until(d -> Boolean.TRUE.equals(driver.executeScript("return !!window.Chart && !!window.Chart.getChart('chart-latency');")));
      browser.screenshot("metrics-laptop");

      // Input drift of v1 per feature over time, with the standard levels and an alert rule's threshold drawn across.
      assertThat(fleet.api.put("/api/v1/alert-rules/drift-v1", Map.of("metric", "drift_psi", "model", SampleBundles.MODEL,
          "version", 1, "threshold", 0.2)).status()).isEqualTo(201);
      String series = "/api/v1/drift/models/" + SampleBundles.MODEL + "/versions/1/series";
      // The page draws what the API answers: first the API has a step with a PSI, then the chart must show it.
      // A step needs 500 values of each feature: on a loaded machine the agents take a while to bin that many.
      await().atMost(PATIENCE.multipliedBy(2)).untilAsserted(() -> {
        JsonNode answer = fleet.api.getJson(series);
        assertThat(answer.get("features").findValues("points")).as(answer.toString()).anyMatch(DashboardBrowserTest::hasNumber);
      });
      driver.get(fleet.server.httpUrl() + "/ui/#/drift/" + SampleBundles.MODEL + "/versions/1");
      wait.until(d -> ((Number) driver.executeScript("const c = window.Chart && window.Chart.getChart('chart-drift');"
          + " return c ? c.data.datasets.filter(s => !s.borderDash && s.data.some(p => p !== null)).length : 0;")).intValue() > 0);
      assertThat(driver.findElement(By.id("drift-thresholds")).getText()).contains("warn 0.1", "alert 0.25",
          "alert rule drift-v1: above 0.2");
      assertThat(driver.findElements(By.cssSelector("#drift-table tbody tr"))).hasSizeBetween(1, 8);
      browser.screenshot("drift-laptop");

      // The sampled inputs of v1, with each tensor's shape and first values, and the export links.
      driver.get(fleet.server.httpUrl() + "/ui/#" + v1 + "/samples");
      wait.until(d -> {
        d.navigate().refresh();
        return !d.findElements(By.cssSelector("#samples tbody tr")).isEmpty();
      });
      assertThat(driver.findElement(By.id("samples")).getText()).contains("float32 [1, ");
      assertThat(driver.findElement(By.id("sampling-policy")).getText()).contains("20.0 % of calls");
      assertThat(driver.findElements(By.cssSelector("#sample-export a")).stream().map(a -> a.getAttribute("href")).toList())
          .anyMatch(h -> h.endsWith("/api/v1" + v1 + "/samples/export?format=npz"));
      browser.screenshot("samples-laptop");

      // An A/B test of v3 against v1 on the rpi4 devices: counts against the plan while collecting, then the verdict.
      fleet.upload(fleet.bundles.bundle(3));
      long ab = Canary.start(fleet, 3, "hw=rpi4", null, Map.of("kind", "ab", "ab", Map.of("share", 0.5, "plannedPerArm", AB_PLANNED)));
      driver.get(fleet.server.httpUrl() + "/ui/#/rollouts/" + ab);
      wait.until(d -> text(d.findElement(By.id("ab-count-b"))).endsWith(" of " + AB_PLANNED + " planned"));
      // The live stream re-renders the page: read it through the wait, which retries an element replaced meanwhile.
      wait.until(d -> text(d.findElement(By.id("ab-split"))).startsWith("by request"));
      Canary.awaitStatus(fleet, ab, "AWAITING_APPROVAL", PATIENCE.multipliedBy(2));
      String decision = Canary.rollout(fleet, ab).get("readings").get("ab").get("decision").asText();
      assertThat(decision).isIn("B_BETTER", "A_BETTER", "NOT_SIGNIFICANT");
      wait.until(d -> decision.equals(d.findElement(By.id("ab-verdict")).getAttribute("data-decision")));
      for (String arm : List.of("ab-count-a", "ab-count-b")) {
        wait.until(d -> {
          String count = text(d.findElement(By.id(arm)));
          return Long.parseLong(count.substring(0, count.indexOf(' '))) >= AB_PLANNED;
        });
      }
      wait.until(d -> ((Number) driver.executeScript("const c = window.Chart && window.Chart.getChart('chart-ab');"
          + " return c ? c.data.datasets[1].data.filter(m => m !== null).length : 0;")).intValue() == 2);
      browser.screenshot("ab-laptop");

      // The same pages on a phone: one column, nothing wider than the screen.
      browser.size(BrowserSession.PHONE);
      for (String page : List.of("", "devices", "rollouts/1", "rollouts/" + ab, "metrics/" + SampleBundles.MODEL,
          "drift/" + SampleBundles.MODEL + "/versions/1", v1.substring(1) + "/samples")) {
        driver.get(fleet.server.httpUrl() + "/ui/#/" + page);
        wait.until(d -> d.findElement(By.cssSelector("main h1")).isDisplayed());
        Thread.sleep(300); // let the page's data arrive before the picture; no assertion depends on it
        assertThat(browser.overflowsHorizontally()).as(page).isFalse();
      }
      driver.get(fleet.server.httpUrl() + "/ui/#/");
      wait.until(d -> text(d.findElement(By.id("devices-known"))).endsWith(String.valueOf(SIMULATED + 1)));
      browser.screenshot("overview-phone");
      driver.get(fleet.server.httpUrl() + "/ui/#/rollouts/1");
      wait.until(d -> text(d.findElement(By.id("rollout-status"))).equals("finished"));
      browser.screenshot("rollout-phone");
      driver.get(fleet.server.httpUrl() + "/ui/#/devices");
      wait.until(d -> d.findElements(By.cssSelector("#device-table .device-link")).size() == SIMULATED + 1);
      browser.screenshot("devices-phone");
      assertThat(driver.executeScript("return window.__xss === undefined;")).isEqualTo(true);

      // Logging out ends the session: the login page, also after a reload.
      driver.findElement(By.id("logout")).click();
      wait.until(d -> d.findElement(By.id("login-token")).isDisplayed());
      driver.navigate().refresh();
      wait.until(d -> d.findElement(By.id("login-token")).isDisplayed());
      probe.disconnect();
      probe.close();
    }
  }

  private static void startRollout(BrowserSession browser, FleetFixture fleet, int version, String selector) {
    var driver = browser.driver;
    var wait = new WebDriverWait(driver, PATIENCE);
    driver.get(fleet.server.httpUrl() + "/ui/#/rollouts");
    WebElement form = wait.until(d -> d.findElement(By.id("start-rollout")));
    new Select(form.findElement(By.name("model"))).selectByValue(SampleBundles.MODEL);
    WebElement v = form.findElement(By.name("version"));
    v.clear();
    v.sendKeys(String.valueOf(version));
    form.findElement(By.name("selector")).sendKeys(selector);
    String before = driver.getCurrentUrl();
    form.findElement(By.cssSelector("button[type='submit']")).click();
    wait.until(d -> !d.getCurrentUrl().equals(before) && d.getCurrentUrl().matches(".*#/rollouts/\\d+$"));
    wait.until(d -> d.findElement(By.id("rollout-progress")));
  }

  /**
   * A device that reports as a real agent would (so a rollout can target it) but never downloads,
   * and whose last error carries markup.
   */
  private static MqttClient probeDevice(FleetFixture fleet) throws Exception {
    MqttClient c = new MqttClient(fleet.server.mqttUrl(), PROBE, new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setUserName(PROBE);
    options.setPassword(new char[0]);
    c.connect(options);
    ReportedState r = new ReportedState(MessageCodec.VERSION, PROBE, EdgeAgent.VERSION, Map.of("hw", "probe"), 0, List.of(),
        ERROR_MARKUP, Instant.now(), new ReportedState.Capabilities(Platform.current().toString(), List.of("onnx"),
            1L << 30, 1L << 30), 3L);
    c.publish(fleet.server.topics().topic(PROBE, TopicKind.REPORTED), MessageCodec.encode(r), 1, true);
    ReportedState markupLabel = new ReportedState(MessageCodec.VERSION, "probe-2", EdgeAgent.VERSION,
        Map.of("hw", "<script>alert(1)</script>"), 0, List.of(), null, Instant.now());
    MqttClient c2 = new MqttClient(fleet.server.mqttUrl(), "probe-2", new MemoryPersistence());
    MqttConnectOptions o2 = new MqttConnectOptions();
    o2.setUserName("probe-2");
    o2.setPassword(new char[0]);
    c2.connect(o2);
    c2.publish(fleet.server.topics().topic("probe-2", TopicKind.REPORTED), MessageCodec.encode(markupLabel), 1, false);
    c2.disconnect();
    c2.close();
    return c;
  }

  private static boolean hasNumber(JsonNode points) {
    for (JsonNode p : points) {
      if (p.isNumber()) {
        return true;
      }
    }
    return false;
  }

  private static String text(WebElement e) {
    return e.getText().trim();
  }
}
