package org.edgefleet.scenario;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.edgefleet.server.cohort.StableHash;

/** Canary rollouts as an operator asks for them in the scenarios, and what a scenario checks of them. */
final class Canary {

  /**
   * Gates for scenarios that are not about latency: a good model on a loaded 2-core CI machine
   * must pass them, where one busy moment makes a p95 of 0.7 ms read 8 ms.
   */
  static final Map<String, Object> LOOSE_GATES = Map.of("minDevicesReporting", 1, "maxP95Ratio", 3.0, "p95SlackMs", 50.0);

  private Canary() {}

  /** A canary strategy of the given shares, each baking {@code bakeSeconds}, with the given gates. */
  static Map<String, Object> strategy(List<Double> percents, long bakeSeconds, Map<String, Object> gates, boolean manual) {
    List<Map<String, Object>> stages = new ArrayList<>();
    for (double p : percents) {
      stages.add(Map.of("percent", p, "bakeSeconds", bakeSeconds));
    }
    return Map.of("kind", "canary", "stages", stages, "gates", gates, "manualApproval", manual);
  }

  /** Starts a rollout and returns its id; fails the test unless it was created. */
  static long start(FleetFixture fleet, int version, String selector, String cohort, Map<String, Object> strategy)
      throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", SampleBundles.MODEL);
    body.put("version", version);
    if (selector != null) {
      body.put("selector", selector);
    }
    if (cohort != null) {
      body.put("cohort", cohort);
    }
    body.put("strategy", strategy);
    FleetApi.Response r = fleet.api.createRollout(body);
    if (r.status() != 201) {
      throw new AssertionError("rollout answered " + r.status() + ": " + r.text());
    }
    return r.body().get("id").asLong();
  }

  static JsonNode rollout(FleetFixture fleet, long id) throws Exception {
    return fleet.api.getJson("/api/v1/rollouts/" + id);
  }

  /** Waits for the rollout's status; on timeout the failure shows the rollout as the server last had it. */
  static void awaitStatus(FleetFixture fleet, long id, String status, Duration within) throws Exception {
    try {
      await().atMost(within).pollInterval(Duration.ofMillis(250)).until(() -> status.equals(rollout(fleet, id).get("status").asText()));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("rollout " + id + " not " + status + " within " + within + "; it is: " + rollout(fleet, id), e);
    }
  }

  /** The device ids of the rollout's targets, every page of them. */
  static Set<String> targets(FleetFixture fleet, long id) throws Exception {
    Set<String> ids = new java.util.TreeSet<>();
    String cursor = null;
    do {
      JsonNode page = fleet.api.getJson("/api/v1/rollouts/" + id + "/targets?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
      page.get("targets").forEach(t -> ids.add(t.get("deviceId").asText()));
      cursor = page.has("next") ? page.get("next").asText() : null;
    } while (cursor != null);
    return ids;
  }

  /**
   * The devices each stage holds, as the server picks them: a bucket of the stable hash below the
   * stage's share; a stage of a non-empty cohort holds at least the device of the lowest bucket.
   */
  static List<Set<String>> stageDevices(List<String> cohort, long rolloutId, List<Double> percents) {
    List<Set<String>> out = new ArrayList<>();
    String lowest = cohort.stream().min((a, b) -> Integer.compare(StableHash.bucket(a, rolloutId),
        StableHash.bucket(b, rolloutId))).orElseThrow();
    for (double p : percents) {
      Set<String> in = cohort.stream().filter(d -> StableHash.inShare(d, rolloutId, (int) Math.round(p * 100)))
          .collect(Collectors.toCollection(java.util.TreeSet::new));
      in.add(lowest);
      out.add(in);
    }
    return out;
  }

  /** The events of the rollout's history, in order. */
  static List<String> events(JsonNode rollout) {
    List<String> out = new ArrayList<>();
    rollout.get("history").forEach(h -> out.add(h.get("event").asText()));
    return out;
  }
}
