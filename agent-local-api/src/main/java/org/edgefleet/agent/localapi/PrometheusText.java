package org.edgefleet.agent.localapi;

import java.util.Map;
import java.util.TreeSet;
import org.edgefleet.agent.AgentStats;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.metrics.ModelTotals;

/**
 * The agent's own metrics in Prometheus' text format (0.0.4): predictions and errors per model
 * version from every caller, in-process or local, the active versions, the agent's counters, and
 * what the endpoint itself answered.
 */
final class PrometheusText {

  private final StringBuilder out = new StringBuilder(2048);

  private PrometheusText() {}

  static String render(EdgeAgent agent, LocalApiCounters counters) {
    PrometheusText t = new PrometheusText();
    t.family("edgefleet_agent_predictions_total", "counter", "predict calls per model version, errors included");
    for (ModelTotals m : agent.modelTotals()) {
      t.sample("edgefleet_agent_predictions_total", m.calls(), "model", m.model(), "version", String.valueOf(m.version()));
    }
    t.family("edgefleet_agent_prediction_errors_total", "counter", "predict calls that failed, per model version");
    for (ModelTotals m : agent.modelTotals()) {
      t.sample("edgefleet_agent_prediction_errors_total", m.errors(), "model", m.model(), "version",
          String.valueOf(m.version()));
    }
    t.family("edgefleet_agent_model_active_version", "gauge", "the version of each model that serves");
    for (String model : new TreeSet<>(agent.activeModels())) {
      agent.activeVersion(model).ifPresent(v -> t.sample("edgefleet_agent_model_active_version", v, "model", model));
    }
    AgentStats s = agent.stats();
    t.gauge("edgefleet_agent_connected", "1 while connected to the fleet server's broker", s.connected() ? 1 : 0);
    t.gauge("edgefleet_agent_outbox_messages", "messages waiting in the outbox for the server", s.outboxSize());
    t.counter("edgefleet_agent_outbox_dropped_total", "messages dropped because the outbox was full", s.outboxDropped());
    t.counter("edgefleet_agent_corrupt_chunks_total", "bundle chunks refused for a wrong hash", s.corruptChunks());
    t.counter("edgefleet_agent_rejected_messages_total", "server messages refused as malformed, unsigned or stale",
        s.rejectedMessages());
    t.family("edgefleet_local_api_responses_total", "counter", "responses of the local endpoint by HTTP status");
    for (Map.Entry<Integer, Long> e : counters.responses().entrySet()) {
      t.sample("edgefleet_local_api_responses_total", e.getValue(), "status", String.valueOf(e.getKey()));
    }
    t.gauge("edgefleet_local_api_connections", "connections open now", counters.open());
    t.counter("edgefleet_local_api_connections_accepted_total", "connections taken", counters.accepted());
    t.counter("edgefleet_local_api_connections_refused_total", "connections refused with 503 (localApi.maxConnections)",
        counters.refusedConnections());
    t.counter("edgefleet_local_api_request_timeouts_total", "requests that did not arrive in time (408)",
        counters.timeouts());
    return t.out.toString();
  }

  private void family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private void gauge(String name, String help, long value) {
    family(name, "gauge", help);
    sample(name, value);
  }

  private void counter(String name, String help, long value) {
    family(name, "counter", help);
    sample(name, value);
  }

  private void sample(String name, long value, String... labels) {
    out.append(name);
    if (labels.length > 0) {
      out.append('{');
      for (int i = 0; i < labels.length; i += 2) {
        out.append(i == 0 ? "" : ",").append(labels[i]).append("=\"");
        escape(labels[i + 1]);
        out.append('"');
      }
      out.append('}');
    }
    out.append(' ').append(value).append('\n');
  }

  private void escape(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }
}
