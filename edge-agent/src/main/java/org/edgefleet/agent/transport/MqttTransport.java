package org.edgefleet.agent.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 3.1.1 over Paho with a persistent session (QoS 1 messages for the device wait at the
 * broker while it is away), a retained last will, and its own reconnect loop with
 * {@link Backoff}: Paho's automatic reconnect has a fixed schedule without jitter. Keep-alive pings
 * run on the shared scheduler, so a client costs Paho's three I/O threads and no timer thread.
 */
public final class MqttTransport implements Transport {

  private static final Logger log = LoggerFactory.getLogger(MqttTransport.class);
  private static final int QOS = 1;
  private static final int SUBSCRIBE_FAILED = 0x80;

  private final MqttSettings settings;
  private final ScheduledExecutorService scheduler;
  private final List<String> filters = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();

  private volatile boolean connected;
  private MqttAsyncClient client;
  private TransportListener listener;
  private boolean closed;
  private int attempt;
  private ScheduledFuture<?> retry;
  // Each connect attempt has a generation; a failure is acted on only for the current one and only
  // once, because Paho may report one failure twice (a failed subscribe and the lost connection).
  private long generation;
  private long liveGeneration = -1;
  private boolean retryPending;

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
      if (client != null) {
        throw new IllegalStateException("transport already started");
      }
      try {
        Files.createDirectories(settings.persistenceDir());
        client = new MqttAsyncClient(settings.serverUri(), settings.clientId(),
            new MqttDefaultFilePersistence(settings.persistenceDir().toString()),
            new ScheduledExecutorPingSender(scheduler), null);
      } catch (MqttException | IOException e) {
        throw new IllegalStateException("cannot create the MQTT client for " + settings.serverUri() + ": " + e.getMessage(), e);
      }
      listener = transportListener;
      client.setCallback(new Callback());
    }
    connect();
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload, boolean retained) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    MqttAsyncClient c = client;
    if (c == null || !connected) {
      done.completeExceptionally(new IOException("not connected to " + settings.serverUri()));
      return done;
    }
    try {
      c.publish(topic, payload, QOS, retained, null, new IMqttActionListener() {
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
    }
    return done;
  }

  @Override
  public void close() {
    MqttAsyncClient c;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      connected = false;
      if (retry != null) {
        retry.cancel(false);
      }
      c = client;
    }
    if (c == null) {
      return;
    }
    try {
      if (c.isConnected()) {
        c.disconnect(500).waitForCompletion(2000);
      } else {
        c.disconnectForcibly(0, 1000, false);
      }
    } catch (MqttException e) {
      log.debug("mqtt disconnect on close failed client={} reason={}", settings.clientId(), e.getMessage());
    }
    try {
      c.close(true);
    } catch (MqttException e) {
      log.debug("mqtt close failed client={} reason={}", settings.clientId(), e.getMessage());
    }
  }

  private void connect() {
    MqttAsyncClient c;
    long gen;
    synchronized (lock) {
      if (closed || connected) {
        return;
      }
      gen = ++generation;
      retryPending = false;
      c = client;
    }
    try {
      c.connect(options(), null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          subscribeAll(c, gen);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          retryLater(gen, e);
        }
      });
    } catch (MqttException | RuntimeException e) {
      retryLater(gen, e);
    }
  }

  private MqttConnectOptions options() {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(!settings.persistentSession());
    o.setAutomaticReconnect(false);
    o.setMaxInflight(settings.maxInflight());
    o.setKeepAliveInterval((int) Math.max(1, settings.keepAlive().getSeconds()));
    o.setConnectionTimeout((int) Math.max(1, settings.connectTimeout().getSeconds()));
    if (settings.username() != null) {
      o.setUserName(settings.username());
    }
    if (settings.willTopic() != null) {
      o.setWill(settings.willTopic(), settings.willPayload(), QOS, true);
    }
    return o;
  }

  // A session the broker lost (restart without persistence) has no subscriptions: subscribe on
  // every connect, and report the connection only once the subscriptions are in place, so that
  // nothing the agent asks for right after onConnected can be answered into the void.
  private void subscribeAll(MqttAsyncClient c, long gen) {
    if (filters.isEmpty()) {
      up(gen);
      return;
    }
    String[] topics = filters.toArray(new String[0]);
    int[] qos = new int[topics.length];
    Arrays.fill(qos, QOS);
    try {
      c.subscribe(topics, qos, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          for (int granted : token.getGrantedQos()) {
            if (granted == SUBSCRIBE_FAILED) {
              dropAndRetry(c, gen, new IOException("broker refused a subscription of " + List.of(topics)));
              return;
            }
          }
          up(gen);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          dropAndRetry(c, gen, e);
        }
      });
    } catch (MqttException | RuntimeException e) {
      dropAndRetry(c, gen, e);
    }
  }

  private void up(long gen) {
    synchronized (lock) {
      if (closed || gen != generation || retryPending) {
        return;
      }
      connected = true;
      liveGeneration = gen;
      attempt = 0;
    }
    log.debug("mqtt connected client={} broker={}", settings.clientId(), settings.serverUri());
    listener.onConnected();
  }

  private void dropAndRetry(MqttAsyncClient c, long gen, Throwable cause) {
    try {
      c.disconnectForcibly(0, 1000, false);
    } catch (MqttException e) {
      log.debug("mqtt forced disconnect failed client={} reason={}", settings.clientId(), e.getMessage());
    }
    retryLater(gen, cause);
  }

  private void retryLater(long gen, Throwable cause) {
    long delay;
    synchronized (lock) {
      if (closed || gen != generation || retryPending) {
        return;
      }
      connected = false;
      retryPending = true;
      delay = settings.backoff().delayMillis(attempt++, ThreadLocalRandom.current().nextDouble());
      try {
        retry = scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        log.warn("mqtt reconnect impossible, the scheduler was shut down client={}", settings.clientId());
        return;
      }
    }
    log.debug("mqtt connect failed client={} broker={} retryInMs={} reason={}", settings.clientId(),
        settings.serverUri(), delay, cause == null ? "unknown" : cause.getMessage());
    listener.onConnectionLost(cause);
  }

  private final class Callback implements MqttCallback {
    @Override
    public void connectionLost(Throwable cause) {
      long gen;
      synchronized (lock) {
        gen = liveGeneration;
      }
      log.info("mqtt connection lost client={} reason={}", settings.clientId(), cause == null ? "unknown" : cause.getMessage());
      retryLater(gen, cause);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      listener.onMessage(topic, message.getPayload());
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // Completion is reported through each publish's own future.
    }
  }
}
