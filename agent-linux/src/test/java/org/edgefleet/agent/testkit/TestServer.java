package org.edgefleet.agent.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.message.SignedDesiredState;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.edgefleet.protocol.transfer.ChunkRequest;
import org.edgefleet.protocol.trust.SigningKey;

/**
 * Test scaffolding that plays the fleet server's MQTT side: publishes signed desired states,
 * answers chunk requests from bundle files, and records what devices send. Faults on demand:
 * hold back chunks, corrupt one chunk once.
 */
public final class TestServer implements AutoCloseable {

  /** A chunk a device asked for; {@code epoch} tells requests before and after a test's turning point. */
  public record Request(String deviceId, String digest, int index, int epoch) {}

  /** How to spoil a chunk. */
  public enum Tamper { WRONG_DATA, BROKEN_FRAME }

  private static final AtomicInteger IDS = new AtomicInteger();

  private final Topics topics = Topics.defaults();
  private final SigningKey serverKey;
  private final MqttAsyncClient client;
  private final Map<String, byte[]> bundles = new ConcurrentHashMap<>();
  private final Map<String, BundleRef> refs = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<Integer, Tamper> tampers = new ConcurrentHashMap<>();
  private final List<DeviceEvent> events = new CopyOnWriteArrayList<>();
  private final List<TelemetryBatch> telemetry = new CopyOnWriteArrayList<>();
  private final List<JsonNode> telemetryJson = new CopyOnWriteArrayList<>();
  private final Map<String, ReportedState> reported = new ConcurrentHashMap<>();
  private final Map<String, DeviceStatus.State> status = new ConcurrentHashMap<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private volatile IntPredicate gate = i -> true;
  private volatile int epoch;
  private volatile boolean subscribed;

  public TestServer(String brokerUrl, SigningKey serverKey) throws MqttException {
    this.serverKey = serverKey;
    client = new MqttAsyncClient(brokerUrl, "test-server-" + IDS.incrementAndGet(), new MemoryPersistence());
    client.setCallback(new Callback());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setAutomaticReconnect(true);
    o.setMaxReconnectDelay(500);
    o.setMaxInflight(1000);
    client.connect(o).waitForCompletion(10_000);
    subscribe();
  }

  private void subscribe() throws MqttException {
    String[] filters = {
        topics.allDevices(TopicKind.BUNDLE_REQUEST), topics.allDevices(TopicKind.EVENTS),
        topics.allDevices(TopicKind.TELEMETRY), topics.allDevices(TopicKind.REPORTED), topics.allDevices(TopicKind.STATUS)};
    int[] qos = new int[filters.length];
    Arrays.fill(qos, 1);
    client.subscribe(filters, qos).waitForCompletion(10_000);
    subscribed = true;
  }

  /** Whether the server is connected and subscribed (again, after a broker restart). */
  public boolean isReady() {
    return client.isConnected() && subscribed;
  }

  public BundleRef serve(Path bundle, int chunkSize) throws IOException {
    BundleRef ref = ChunkPlan.of(bundle, chunkSize);
    bundles.put(ref.digest(), Files.readAllBytes(bundle));
    refs.put(ref.digest(), ref);
    return ref;
  }

  /** Serves bytes under a reference the test made up (for references that lie). */
  public void serve(BundleRef ref, byte[] bundle) {
    bundles.put(ref.digest(), bundle);
    refs.put(ref.digest(), ref);
  }

  public static ModelAssignment assignment(String name, int version, BundleRef ref, boolean allowRollback) {
    return new ModelAssignment(name, version, SlotRole.ACTIVE, ref, allowRollback);
  }

  public void publishDesired(String deviceId, long revision, ModelAssignment... models) throws MqttException {
    DesiredState state = new DesiredState(deviceId, revision, Instant.now(), List.of(models));
    publish(topics.topic(deviceId, TopicKind.DESIRED), MessageCodec.encode(SignedDesiredState.sign(state, serverKey)), true);
  }

  public void publish(String topic, byte[] payload, boolean retained) throws MqttException {
    client.publish(topic, payload, 1, retained).waitForCompletion(10_000);
  }

