package org.edgefleet.bench.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.edgefleet.agent.AgentListener;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;

/**
 * Where a rollout's time goes: when each agent of the fleet started and finished each update step,
 * from the agents' own events, summed up as the median and the slowest device per step.
 */
final class UpdateSteps implements AgentListener {

  /** One step over the fleet: median and slowest device; {@code devices} that reported both ends of it. */
  record Step(String name, Duration median, Duration max, int devices) {}

  private final Map<String, Map<String, Instant>> byDevice = new ConcurrentHashMap<>();

  private UpdateSteps() {}

  static UpdateSteps listenTo(FleetSimulator sim) {
    UpdateSteps steps = new UpdateSteps();
    for (SimulatedDevice d : sim.devices()) {
      d.agent().addListener(steps);
    }
    return steps;
  }

  // Runs on the agents' loops: a map insert and nothing else. The first start of a step counts.
  @Override
  public void onEvent(DeviceEvent e) {
    byDevice.computeIfAbsent(e.deviceId(), id -> new ConcurrentHashMap<>())
        .putIfAbsent(key(e.execution(), e.result()), e.time());
  }

  /** From the rollout request to the download's start, then each step from its start to its success. */
  List<Step> steps(Instant rolloutRequested) {
    List<Step> steps = new ArrayList<>();
    steps.add(summarize("rollout request to download start", times -> between(rolloutRequested,
        times.get(key(DeviceEvent.Execution.DOWNLOAD, DeviceEvent.Result.STARTED)))));
    for (DeviceEvent.Execution step : List.of(DeviceEvent.Execution.DOWNLOAD, DeviceEvent.Execution.VERIFY,
        DeviceEvent.Execution.INSTALL, DeviceEvent.Execution.SELF_TEST, DeviceEvent.Execution.ACTIVATE)) {
      steps.add(summarize(step.wireName(), times -> between(times.get(key(step, DeviceEvent.Result.STARTED)),
          times.get(key(step, DeviceEvent.Result.SUCCESS)))));
    }
    return steps;
  }

  private Step summarize(String name, Function<Map<String, Instant>, Duration> span) {
    List<Duration> spans = new ArrayList<>();
    for (Map<String, Instant> times : byDevice.values()) {
      Duration d = span.apply(times);
      if (d != null) {
        spans.add(d);
      }
    }
    spans.sort(null);
    return spans.isEmpty() ? new Step(name, Duration.ZERO, Duration.ZERO, 0)
        : new Step(name, spans.get(spans.size() / 2), spans.get(spans.size() - 1), spans.size());
  }

  private static Duration between(Instant from, Instant to) {
    return from == null || to == null ? null : Duration.between(from, to);
  }

  private static String key(DeviceEvent.Execution execution, DeviceEvent.Result result) {
    return execution.wireName() + "." + result.wireName();
  }
}
