package org.edgefleet.agent.transport;

import org.edgefleet.protocol.retry.Backoff;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 3.1.1 over Paho with a retained last will and its own reconnect loop with {@link Backoff}
 * (Paho's automatic reconnect has a fixed schedule without jitter).
 *
 * <p>The connection lifecycle is the explicit machine of {@link State}. Each attempt runs on a
 * fresh {@link PahoConnection}, and an event of any connection other than the current one is
 * ignored, so no late callback can act twice or on the wrong attempt. Every failure in
 * CONNECTING, SUBSCRIBING or CONNECTED (refused, timed out, dropped) releases that connection
 * and schedules exactly one next attempt after the backoff; CONNECTING and SUBSCRIBING also end
 * by timeout, so no state waits forever on a broker that never answers. {@link #close()} in any
 * state cancels what is scheduled and releases the connection with all of its threads.
 * Keep-alive pings and retries run on the shared scheduler.
 */
public final class MqttTransport implements Transport {

  /** Where the connection lifecycle is; every transition happens under the transport's lock. */
  public enum State {
    /** Not connected; the next attempt is scheduled (or the transport is not started yet). */
    DISCONNECTED,
    /** CONNECT sent, waiting for CONNACK. */
    CONNECTING,
    /** CONNACK received, waiting for SUBACK of every registered filter. */
    SUBSCRIBING,
    /** Connected with every subscription in place: publishing works. */
    CONNECTED,
    /** Closed for good: nothing is scheduled and no thread of the transport runs. */
    CLOSED
  }

  private static final Logger log = LoggerFactory.getLogger(MqttTransport.class);
  private static final int SUBSCRIBE_FAILED = 0x80;

  private final MqttSettings settings;
  private final ScheduledExecutorService scheduler;
  private final List<String> filters = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private final Events events = new Events();

  // Guarded by lock.
  private State state = State.DISCONNECTED;
  private volatile PahoConnection current;
  private TransportListener listener;
  private int failures;
  private ScheduledFuture<?> pending;
  private volatile boolean connected;

  public MqttTransport(MqttSettings settings, ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.scheduler = scheduler;
  }

  @Override
  public void subscribe(String topicFilter) {
    filters.add(topicFilter);
  }

  @Override
  public void start(TransportListener transportListener) {
    synchronized (lock) {
      if (listener != null || state == State.CLOSED) {
        throw new IllegalStateException("transport " + settings.clientId() + " already started or closed");
      }
      listener = transportListener;
      schedule(this::attempt, 0);
    }
  }

  /** Where the lifecycle is now. */
  public State state() {
    synchronized (lock) {
      return state;
    }
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload, boolean retained) {
    PahoConnection c = connectedOrNull();
    if (c == null) {
      CompletableFuture<Void> notSent = new CompletableFuture<>();
      notSent.completeExceptionally(new IOException("not connected to " + settings.serverUri()));
      return notSent;
    }
    return c.publish(topic, payload, retained);
  }

  @Override
  public CompletableFuture<Void> subscribeForNow(String topicFilter) {
    PahoConnection c = connectedOrNull();
    if (c == null) {
      CompletableFuture<Void> refused = new CompletableFuture<>();
      refused.completeExceptionally(new IOException("not connected to " + settings.serverUri()));
      return refused;
    }
    return c.subscribeForNow(topicFilter);
  }

  @Override
  public void unsubscribe(String topicFilter) {
    PahoConnection c = connectedOrNull();
    if (c != null) {
      c.unsubscribe(topicFilter);
    }
  }

  private PahoConnection connectedOrNull() {
    synchronized (lock) {
      return state == State.CONNECTED ? current : null;
    }
  }

  @Override
  public void close() {
    PahoConnection c;
    boolean graceful;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      graceful = state == State.CONNECTED;
      enter(State.CLOSED);
      cancelPending();
      c = current;
      current = null;
    }
    if (c != null) {
      c.release(graceful).join();
    }
  }

  // A persistent session's store on disk is locked by the connection that used it: wait for its
  // release without holding the shared scheduler.
  private void attemptOnce(CompletableFuture<Void> released) {
    if (released.isDone()) {
      attempt();
      return;
    }
    synchronized (lock) {
      if (state == State.DISCONNECTED) {
        schedule(() -> attemptOnce(released), 50);
      }
    }
  }

  // DISCONNECTED -> CONNECTING, on the scheduler.
  private void attempt() {
    PahoConnection c;
    synchronized (lock) {
      if (state != State.DISCONNECTED) {
        return;
      }
      pending = null; // this is the pending task
      try {
        c = new PahoConnection(settings, scheduler, events);
      } catch (MqttException | IOException | RuntimeException e) {
        fail(null, e);
        return;
      }
      current = c;
      enter(State.CONNECTING);
      schedule(() -> timeout(c, State.CONNECTING), settings.connectTimeout().toMillis() + 1000);
    }
    c.connect();
  }

  private void timeout(PahoConnection c, State stuckIn) {
    fail(c, new TimeoutException("no answer from " + settings.serverUri() + " in state " + stuckIn + " within "
        + settings.connectTimeout().getSeconds() + " s"), stuckIn);
  }

  private void fail(PahoConnection c, Throwable cause) {
    fail(c, cause, null);
  }

  /**
   * Any failure of connection {@code c} (or of creating one, {@code c == null}): release it and
   * schedule the one next attempt. With {@code onlyIn}, only if the machine is still in that state.
   */
  private void fail(PahoConnection c, Throwable cause, State onlyIn) {
    State was;
    long delay;
    synchronized (lock) {
      was = state;
      boolean live = c == current && (was == State.CONNECTING || was == State.SUBSCRIBING || was == State.CONNECTED);
      boolean creating = c == null && was == State.DISCONNECTED && pending == null;
      if (!(live || creating) || (onlyIn != null && was != onlyIn)) {
        return; // a stale event of an earlier connection, or already handled
      }
      current = null;
      enter(State.DISCONNECTED);
      cancelPending();
      delay = settings.backoff().delayMillis(failures++, ThreadLocalRandom.current().nextDouble());
      CompletableFuture<Void> released = c == null ? CompletableFuture.completedFuture(null) : c.release(false);
      schedule(() -> attemptOnce(released), delay);
    }
    log.debug("event=mqtt_attempt_failed client={} broker={} state={} retry_in_ms={} reason=\"{}\"", settings.clientId(),
        settings.serverUri(), was, delay, cause == null ? "unknown" : cause.getMessage());
    if (was == State.CONNECTED) {
      log.info("event=mqtt_connection_lost client={} reason=\"{}\" retry_in_ms={}", settings.clientId(),
          cause == null ? "unknown" : cause.getMessage(), delay);
    }
    listener.onConnectionLost(cause);
  }

  private void enter(State next) {
    state = next;
    connected = next == State.CONNECTED;
  }

  private void cancelPending() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }

  // Under lock. One task at a time: the next attempt, or the timeout of the current state.
  private void schedule(Runnable task, long delayMillis) {
    cancelPending();
    try {
      pending = scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.warn("event=mqtt_reconnect_impossible cause=scheduler_shut_down client={}", settings.clientId());
    }
  }

  // Under lock: CONNECTING or SUBSCRIBING -> CONNECTED.
  private void up() {
    cancelPending();
    enter(State.CONNECTED);
    failures = 0;
  }

  @Override
  public String toString() {
    return settings.serverUri();
  }

  private final class Events implements PahoConnection.Events {

    // CONNECTING -> SUBSCRIBING. A session the broker lost (restart without persistence) has no
    // subscriptions: subscribe on every connect, and report the connection only once they are in
    // place, so nothing the agent asks for right after onConnected can be answered into the void.
    @Override
    public void connected(PahoConnection c) {
      String[] topics;
      synchronized (lock) {
        if (c != current || state != State.CONNECTING) {
          c.release(false); // answered after the transport moved on (closed meanwhile)
          return;
        }
        if (!filters.isEmpty()) {
          enter(State.SUBSCRIBING);
          schedule(() -> timeout(c, State.SUBSCRIBING), settings.connectTimeout().toMillis() + 1000);
          topics = filters.toArray(new String[0]);
        } else {
          up();
          topics = null;
        }
      }
      if (topics != null) {
        c.subscribe(topics);
      } else {
        reportUp();
      }
    }

    // SUBSCRIBING -> CONNECTED.
    @Override
    public void subscribed(PahoConnection c, int[] grantedQos) {
      for (int granted : grantedQos) {
        if (granted == SUBSCRIBE_FAILED) {
          fail(c, new IOException("broker refused a subscription of " + filters));
          return;
        }
      }
      synchronized (lock) {
        if (c != current || state != State.SUBSCRIBING) {
          return;
        }
        up();
      }
      reportUp();
    }

    @Override
    public void failed(PahoConnection c, Throwable cause) {
      fail(c, cause);
    }

    @Override
    public void message(PahoConnection c, String topic, byte[] payload) {
      if (c == current) {
        listener.onMessage(topic, payload);
      }
    }

    private void reportUp() {
      log.debug("event=mqtt_connected client={} broker={}", settings.clientId(), settings.serverUri());
      listener.onConnected();
    }
  }
}
