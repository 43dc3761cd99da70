package org.edgefleet.server.broker;

import io.moquette.broker.Server;
import io.netty.channel.Channel;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a client id holds a live connection to a running Moquette 0.17 broker: a session that
 * the broker counts as connected <em>and</em> whose channel is still open.
 *
 * <p>Why the channel too: Moquette sends CONNACK from the session loop and adds the listener that
 * marks the connection established only after {@code writeAndFlush} returned. When that thread is
 * descheduled in between (a loaded machine), the client's SUBSCRIBE can arrive first; the broker
 * then drops the connection as "already closed", its connection-lost path finds the session not
 * yet connected and leaves it, and the late listener marks the session connected on the closed
 * channel. {@link Server#listConnectedClients()} lists that session for good (no keep-alive timer
 * runs on a closed channel), so a check by that list alone would refuse the device's every
 * reconnect as a takeover. A session on a closed channel is replaced safely by Moquette's reopen
 * path: nothing can arrive from the old connection any more.
 *
 * <p>Moquette exposes neither the session nor its channel, so this reads them by reflection on
 * the pinned version; {@code LiveConnectionsTest} fails when an upgrade moves them. If they cannot
 * be read, it falls back to the list of connected clients and says so once in the log.
 */
final class LiveConnections {

  private static final Logger LOG = LoggerFactory.getLogger(LiveConnections.class);

  private final Field sessions;
  private final Method retrieve;
  private final Field connection;
  private final Field channel;

  private LiveConnections(Field sessions, Method retrieve, Field connection, Field channel) {
    this.sessions = sessions;
    this.retrieve = retrieve;
    this.connection = connection;
    this.channel = channel;
  }

  /** The check for Moquette's classes on the class path; the list alone when they are not as expected. */
  static LiveConnections forMoquette() {
    try {
      Field sessions = accessible(Server.class.getDeclaredField("sessions"));
      Class<?> registry = Class.forName("io.moquette.broker.SessionRegistry");
      Method retrieve = registry.getDeclaredMethod("retrieve", String.class);
      retrieve.setAccessible(true);
      Class<?> session = Class.forName("io.moquette.broker.Session");
      Field connection = accessible(session.getDeclaredField("mqttConnection"));
      Field channel = accessible(Class.forName("io.moquette.broker.MQTTConnection").getDeclaredField("channel"));
      return new LiveConnections(sessions, retrieve, connection, channel);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("event=broker_liveness_check_unavailable fallback=connected_clients_list reason=\"{}\"", e.toString());
      return new LiveConnections(null, null, null, null);
    }
  }

  private static Field accessible(Field f) {
    f.setAccessible(true);
    return f;
  }

  /** Whether the channel is checked too, or only the broker's list (Moquette's internals unreadable). */
  boolean checksChannels() {
    return sessions != null;
  }

  /** True when {@code clientId} is connected on {@code broker} through an open channel. */
  boolean isLive(Server broker, String clientId) {
    if (!listed(broker, clientId)) {
      return false;
    }
    if (sessions == null) {
      return true;
    }
    try {
      Object session = retrieve.invoke(sessions.get(broker), clientId);
      Object conn = session == null ? null : connection.get(session);
      Object ch = conn == null ? null : channel.get(conn);
      return ch instanceof Channel c && c.isActive();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true; // unreadable: as listed, so a takeover is never let through by mistake
    }
  }

  /** The broker's own view: a session in state connected, whether or not its channel is open. */
  static boolean listed(Server broker, String clientId) {
    return broker.listConnectedClients().stream().anyMatch(c -> clientId.equals(c.getClientID()));
  }
}