  /** Only chunks whose index passes are answered; the others are recorded and left unanswered. */
  public void gate(IntPredicate answered) {
    this.gate = answered;
  }

  public void tamperOnce(int index, Tamper how) {
    tampers.put(index, how);
  }

  public int nextEpoch() {
    return ++epoch;
  }

  /** Messages from devices the server could not decode: a conforming agent sends none. */
  public List<String> errors() {
    return List.copyOf(errors);
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<DeviceEvent> events(String deviceId) {
    return events.stream().filter(e -> e.deviceId().equals(deviceId)).toList();
  }

  public List<TelemetryBatch> telemetry(String deviceId) {
    return telemetry.stream().filter(t -> t.deviceId().equals(deviceId)).toList();
  }

  public List<JsonNode> telemetryJson(String deviceId) {
    return telemetryJson.stream().filter(t -> t.path("deviceId").asText().equals(deviceId)).toList();
  }

  public Optional<ReportedState> reported(String deviceId) {
    return Optional.ofNullable(reported.get(deviceId));
  }

  public Optional<DeviceStatus.State> status(String deviceId) {
    return Optional.ofNullable(status.get(deviceId));
  }

  private void onMessage(String topic, byte[] payload) throws Exception {
    Topics.DeviceTopic t = topics.parse(topic).orElseThrow();
    switch (t.kind()) {
      case BUNDLE_REQUEST -> answer(t.deviceId(), MessageCodec.decode(payload, ChunkRequest.class, ChunkRequest.MAX_BYTES));
      case EVENTS -> events.add(MessageCodec.decode(payload, DeviceEvent.class, DeviceEvent.MAX_BYTES));
      case TELEMETRY -> {
        telemetry.add(MessageCodec.decode(payload, TelemetryBatch.class, TelemetryBatch.MAX_BYTES));
        telemetryJson.add(Json.mapper().readTree(payload));
      }
      case REPORTED -> reported.put(t.deviceId(), MessageCodec.decode(payload, ReportedState.class, ReportedState.MAX_BYTES));
      case STATUS -> status.put(t.deviceId(), MessageCodec.decode(payload, DeviceStatus.class, DeviceStatus.MAX_BYTES).state());
      default -> { }
    }
  }

  private void answer(String deviceId, ChunkRequest request) throws MqttException {
    byte[] bundle = bundles.get(request.digest());
    BundleRef ref = refs.get(request.digest());
    for (int index : request.chunks()) {
      requests.add(new Request(deviceId, request.digest(), index, epoch));
      if (bundle == null || !gate.test(index)) {
        continue;
      }
      int from = index * ref.chunkSize();
      byte[] data = Arrays.copyOfRange(bundle, from, from + ref.chunkLength(index));
      Tamper tamper = tampers.remove(index);
      byte[] frame;
      if (tamper == Tamper.WRONG_DATA) {
        data[0] ^= 0x55;
        frame = new ChunkMessage(request.digest(), index, data).encode();
      } else {
        frame = new ChunkMessage(request.digest(), index, data).encode();
        if (tamper == Tamper.BROKEN_FRAME) {
          frame[frame.length - 1] ^= 0x01;
        }
      }
      client.publish(topics.topic(deviceId, TopicKind.BUNDLE_CHUNK), frame, 1, false);
    }
  }

  @Override
  public void close() throws MqttException {
    try {
      client.disconnect(500).waitForCompletion(2000);
    } catch (MqttException e) {
      // already gone
    }
    client.close(true);
  }

  private final class Callback implements MqttCallbackExtended {
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      if (reconnect) {
        subscribed = false;
        new Thread(() -> {
          try {
            subscribe();
          } catch (MqttException e) {
            // the next reconnect subscribes again
          }
        }, "test-server-resubscribe").start();
      }
    }

    @Override
    public void connectionLost(Throwable cause) {
      subscribed = false;
    }

    // Never throw here: Paho would drop the connection.
    @Override
    public void messageArrived(String topic, MqttMessage message) {
      try {
        onMessage(topic, message.getPayload());
      } catch (Exception e) {
        errors.add(topic + ": " + e);
      }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }
}
