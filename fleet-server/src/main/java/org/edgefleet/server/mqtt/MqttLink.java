package org.edgefleet.server.mqtt;

import java.time.Duration;
import java.util.List;
import javax.net.SocketFactory;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.edgefleet.protocol.retry.AckWatch;
import org.edgefleet.protocol.retry.Backoff;
import org.edgefleet.server.ThreadPools;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's MQTT connection (Paho, MQTT 3.1.1). It reconnects by itself with capped exponential
 * backoff and jitter, subscribes again after every connect, and tells listeners so they can
 * re-publish what a broker restart may have lost. With a persistent session, QoS 1 device messages
 * wait at the broker while the server is away.
 *
 * <p>A QoS 1 message is acknowledged to the broker only once its handler's completion says it is
 * done with it (stored, or refused as invalid): a message whose handling fails stays
 * unacknowledged, and the broker sends it again (Moquette 0.17 after 5 s in the same session,
 * other brokers when a persistent session reconnects). Paho's manual acknowledgements go out on the
 * thread that completes the handling; an acknowledgement is only sent on the connection that
 * received the message, since packet ids start afresh with each connection.
 */
public final class MqttLink implements Publisher, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MqttLink.class);
  private static final Duration FIRST_DELAY = Duration.ofMillis(100);

  /**
   * Where and how to connect.
   *
   * @param persistentSession whether the broker keeps the server's session (subscriptions and
   *     queued QoS 1 messages) while it is away
   * @param ackTimeout how long a publish may wait for the broker's acknowledgement before it fails
   *     as lost (see {@link AckWatch})
   * @param socketFactory the sockets to connect with (TLS with the server's certificate for the
   *     embedded broker's TLS listener), or null for Paho's default
   */
  public record Options(String url, String clientId, String username, String password, List<String> subscriptions,
      int maxInflight, Duration maxReconnectDelay, boolean persistentSession, Duration ackTimeout, SocketFactory socketFactory) {}

  private final Options options;
  private final MqttAsyncClient client;
  private final Inbound inbound;
  // Packet ids of QoS 1 messages being handled on the current connection: a re-sent copy (DUP) of
  // one of them is not handled twice, and its one acknowledgement cannot free an id the broker reused.
  private final Set<Integer> handling = ConcurrentHashMap.newKeySet();
  private volatile int connection;
  private final ScheduledExecutorService scheduler = ThreadPools.scheduled("fleet-mqtt-timer");
  private final List<Runnable> connectListeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();
  private final AckWatch acks;
  private final Backoff backoff;
  private int attempts;
  private volatile boolean closed;

  /** What the link hands every message on its subscriptions to. */
  @FunctionalInterface
  public interface Inbound {
    /**
     * Called on Paho's thread; it may block briefly to push back, since that stops Paho reading more.
     *
     * @return completes normally once the message may be acknowledged (stored, or refused for good),
     *     exceptionally when the broker should send it again
     */
    CompletionStage<?> arrived(String topic, byte[] payload);
  }

  public MqttLink(Options options, Inbound inbound) throws MqttException {
    this.options = options;
    this.inbound = inbound;
    this.client = new MqttAsyncClient(options.url(), options.clientId(), new MemoryPersistence());
    this.acks = new AckWatch(options.ackTimeout(), scheduler);
    this.backoff = new Backoff(FIRST_DELAY, options.maxReconnectDelay().compareTo(FIRST_DELAY) < 0 ? FIRST_DELAY
        : options.maxReconnectDelay());
    client.setCallback(new Callback());
    client.setManualAcks(true);
  }

  /** Starts connecting; the future completes at the first successful connect and subscribe. */
  public CompletableFuture<Void> start() {
    scheduler.execute(this::attempt);
    return firstConnect;
  }

  /** Runs after every (re)connect, once subscriptions are in place. */
  public void onConnected(Runnable listener) {
    connectListeners.add(listener);
  }

  public boolean isConnected() {
    return client.isConnected();
  }

  /**
   * Publishes; the future fails when the broker refuses, the connection ends, or no acknowledgement
   * comes within the ack timeout. A broker that drops publishes without answering holds their
   * in-flight slots until the connection ends, so when a quarter of the window is held so the link
   * reconnects (with a clean session the lost publishes are gone; a device asks again for a chunk).
   */
  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retained) {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    try {
      client.publish(topic, payload, qos, retained, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          acked.complete(null);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          acked.completeExceptionally(e);
        }
      });
    } catch (MqttException | RuntimeException e) {
      acked.completeExceptionally(e);
      return acked;
    }
    if (qos == 0) {
      return acked; // Paho completes it once written: nothing to wait for
    }
    CompletableFuture<Void> watched = acks.watch(acked, "publish to " + topic);
    watched.whenComplete((v, e) -> {
      if (e instanceof TimeoutException) {
        renewIfAcksLost();
      }
    });
    return watched;
  }

  /** Publishes that missed the ack timeout since start. */
  public long acksLost() {
    return acks.late();
  }

  private void renewIfAcksLost() {
    int held = acks.overdue();
    if (held < Math.max(1, options.maxInflight() / 4) || closed) {
      return;
    }
    LOG.warn("event=mqtt_acks_lost url={} held_slots={} max_inflight={} action=reconnect", options.url(), held, options.maxInflight());
    scheduler.execute(() -> {
      // Another timeout may have renewed it already: only a link still holding the slots reconnects.
      if (acks.overdue() >= Math.max(1, options.maxInflight() / 4) && client.isConnected()) {
        disconnectAndRetry("acknowledgements lost");
      }
    });
  }

  private MqttConnectOptions connectOptions() {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(!options.persistentSession());
    o.setAutomaticReconnect(false);
    o.setKeepAliveInterval(30);
    o.setConnectionTimeout(10);
    o.setMaxInflight(options.maxInflight());
    if (options.socketFactory() != null) {
      o.setSocketFactory(options.socketFactory());
    }
    if (options.username() != null) {
      o.setUserName(options.username());
    }
    if (options.password() != null) {
      o.setPassword(options.password().toCharArray());
    }
    return o;
  }

  private void attempt() {
    if (closed || client.isConnected()) {
      return;
    }
    try {
      client.connect(connectOptions(), null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          newConnection(); // before a persistent session's queued messages arrive
          subscribe();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          retryLater("connect failed: " + e.getMessage());
        }
      });
    } catch (MqttException e) {
      retryLater("connect failed: " + e.getMessage());
    }
  }

  private void subscribe() {
    List<String> subs = options.subscriptions();
    int[] qos = subs.stream().mapToInt(s -> 1).toArray();
    try {
      client.subscribe(subs.toArray(new String[0]), qos, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          for (int granted : token.getGrantedQos()) {
            if (granted == 0x80) {
              LOG.error("event=mqtt_subscribe_refused url={} filters={} fix=\"allow the server's user to read {}\"",
                  options.url(), subs, subs);
              disconnectAndRetry("subscription refused");
              return;
            }
          }
          connected();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          LOG.warn("event=mqtt_subscribe_failed reason=\"{}\"", e.getMessage());
          disconnectAndRetry("subscription failed");
        }
      });
    } catch (MqttException e) {
      disconnectAndRetry("subscription failed");
    }
  }

  private void connected() {
    synchronized (this) {
      attempts = 0;
    }
    LOG.debug("event=mqtt_connected url={}", options.url());
    firstConnect.complete(null);
    for (Runnable l : connectListeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        LOG.warn("event=mqtt_connect_listener_failed reason=\"{}\"", e.toString());
      }
    }
  }

  private void disconnectAndRetry(String why) {
    try {
      client.disconnectForcibly(0, 1000, false);
    } catch (MqttException ignored) {
      // Already down: the retry below reconnects either way.
    }
    retryLater(why);
  }

  private void retryLater(String why) {
    if (closed) {
      return;
    }
    long delay;
    synchronized (this) {
      delay = backoff.delayMillis(attempts++, ThreadLocalRandom.current().nextDouble());
    }
    LOG.debug("event=mqtt_retry delay_ms={} reason=\"{}\"", delay, why);
    scheduler.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
  }

  // Ids restart with each connection: what was being handled on the previous one is no longer answered there.
  private void newConnection() {
    synchronized (handling) {
      connection++;
      handling.clear();
    }
  }

  private void handled(int id, int qos, int on, String topic, Throwable failure) {
    synchronized (handling) {
      if (on != connection || !handling.remove(id)) {
        return; // the connection that carried it has ended: the broker sends it again or has dropped it
      }
    }
    if (failure != null) {
      LOG.debug("event=inbound_not_acknowledged topic={} reason=\"{}\"", topic, failure.toString());
      return;
    }
    try {
      client.messageArrivedComplete(id, qos);
    } catch (MqttException e) {
      LOG.debug("event=inbound_ack_failed topic={} reason=\"{}\"", topic, e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    try {
      if (client.isConnected()) {
        client.disconnect(1000).waitForCompletion(2000);
      }
    } catch (MqttException e) {
      LOG.debug("event=mqtt_disconnect_failed reason=\"{}\"", e.getMessage());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      LOG.debug("event=mqtt_close_failed reason=\"{}\"", e.getMessage());
    }
  }

  private final class Callback implements MqttCallback {
    @Override
    public void connectionLost(Throwable cause) {
      newConnection();
      LOG.warn("event=mqtt_connection_lost url={} reason=\"{}\"", options.url(), cause == null ? "" : cause.getMessage());
      retryLater("connection lost");
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      int id = message.getId();
      int qos = message.getQos();
      if (qos > 0 && !handling.add(id)) {
        return; // the broker re-sent a message still being handled: that one's acknowledgement answers both
      }
      int on = connection;
      CompletionStage<?> done;
      // An exception here would make Paho drop the connection: one bad message must not do that.
      try {
        done = inbound.arrived(topic, message.getPayload());
      } catch (RuntimeException e) {
        LOG.warn("event=inbound_handler_failed topic={} reason=\"{}\"", topic, e.toString());
        // Acknowledged and dropped: sent again, a message that makes the handler throw would come back for good.
        done = CompletableFuture.completedFuture(null);
      }
      if (qos > 0) {
        done.whenComplete((v, e) -> handled(id, qos, on, topic, e));
      }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // Completion is reported per publish through its action listener.
    }
  }
}
