package org.edgefleet.agent.transport;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's CoAP transport (Eclipse Californium): the same messages as over MQTT, on the server's
 * resources {@code d/{id}/{kind}} (docs/coap.md). What the agent publishes goes as a confirmable
 * POST, acknowledged once the server stored it; the desired state is observed; chunks are fetched
 * block by block ({@link BlockFetcher}) and handed to the agent as chunk frames on its chunk topic,
 * so the agent core is the same on both transports.
 *
 * <p>CoAP has no connection: the transport counts as connected from the answer to its observation
 * until a registration goes unanswered. It registers again every {@code coapObserveRefresh}, which
 * also brings the observation back after the server restarted and forgot it; after a lost
 * registration it tries again with the agent's backoff.
 */
public final class CoapTransport implements Transport {

  private static final Logger log = LoggerFactory.getLogger(CoapTransport.class);

  /** Where and how; {@code dtls} null for plain UDP. */
  record Settings(String serverUrl, String deviceId, Topics topics, java.time.Duration observeRefresh,
      java.time.Duration ackTimeout, int blockSize, CoapCredentials dtls, org.edgefleet.protocol.retry.Backoff backoff) {}

  private final Settings settings;
  private final ScheduledExecutorService scheduler;
  private final CoapEndpoint uplink;
  private final CoapEndpoint blocks;
  private final CoapClient desired;
  private final Map<TopicKind, CoapClient> senders = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private final BlockFetcher fetcher;
  private volatile TransportListener listener;
  private volatile String chunkTopic;
  private volatile String desiredTopic;
  private volatile boolean connected;
  // Guarded by lock.
  private CoapObserveRelation relation;
  private ScheduledFuture<?> next;
  private int failures;
  private long generation;
  private boolean closed;

  CoapTransport(Settings settings, ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.scheduler = scheduler;
    this.uplink = CoapEndpoints.uplink(settings.ackTimeout(), settings.dtls());
    this.blocks = CoapEndpoints.blocks(settings.ackTimeout(), settings.dtls());
    this.desired = client(TopicKind.DESIRED, uplink);
    this.fetcher = new BlockFetcher(blocks, settings.serverUrl(), settings.blockSize(), frame -> {
      TransportListener l = listener;
      String topic = chunkTopic;
      if (l != null && topic != null) {
        l.onMessage(topic, frame);
      }
    });
  }

  @Override
  public void subscribe(String topicFilter) {
    Topics.DeviceTopic t = settings.topics().parse(topicFilter)
        .orElseThrow(() -> new IllegalArgumentException("not a device topic: " + topicFilter));
    if (!t.deviceId().equals(settings.deviceId())) {
      throw new IllegalArgumentException("a CoAP device observes only its own resources, not " + topicFilter);
    }
    switch (t.kind()) {
      case DESIRED -> desiredTopic = topicFilter;
      case BUNDLE_CHUNK -> chunkTopic = topicFilter;
      default -> throw new IllegalArgumentException("nothing to observe on " + topicFilter);
    }
  }

