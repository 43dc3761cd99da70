package org.edgefleet.agent.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;
import org.edgefleet.protocol.retry.AckWatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection attempt of {@link MqttTransport}: a Paho client with its own threads, used from
 * CONNECT to the end of that connection and then released as a whole. A fresh one per attempt
 * means no callback of an earlier connection can act on a later one, and a release ends every
 * thread Paho started for it (they run on this connection's own executor of daemon threads).
 */
final class PahoConnection {

  private static final Logger log = LoggerFactory.getLogger(PahoConnection.class);
  private static final int QOS = 1;
  private static final int SUBSCRIBE_FAILED = 0x80;
  // Paho's receiver, sender, callback and connect threads, and one for a graceful disconnect.
  private static final int PAHO_THREADS = 5;
  private static final AtomicInteger SERIAL = new AtomicInteger();
  private static final Duration MIN_ACK_DEADLINE = Duration.ofSeconds(10);

  /** What the connection reports; called on Paho's threads. */
  interface Events {
    void connected(PahoConnection c);

    void subscribed(PahoConnection c, int[] grantedQos);

    void failed(PahoConnection c, Throwable cause);

    void message(PahoConnection c, String topic, byte[] payload);
  }

  private final MqttSettings settings;
  private final ScheduledThreadPoolExecutor threads;
  private final MqttAsyncClient client;
  private final Events events;
  private final int serial = SERIAL.incrementAndGet();
  private final ConnectGuardSocketFactory sockets = new ConnectGuardSocketFactory();
  private final AckWatch acks;
  private volatile boolean connectAnswered;

  PahoConnection(MqttSettings settings, ScheduledExecutorService pingScheduler, Events events) throws MqttException, IOException {
    this.settings = settings;
    this.events = events;
    this.threads = new ScheduledThreadPoolExecutor(PAHO_THREADS, r -> {
      Thread t = new Thread(r, "mqtt-" + settings.clientId() + "-" + serial);
      t.setDaemon(true);
      return t;
    });
    try {
      this.client = new MqttAsyncClient(settings.serverUri(), settings.clientId(), persistence(settings),
          new ScheduledExecutorPingSender(pingScheduler), threads);
    } catch (MqttException | IOException | RuntimeException e) {
      threads.shutdownNow();
      throw e;
    }
    client.setCallback(new Callback());
    threads.setRemoveOnCancelPolicy(true); // an answered publish drops its deadline at once
    this.acks = new AckWatch(ackDeadline(settings), threads);
  }

  // A clean session keeps nothing across connections (the outbox re-sends what was not
  // acknowledged), so only a persistent session needs Paho's store on disk.
  private static MqttClientPersistence persistence(MqttSettings settings) throws IOException {
    if (!settings.persistentSession()) {
      return new MemoryPersistence();
    }
    Files.createDirectories(settings.persistenceDir());
    return new MqttDefaultFilePersistence(settings.persistenceDir().toString());
  }

  void connect() {
    try {
      client.connect(options(), null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          connectAnswered = true;
          events.connected(PahoConnection.this);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          connectAnswered = true;
          events.failed(PahoConnection.this, e);
        }
      });
    } catch (MqttException | RuntimeException e) {
      connectAnswered = true;
      events.failed(this, e);
    }
  }

  void subscribe(String[] filters) {
    int[] qos = new int[filters.length];
    Arrays.fill(qos, QOS);
    try {
      client.subscribe(filters, qos, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          events.subscribed(PahoConnection.this, token.getGrantedQos());
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          events.failed(PahoConnection.this, e);
        }
      });
    } catch (MqttException | RuntimeException e) {
      events.failed(this, e);
    }
  }

  /**
   * Subscribes one filter at QoS 1 beside the standing ones (a bundle broadcast). QoS 1, not 0:
   * Moquette drops a QoS 0 publication whenever the subscriber's socket is behind, which under
   * load would turn the broadcast into per-device repairs. Completes when granted; fails when the
   * broker refuses (0x80) or the connection ends.
   */
  CompletableFuture<Void> subscribeForNow(String filter) {
    CompletableFuture<Void> granted = new CompletableFuture<>();
    try {
      client.subscribe(filter, QOS, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          int[] qos = token.getGrantedQos();
          if (qos.length == 1 && qos[0] == SUBSCRIBE_FAILED) {
            granted.completeExceptionally(new IOException("broker refused the subscription of " + filter));
          } else {
            granted.complete(null);
          }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          granted.completeExceptionally(e);
        }
      });
    } catch (MqttException | RuntimeException e) {
      granted.completeExceptionally(e);
    }
    return granted;
  }

  /** Ends a subscription made with {@link #subscribeForNow}; a failure only means the connection is gone with it. */
  void unsubscribe(String filter) {
    try {
      client.unsubscribe(filter);
    } catch (MqttException | RuntimeException e) {
      log.debug("event=mqtt_unsubscribe_failed filter={} reason=\"{}\"", filter, e.getMessage());
    }
  }

  /**
   * Publishes at QoS 1; the future fails when the connection ends or no acknowledgement comes
   * within the ack deadline. A broker that drops publishes without answering holds their in-flight
   * slots until the connection ends, so with a quarter of the window held so this connection
   * reports itself failed and the transport connects afresh (the outbox re-sends what was lost).
   */
  CompletableFuture<Void> publish(String topic, byte[] payload, boolean retained) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      client.publish(topic, payload, QOS, retained, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          done.complete(null);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          done.completeExceptionally(e);
        }
      });
    } catch (MqttException | RuntimeException e) {
      done.completeExceptionally(e);
      return done;
    }
    CompletableFuture<Void> watched = acks.watch(done, "publish to " + topic);
    watched.whenComplete((v, e) -> {
      int held = acks.overdue();
      if (e instanceof TimeoutException && held >= Math.max(1, settings.maxInflight() / 4)) {
        events.failed(this, new IOException(held + " publishes unacknowledged for " + ackDeadline(settings).getSeconds()
            + " s: renewing the connection"));
      }
    });
    return watched;
  }

  // A live broker answers a PINGREQ within one keep-alive: a publish unanswered for two is lost.
  static Duration ackDeadline(MqttSettings settings) {
    Duration twoKeepAlives = settings.keepAlive().multipliedBy(2);
    return twoKeepAlives.compareTo(MIN_ACK_DEADLINE) < 0 ? MIN_ACK_DEADLINE : twoKeepAlives;
  }

  private MqttConnectOptions options() {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(!settings.persistentSession());
    o.setAutomaticReconnect(false);
    o.setMaxInflight(settings.maxInflight());
    o.setKeepAliveInterval((int) Math.max(1, settings.keepAlive().getSeconds()));
    o.setConnectionTimeout((int) Math.max(1, settings.connectTimeout().getSeconds()));
    if (settings.serverUri().startsWith("tcp://")) {
      o.setSocketFactory(sockets);
    } else if (settings.tlsSockets() != null) {
      // Paho connects a plain socket and layers TLS on it with this factory; the handshake runs
      // before its threads start, so the guard above is not needed for the race it closes.
      o.setSocketFactory(settings.tlsSockets());
    }
    if (settings.username() != null) {
      o.setUserName(settings.username());
      o.setPassword(settings.password().toCharArray());
    }
    if (settings.willTopic() != null) {
      o.setWill(settings.willTopic(), settings.willPayload(), QOS, true);
    }
    return o;
  }

  /**
   * Ends the connection and every thread of it, on a thread of its own (it may wait), and
   * completes when done. {@code graceful} sends DISCONNECT first (the broker then does not
   * publish the last will); otherwise the socket is just closed.
   */
  CompletableFuture<Void> release(boolean graceful) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        awaitConnectStartedUp();
        shutDown(graceful);
      } finally {
        done.complete(null);
      }
    }, "mqtt-release-" + settings.clientId() + "-" + serial);
    t.setDaemon(true);
    t.start();
    return done;
  }

  // Stopping Paho while its connect thread starts the receiver and sender leaves that thread
  // polling forever (see ConnectGuardSocketFactory): wait until it is past that point, or has
  // ended by failing, for at most the connect timeout.
  private void awaitConnectStartedUp() {
    long deadline = System.nanoTime() + settings.connectTimeout().toNanos() + 1_000_000_000L;
    try {
      while (!sockets.settled() && !connectAnswered && System.nanoTime() < deadline) {
        sockets.awaitSettled(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void shutDown(boolean graceful) {
    try {
      if (graceful && client.isConnected()) {
        client.disconnect(500).waitForCompletion(2000);
      } else {
        client.disconnectForcibly(0, 1000, false);
      }
    } catch (MqttException | RuntimeException e) {
      log.debug("event=mqtt_disconnect_failed client={} reason=\"{}\"", settings.clientId(), e.getMessage());
    }
    try {
      client.close(true);
    } catch (MqttException | RuntimeException e) {
      log.debug("event=mqtt_close_failed client={} reason=\"{}\"", settings.clientId(), e.getMessage());
    }
    threads.shutdownNow();
  }

  @Override
  public String toString() {
    return "connection " + serial + " of " + settings.clientId();
  }

  private final class Callback implements MqttCallback {
    @Override
    public void connectionLost(Throwable cause) {
      events.failed(PahoConnection.this, cause);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      events.message(PahoConnection.this, topic, message.getPayload());
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // Completion is reported through each publish's own future.
    }
  }
}
