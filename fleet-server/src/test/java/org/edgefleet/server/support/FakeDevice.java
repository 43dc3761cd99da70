package org.edgefleet.server.support;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.message.SignedDesiredState;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.protocol.transfer.ChunkRequest;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.TrustStore;

/**
 * A device in test code: a real Paho client that logs in with user name = client id = device id,
 * follows its desired state and fetches bundles chunk by chunk, as an agent does.
 */
public final class FakeDevice implements AutoCloseable {

  private final String id;
  private final Topics topics;
  private final MqttClient client;
  private final MqttConnectOptions options = new MqttConnectOptions();
  private final ExecutorService resubscriber = Executors.newSingleThreadExecutor();
  private final BlockingQueue<byte[]> desired = new LinkedBlockingQueue<>();
  private final Map<String, Map<Integer, byte[]>> chunks = new ConcurrentHashMap<>();
  private final AtomicInteger chunkFrames = new AtomicInteger();
  private final AtomicInteger seq = new AtomicInteger();
  private volatile String agentVersion = "0.1.0";
  private volatile ReportedState.Capabilities capabilities = new ReportedState.Capabilities("linux-x86_64", List.of("onnx"), null, null);

  public FakeDevice(String brokerUrl, String id, Topics topics) throws MqttException {
    this.id = id;
    this.topics = topics;
    this.client = new MqttClient(brokerUrl, id, new MemoryPersistence());
    client.setTimeToWait(10_000);
    options.setUserName(id);
    options.setPassword(new char[0]); // the embedded broker refuses a login without a password field
    options.setCleanSession(true);
    options.setAutomaticReconnect(true);
    options.setMaxReconnectDelay(1000);
    options.setMaxInflight(1000);
    client.setCallback(new MqttCallbackExtended() {
      @Override
      public void connectComplete(boolean reconnect, String uri) {
        if (reconnect) {
          resubscriber.execute(FakeDevice.this::subscribe);
        }
      }

      @Override
      public void connectionLost(Throwable cause) {}

      @Override
      public void messageArrived(String topic, MqttMessage message) {}

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {}
    });
    client.connect(options);
    subscribeOnceConnected();
  }