  @Override
  public void start(TransportListener transportListener) {
    synchronized (lock) {
      if (listener != null || closed) {
        throw new IllegalStateException("CoAP transport of " + settings.deviceId() + " already started or closed");
      }
      listener = transportListener;
      try {
        uplink.start();
        blocks.start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot open a UDP socket: " + e.getMessage(), e);
      }
      schedule(0);
    }
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload, boolean retained) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Topics.DeviceTopic t = settings.topics().parse(topic).orElse(null);
    if (t == null || !t.kind().fromDevice() || t.kind() == TopicKind.BUNDLE_REQUEST || !t.deviceId().equals(settings.deviceId())) {
      done.completeExceptionally(new IllegalArgumentException("no CoAP resource for " + topic));
      return done;
    }
    if (!connected) {
      done.completeExceptionally(new IOException("not connected to " + settings.serverUrl()));
      return done;
    }
    Request post = Request.newPost();
    post.setPayload(payload);
    post.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
    senders.computeIfAbsent(t.kind(), k -> client(k, uplink)).advanced(new CoapHandler() {
      @Override
      public void onLoad(CoapResponse response) {
        ResponseCode code = response.getCode();
        if (code.isSuccess()) {
          done.complete(null);
        } else if (code.isClientError()) {
          // Refused for what it is (counted by the server): sending it again cannot help, as MQTT's broker would have taken it too.
          log.warn("event=coap_message_refused device={} kind={} code={} reason=\"{}\"", settings.deviceId(), t.kind().path(),
              code, response.getResponseText());
          done.complete(null);
        } else {
          done.completeExceptionally(new IOException("server answered " + code + " to " + t.kind().path()));
        }
      }

      @Override
      public void onError() {
        done.completeExceptionally(new IOException("no answer from " + settings.serverUrl() + " to " + t.kind().path()));
      }
    }, post);
    return done;
  }

  @Override
  public ChunkFetcher chunkFetcher(String requestTopic) {
    return (bundle, chunks) -> {
      if (!connected) {
        CompletableFuture<Void> notSent = new CompletableFuture<>();
        notSent.completeExceptionally(new IOException("not connected to " + settings.serverUrl()));
        return notSent;
      }
      return fetcher.request(bundle, chunks);
    };
  }

  // Registers the observation; its first answer marks the transport connected.
  private void register(long gen) {
    CoapObserveRelation previous;
    synchronized (lock) {
      if (closed || gen != generation) {
        return;
      }
      previous = relation;
      relation = desired.observe(new Observation(gen));
      next = null;
      scheduleRefresh(gen);
    }
    if (previous != null) {
      previous.reactiveCancel(); // the server drops it at its next notification, answered with a reset
    }
  }

  private final class Observation implements CoapHandler {
    private final long gen;
    private boolean answered;

    Observation(long gen) {
      this.gen = gen;
    }

    @Override
    public void onLoad(CoapResponse response) {
      if (!response.getCode().isSuccess()) {
        lost(gen, new IOException("server answered " + response.getCode() + " to the desired-state observation: "
            + response.getResponseText()));
        return;
      }
      boolean up;
      synchronized (lock) {
        if (closed || gen != generation) {
          return;
        }
        up = !connected;
        connected = true;
        failures = 0;
        answered = true;
      }
      if (up) {
        log.debug("event=coap_connected device={} server={}", settings.deviceId(), settings.serverUrl());
        listener.onConnected();
      }
      byte[] state = response.getPayload();
      String topic = desiredTopic;
      if (state != null && state.length > 0 && topic != null) {
        listener.onMessage(topic, state);
      }
    }

    @Override
    public void onError() {
      if (!answered) {
        lost(gen, new IOException("no answer from " + settings.serverUrl() + " to the desired-state observation"));
      }
    }
  }

  private void lost(long gen, Throwable cause) {
    boolean wasUp;
    synchronized (lock) {
      if (closed || gen != generation) {
        return;
      }
      wasUp = connected;
      connected = false;
      generation++;
      schedule(settings.backoff().delayMillis(failures++, ThreadLocalRandom.current().nextDouble()));
    }
    if (wasUp) {
      log.info("event=coap_connection_lost device={} reason=\"{}\"", settings.deviceId(), cause.getMessage());
    }
    listener.onConnectionLost(cause);
  }

  // Under lock.
  private void schedule(long delayMillis) {
    cancelNext();
    long gen = generation;
    try {
      next = scheduler.schedule(() -> register(gen), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.warn("event=coap_register_impossible cause=scheduler_shut_down device={}", settings.deviceId());
    }
  }

  // Under lock: the next registration while this one is answered; a registration without answer by then means the server is gone.
  private void scheduleRefresh(long gen) {
    try {
      next = scheduler.schedule(() -> {
        CoapObserveRelation r;
        synchronized (lock) {
          r = relation;
        }
        if (r != null && r.getCurrentResponse() == null) {
          lost(gen, new IOException("no answer from " + settings.serverUrl() + " within " + settings.observeRefresh()));
        } else {
          register(gen);
        }
      }, settings.observeRefresh().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("event=coap_refresh_impossible cause=scheduler_shut_down device={}", settings.deviceId());
    }
  }

  private void cancelNext() {
    if (next != null) {
      next.cancel(false);
      next = null;
    }
  }

  private CoapClient client(TopicKind kind, CoapEndpoint endpoint) {
    CoapClient c = new CoapClient(settings.serverUrl() + "/d/" + settings.deviceId() + "/" + kind.path());
    c.setEndpoint(endpoint);
    return c;
  }

  @Override
  public void close() {
    CoapObserveRelation r;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      connected = false;
      cancelNext();
      r = relation;
      relation = null;
    }
    if (r != null) {
      r.reactiveCancel();
    }
    uplink.destroy();
    blocks.destroy();
  }

  @Override
  public String toString() {
    return settings.serverUrl();
  }
}
