package org.edgefleet.agent.transport;

import java.util.concurrent.ScheduledExecutorService;
import org.edgefleet.agent.AgentConfig;

/**
 * Creates an agent's transport, so the core names no transport class: the MQTT one of
 * agent-mqtt on Linux, another on a platform that wants one. Called once, when the agent is built.
 */
public interface TransportFactory {

  /**
   * @param config the agent's settings, the transport's own among them
   * @param scheduler the agent's scheduler, for the transport's timers (reconnects, pings); the
   *     transport must not shut it down
   * @throws IllegalArgumentException when a setting of the transport is invalid, naming it
   */
  Transport create(AgentConfig config, ScheduledExecutorService scheduler);
}