  // A broker may drop a connection between CONNACK and SUBACK (the agent retries then, and so does
  // this stand-in): wait for the automatic reconnect and subscribe again, a bounded number of times.
  private void subscribeOnceConnected() {
    for (int attempt = 1; ; attempt++) {
      try {
        subscribe();
        return;
      } catch (IllegalStateException e) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!client.isConnected() && System.nanoTime() < deadline) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        if (attempt == 3 || !client.isConnected()) {
          throw e;
        }
      }
    }
  }

  private void subscribe() {
    try {
      client.subscribe(topics.topic(id, TopicKind.DESIRED), 1, (t, m) -> desired.add(m.getPayload()));
      client.subscribe(topics.topic(id, TopicKind.BUNDLE_CHUNK), 1, (t, m) -> onChunk(m.getPayload()));
    } catch (MqttException e) {
      throw new IllegalStateException("device " + id + " cannot subscribe", e);
    }
  }

  private void onChunk(byte[] frame) throws MessageException {
    ChunkMessage c = ChunkMessage.decode(frame, 1024 * 1024);
    chunkFrames.incrementAndGet();
    chunks.computeIfAbsent(c.digest(), d -> new ConcurrentHashMap<>()).put(c.index(), c.data());
  }

  /** Continues the event sequence where an earlier instance of the same device stopped. */
  public FakeDevice continueSequenceAt(int lastSeq) {
    seq.set(lastSeq);
    return this;
  }

  /** What the next reports say the device is: its agent version and capabilities (null: none, as an old agent). */
  public FakeDevice reportAs(String agentVersion, ReportedState.Capabilities capabilities) {
    this.agentVersion = agentVersion;
    this.capabilities = capabilities;
    return this;
  }

  public String id() {
    return id;
  }

  public MqttClient client() {
    return client;
  }

  public void publish(TopicKind kind, byte[] payload) throws MqttException {
    client.publish(topics.topic(id, kind), payload, 1, false);
  }

  public void report(Map<String, String> labels, long appliedRevision, List<ReportedState.ModelStatus> models)
      throws MqttException {
    ReportedState r = new ReportedState(MessageCodec.VERSION, id, agentVersion, labels, appliedRevision, models, null, Instant.now(),
        capabilities);
    client.publish(topics.topic(id, TopicKind.REPORTED), MessageCodec.encode(r), 1, true);
  }

  public static ReportedState.ModelStatus active(String model, int version) {
    return new ReportedState.ModelStatus(model, version, "a", List.of(new ReportedState.SlotStatus("a", version, null)), "idle");
  }

  public void event(String model, int version, DeviceEvent.Execution execution, DeviceEvent.Result result, String reason)
      throws MqttException {
    DeviceEvent e = new DeviceEvent(MessageCodec.VERSION, id, seq.incrementAndGet(), Instant.now(), model, version, execution,
        result, reason, reason == null ? null : "details of " + reason);
    publish(TopicKind.EVENTS, MessageCodec.encode(e));
  }

  /** The first verified desired state with at least the given revision. */
  public DesiredState awaitDesired(TrustStore trust, long minRevision, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      byte[] payload = desired.poll(100, TimeUnit.MILLISECONDS);
      if (payload != null) {
        DesiredState s = MessageCodec.decode(payload, SignedDesiredState.class, SignedDesiredState.MAX_BYTES).open(trust);
        if (s.revision() >= minRevision) {
          return s;
        }
      }
    }
    throw new AssertionError("device " + id + " got no desired state of revision >= " + minRevision + " within " + timeout);
  }

  /** The next desired-state envelope as it came, unverified: for tests of what the server puts in it. */
  public SignedDesiredState awaitEnvelope(Duration timeout) throws Exception {
    byte[] payload = desired.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (payload == null) {
      throw new AssertionError("device " + id + " got no desired state within " + timeout);
    }
    return MessageCodec.decode(payload, SignedDesiredState.class, SignedDesiredState.MAX_BYTES);
  }

  /** Desired states received and not yet taken by {@link #awaitDesired}. */
  public int desiredWaiting() {
    return desired.size();
  }

  /** Asks for chunks without waiting for them. */
  public void request(String digest, List<Integer> indexes) throws MqttException {
    publish(TopicKind.BUNDLE_REQUEST, MessageCodec.encode(new ChunkRequest(digest, indexes)));
  }

  /** Subscribes to the bundle's broadcast topic; its frames count as received chunks. Throws when the broker refuses. */
  public void subscribeBroadcast(String digest) throws MqttException {
    client.subscribe(topics.bundleChunks(digest), 1, (t, m) -> onChunk(m.getPayload()));
  }

  /** Asks for chunks as a device listening to the bundle's broadcast does. */
  public void requestListening(String digest, List<Integer> indexes) throws MqttException {
    publish(TopicKind.BUNDLE_REQUEST, MessageCodec.encode(new ChunkRequest(digest, indexes, true)));
  }

  /** Asks for chunks at QoS 0, as a device flooding the server would; false when Paho had no room for it. */
  public boolean requestAtMostOnce(String digest, List<Integer> indexes) {
    try {
      client.publish(topics.topic(id, TopicKind.BUNDLE_REQUEST), MessageCodec.encode(new ChunkRequest(digest, indexes)), 0, false);
      return true;
    } catch (MqttException busy) {
      return false;
    }
  }

  /** Loses chunks already received, as a device whose disk lost them would. */
  public void forget(String digest, List<Integer> indexes) {
    indexes.forEach(chunks.getOrDefault(digest, new ConcurrentHashMap<>())::remove);
  }

  public int chunksReceived(String digest) {
    return chunks.getOrDefault(digest, Map.of()).size();
  }

  public int chunkFrames() {
    return chunkFrames.get();
  }

  /**
   * Fetches the bundle as an agent does: asks for up to {@code window} missing chunks, waits a
   * little, asks again for what is still missing; checks every chunk against the bundle's hashes.
   */
  public byte[] fetch(BundleRef ref, int window, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    Map<Integer, byte[]> got = chunks.computeIfAbsent(ref.digest(), d -> new ConcurrentHashMap<>());
    while (got.size() < ref.chunkCount()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("device " + id + " got " + got.size() + " of " + ref.chunkCount() + " chunks within " + timeout);
      }
      List<Integer> missing = new ArrayList<>();
      for (int i = 0; i < ref.chunkCount() && missing.size() < window; i++) {
        if (!got.containsKey(i)) {
          missing.add(i);
        }
      }
      try {
        request(ref.digest(), missing);
      } catch (MqttException disconnected) {
        Thread.sleep(200);
        continue;
      }
      long waitEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < waitEnd && !got.keySet().containsAll(missing)) {
        Thread.sleep(10);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < ref.chunkCount(); i++) {
      byte[] data = got.get(i);
      if (!Sha256.hex(data).equals(ref.chunkHashes().get(i))) {
        throw new AssertionError("chunk " + i + " does not match the bundle's chunk hash");
      }
      out.write(data);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    resubscriber.shutdownNow();
    try {
      if (client.isConnected()) {
        client.disconnect(1000);
      }
      client.close(true);
    } catch (MqttException ignored) {
      // The test is over with this device.
    }
  }
}
