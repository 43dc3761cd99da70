package org.edgefleet.server.broker;

import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptConnectMessage;
import io.moquette.interception.messages.InterceptConnectionLostMessage;
import io.moquette.interception.messages.InterceptDisconnectMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Which client ids hold a connection to the embedded broker, so that a second CONNECT with an id
 * in use is refused at login instead of taking the session over.
 *
 * <p>Why refuse rather than let the newer connection win as MQTT says: Moquette 0.17's takeover
 * path purges the old session and releases the payloads of its in-flight messages while the old
 * connection is still open, and does not check, for a PUBACK that connection had already sent,
 * whether the session is still bound to it: that PUBACK then releases a released buffer, the
 * session loop ends on the {@code IllegalReferenceCountException}, and every client of that loop
 * stops being served. A connection that ends the normal way (DISCONNECT, socket closed, keep-alive
 * expired) goes through Moquette's connection-lost path, which is safe; after it the id is free.
 *
 * <p>An id is claimed at login (before Moquette creates or reopens the session), confirmed by the
 * broker's connect event and freed by its disconnect and connection-lost events. A claim that was
 * never confirmed (the CONNACK could not be sent) expires after {@link #UNCONFIRMED_MILLIS}. The
 * broker's events arrive asynchronously, so a confirmed claim is checked against the broker's live
 * connections (sessions connected on an open channel, see {@link LiveConnections}) before a login
 * is refused: a lost event, or a session Moquette left connected on a closed channel, can never
 * lock a device out. The
 * other way round, the connection-lost event of a connection that was replaced can arrive after
 * its successor's connect event and free the successor's claim; so for a while after an id was
 * freed ({@link #RECHECK_MILLIS}), a login with it is checked against the live connections too.
 */
final class ClientIdClaims extends AbstractInterceptHandler {

  static final long UNCONFIRMED_MILLIS = 15_000;
  static final long RECHECK_MILLIS = 30_000;
  private static final int MAX_FREED = 100_000;
  private static final long CONFIRMED = Long.MAX_VALUE;

  // client id -> time the claim expires (CONFIRMED: held by a live connection)
  private final Map<String, Long> claims = new ConcurrentHashMap<>();
  // client id -> when its claim was last freed by a disconnect or connection-lost event
  private final Map<String, Long> freed = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final LongSupplier clockMillis;
  private volatile Predicate<String> connected = id -> true;

  ClientIdClaims(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  /** Where to ask whether a client id really holds a connection (the running broker). */
  void checkConnectionsWith(Predicate<String> isConnected) {
    this.connected = isConnected;
  }

  /** Claims {@code clientId} for a connection logging in now; false (and counted) when it is in use. */
  boolean claim(String clientId) {
    long now = clockMillis.getAsLong();
    boolean[] taken = {false};
    claims.compute(clientId, (id, until) -> {
      if (until != null && until > now && (until != CONFIRMED || connected.test(id))) {
        taken[0] = true;
        return until;
      }
      Long freedAt = freed.get(id);
      if (until == null && freedAt != null && now - freedAt < RECHECK_MILLIS && connected.test(id)) {
        taken[0] = true; // a stale event freed the claim of a live connection
        return CONFIRMED;
      }
      return now + UNCONFIRMED_MILLIS;
    });
    if (taken[0]) {
      refused.incrementAndGet();
    }
    return !taken[0];
  }

  /** Logins refused because their client id was connected already. */
  long refusedTakeovers() {
    return refused.get();
  }

  /** Forgets every claim: the broker restarted and no connection survived. */
  void clear() {
    claims.clear();
    freed.clear();
  }

  @Override
  public String getID() {
    return "fleet-client-id-claims";
  }

  @Override
  public Class<?>[] getInterceptedMessageTypes() {
    return new Class<?>[] {InterceptConnectMessage.class, InterceptDisconnectMessage.class,
        InterceptConnectionLostMessage.class};
  }

  @Override
  public void onConnect(InterceptConnectMessage msg) {
    claims.put(msg.getClientID(), CONFIRMED);
  }

  @Override
  public void onDisconnect(InterceptDisconnectMessage msg) {
    free(msg.getClientID());
  }

  @Override
  public void onConnectionLost(InterceptConnectionLostMessage msg) {
    free(msg.getClientID());
  }

  private void free(String clientId) {
    claims.remove(clientId);
    long now = clockMillis.getAsLong();
    if (freed.size() >= MAX_FREED) {
      freed.values().removeIf(at -> now - at >= RECHECK_MILLIS);
    }
    freed.put(clientId, now);
  }

  @Override
  public void onSessionLoopError(Throwable error) {
    // SessionLoopWatch acts on it: the broker restarts, which clears the claims.
  }
}
