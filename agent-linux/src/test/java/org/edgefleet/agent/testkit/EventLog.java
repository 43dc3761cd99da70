package org.edgefleet.agent.testkit;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.edgefleet.agent.AgentListener;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;

/** Records what an agent tells its listeners. */
public final class EventLog implements AgentListener {

  private final List<DeviceEvent> events = new CopyOnWriteArrayList<>();
  private final List<String> activations = new CopyOnWriteArrayList<>();
  private final List<Boolean> connections = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(DeviceEvent event) {
    events.add(event);
  }

  @Override
  public void onActivated(String model, int version) {
    activations.add(model + "@" + version);
  }

  @Override
  public void onConnectionChanged(boolean connected) {
    connections.add(connected);
  }

  public List<DeviceEvent> events() {
    return List.copyOf(events);
  }

  public List<String> activations() {
    return List.copyOf(activations);
  }

  public List<Boolean> connections() {
    return List.copyOf(connections);
  }

  public boolean has(String model, int version, Execution step, Result result) {
    return events.stream().anyMatch(e -> e.model().equals(model) && e.version() == version
        && e.execution() == step && e.result() == result);
  }

  public Optional<DeviceEvent> failure(String model, int version) {
    return events.stream().filter(e -> e.model().equals(model) && e.version() == version && e.result() == Result.FAILURE)
        .findFirst();
  }
}
