package org.edgefleet.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.edgefleet.agent.loop.AgentLoop;
import org.edgefleet.agent.transport.Transport;
import org.edgefleet.agent.update.SlotStore;
import org.edgefleet.agent.update.UpdateManager;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.message.ReportedState.Capabilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the retained reported state after every connect and every change. It bypasses the
 * outbox on purpose: only the latest report matters, and the retained message keeps it at the
 * broker, so a report made while offline is simply made again (from fresh state) on reconnect.
 * Changes within one loop task are coalesced into one publish. Runs on the agent loop.
 */
final class Reporter {

  private static final Logger log = LoggerFactory.getLogger(Reporter.class);

  private final AgentConfig config;
  private final String topic;
  private final Transport transport;
  private final AgentLoop loop;
  private final Clock clock;
  private final UpdateManager updates;
  private final List<String> formats;
  private boolean pending;

  /** {@code formats}: the engines the agent was built with, which is what it can run. */
  Reporter(AgentConfig config, String topic, Transport transport, AgentLoop loop, Clock clock, UpdateManager updates,
      List<String> formats) {
    this.config = config;
    this.topic = topic;
    this.transport = transport;
    this.loop = loop;
    this.clock = clock;
    this.updates = updates;
    this.formats = List.copyOf(formats);
  }

  /** Something changed: publish once the current task is done. */
  void changed() {
    if (!pending) {
      pending = true;
      loop.execute(this::publish);
    }
  }

  void publish() {
    pending = false;
    if (!transport.isConnected()) {
      return;
    }
    ReportedState report;
    try {
      report = build();
    } catch (IOException | RuntimeException e) {
      log.error("event=reported_state_failed device={} reason=\"{}\"", config.deviceId(), e.getMessage());
      return;
    }
    transport.publish(topic, MessageCodec.encode(report), true).whenComplete((ok, e) -> {
      if (e != null) {
        log.debug("event=reported_state_unacknowledged device={} reason=\"{}\" action=resend_on_reconnect", config.deviceId(), e.getMessage());
      }
    });
  }

  ReportedState build() throws IOException {
    SlotStore slots = updates.slots();
    Map<String, String> states = updates.modelStates();
    TreeSet<String> names = new TreeSet<>(slots.models());
    names.addAll(states.keySet());
    List<ReportedState.ModelStatus> models = new ArrayList<>();
    for (String name : names) {
      var active = slots.active(name);
      List<ReportedState.SlotStatus> installed = new ArrayList<>();
      for (SlotStore.SlotInfo s : slots.slots(name).values()) {
        installed.add(new ReportedState.SlotStatus(s.slot(), s.version(), s.bundle().digest()));
      }
      models.add(new ReportedState.ModelStatus(name, active.map(SlotStore.ActiveSlot::version).orElse(null),
          active.map(SlotStore.ActiveSlot::slot).orElse(null), installed, states.getOrDefault(name, "idle")));
    }
    return new ReportedState(MessageCodec.VERSION, config.deviceId(), config.agentVersion(), config.labels(),
        updates.state().appliedRevision(), models, updates.state().lastError(), clock.instant(), capabilities(),
        updates.keySetVersion());
  }

  private Capabilities capabilities() throws IOException {
    long free = Files.getFileStore(config.dataDir()).getUsableSpace();
    return new Capabilities(config.platform().toString(), formats, config.bundleLimits().maxBundleBytes(), free);
  }
}
