package org.edgefleet.server.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moquette.broker.Server;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A device whose connection Moquette dropped between CONNACK and SUBACK, leaving its session
 * marked connected on a closed channel, can connect again: before the liveness check such a
 * device was refused as a takeover on every reconnect, for good.
 */
class LiveConnectionsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String DEVICE = "dev-zombie";

  private EmbeddedBroker broker;

  @BeforeEach
  void start() throws Exception {
    broker = EmbeddedBroker.start(new EmbeddedBroker.Options("127.0.0.1", 0, null, 256 * 1024, Topics.defaults(),
        "fleet-server", "server-secret"));
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  @Test
  void moquettesInternalsAreReadableOnThePinnedVersion() {
    assertThat(LiveConnections.forMoquette().checksChannels())
        .as("Moquette's session, connection and channel fields moved: update LiveConnections").isTrue();
  }

  @Test
  void aSessionLeftConnectedOnAClosedChannelDoesNotLockItsDeviceOut() throws Exception {
    Server moquette = moquette();
    LiveConnections live = LiveConnections.forMoquette();
    // A persistent session, so that the broker keeps it after the socket closes, as it keeps the
    // session it had not yet marked connected when the race dropped the connection.
    MqttAsyncClient first = connect(false);
    // Moquette marks the session connected just after the CONNACK is out: wait for it.
    await().atMost(PATIENCE).until(() -> live.isLive(moquette, DEVICE));
    Object session = session(moquette, DEVICE);
    Object connection = field(session, "mqttConnection").get(session);

    // The socket closes without DISCONNECT; then the session is bound to that connection and
    // marked connected, as Moquette's late CONNACK listener leaves it in the race.
    first.disconnectForcibly(0, 1000, false);
    first.close(true);
    await().atMost(PATIENCE).until(() -> !LiveConnections.listed(moquette, DEVICE));
    field(session, "mqttConnection").set(session, connection);
    markConnected(session);
    assertThat(LiveConnections.listed(moquette, DEVICE)).as("the zombie session").isTrue();
    assertThat(live.isLive(moquette, DEVICE)).isFalse();

    MqttClient again = new MqttClient(broker.url(), DEVICE, new MemoryPersistence());
    again.connect(options());
    again.subscribe(Topics.defaults().topic(DEVICE, TopicKind.DESIRED), 1);
    assertThat(again.isConnected()).isTrue();
    assertThat(live.isLive(moquette, DEVICE)).isTrue();
    assertThat(broker.refusedTakeovers()).isZero();
    again.disconnect();
    again.close();
  }

  @Test
  void aLiveDeviceStillCannotBeTakenOver() throws Exception {
    MqttAsyncClient owner = connect(true);
    try {
      MqttClient thief = new MqttClient(broker.url(), DEVICE, new MemoryPersistence());
      try {
        thief.connect(options());
        throw new AssertionError("a second connection with a live client id was accepted");
      } catch (MqttException refused) {
        assertThat(refused.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION);
      } finally {
        thief.close(true);
      }
      assertThat(owner.isConnected()).isTrue();
      assertThat(broker.refusedTakeovers()).isEqualTo(1);
    } finally {
      owner.disconnect().waitForCompletion();
      owner.close();
    }
  }

  private MqttAsyncClient connect(boolean cleanSession) throws Exception {
    MqttAsyncClient c = new MqttAsyncClient(broker.url(), DEVICE, new MemoryPersistence());
    MqttConnectOptions o = options();
    o.setCleanSession(cleanSession);
    c.connect(o).waitForCompletion(PATIENCE.toMillis());
    return c;
  }

  private static MqttConnectOptions options() {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setUserName(DEVICE);
    o.setPassword(new char[0]);
    o.setCleanSession(true);
    return o;
  }

  private static Field field(Object target, String name) throws NoSuchFieldException {
    Field f = target.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }

  private Server moquette() throws ReflectiveOperationException {
    return (Server) field(broker, "server").get(broker);
  }

  private static Object session(Server moquette, String clientId) throws ReflectiveOperationException {
    Object registry = field(moquette, "sessions").get(moquette);
    var retrieve = registry.getClass().getDeclaredMethod("retrieve", String.class);
    retrieve.setAccessible(true);
    return retrieve.invoke(registry, clientId);
  }

  @SuppressWarnings("unchecked")
  private static void markConnected(Object session) throws ReflectiveOperationException {
    AtomicReference<Object> status = (AtomicReference<Object>) field(session, "status").get(session);
    Class<?> statusType = Class.forName("io.moquette.broker.Session$SessionStatus");
    for (Object s : statusType.getEnumConstants()) {
      if (s.toString().equals("CONNECTED")) {
        status.set(s);
      }
    }
  }
}
