package org.edgefleet.bench.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Raw Paho clients for baselines, set up like the agent's: MQTT 3.1.1, clean session, keep-alive
 * pings on a shared scheduler (so a client costs Paho's three I/O threads and no timer thread).
 */
public final class PahoClients {

  private static final int KEEP_ALIVE_SECONDS = 30;
  private static final long CONNECT_WAIT_MILLIS = 30_000;

  private PahoClients() {}

  /**
   * A connected client.
   *
   * @param username the device id for a device, or the server's user on the embedded broker
   * @param password null for devices (the embedded broker does not check theirs)
   */
  public static MqttAsyncClient connect(String url, String clientId, String username, String password, int maxInflight,
      ScheduledExecutorService pings) throws MqttException {
    MqttAsyncClient client = create(url, clientId, pings);
    try {
      client.connect(options(username, password, maxInflight)).waitForCompletion(CONNECT_WAIT_MILLIS);
    } catch (MqttException e) {
      client.close(true);
      throw e;
    }
    return client;
  }

  /**
   * Connects many device clients at once (user name = client id). Paho spends about 300 ms between
   * opening the socket and sending CONNECT, so a thousand clients connected one after the other
   * would take five minutes; agents connect concurrently too.
   */
  public static List<MqttAsyncClient> connectDevices(String url, List<String> ids, int maxInflight,
      ScheduledExecutorService pings) throws MqttException {
    return connectAll(url, ids, null, null, maxInflight, pings);
  }

  /**
   * Connects many clients at once, as {@link #connectDevices} does, all with one login (the
   * server's user on the embedded broker, for clients that read topics no device may read).
   */
  public static List<MqttAsyncClient> connectAll(String url, List<String> ids, String username, String password,
      int maxInflight, ScheduledExecutorService pings) throws MqttException {
    List<MqttAsyncClient> clients = new ArrayList<>();
    List<IMqttToken> connecting = new ArrayList<>();
    try {
      for (String id : ids) {
        MqttAsyncClient c = create(url, id, pings);
        clients.add(c);
        connecting.add(c.connect(options(username == null ? id : username, password, maxInflight)));
      }
      for (IMqttToken t : connecting) {
        t.waitForCompletion(CONNECT_WAIT_MILLIS);
      }
    } catch (MqttException e) {
      clients.forEach(PahoClients::closeQuietly);
      throw e;
    }
    return clients;
  }

  /**
   * Drops a device client's connection and connects it again (clean session: Paho forgets what was
   * in flight, whose publishes then fail), for a publisher whose acknowledgements stopped coming.
   */
  public static void reconnectDevice(MqttAsyncClient client, int maxInflight) throws MqttException {
    try {
      client.disconnectForcibly(0, 1000, false);
    } catch (MqttException e) {
      // Already down: connecting below either way.
    }
    client.connect(options(client.getClientId(), null, maxInflight)).waitForCompletion(CONNECT_WAIT_MILLIS);
  }

  private static MqttAsyncClient create(String url, String clientId, ScheduledExecutorService pings) throws MqttException {
    return new MqttAsyncClient(url, clientId, new MemoryPersistence(), new ScheduledExecutorPingSender(pings), null);
  }

  private static MqttConnectOptions options(String username, String password, int maxInflight) {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(true);
    o.setAutomaticReconnect(false);
    o.setKeepAliveInterval(KEEP_ALIVE_SECONDS);
    o.setMaxInflight(maxInflight);
    o.setUserName(username);
    // The embedded broker refuses a login without a password field; devices' passwords are not checked yet.
    o.setPassword((password == null ? "" : password).toCharArray());
    return o;
  }

  /** Disconnects and releases the client, whatever state it is in. */
  public static void closeQuietly(MqttAsyncClient client) {
    try {
      if (client.isConnected()) {
        client.disconnect(0).waitForCompletion(5_000);
      }
    } catch (MqttException e) {
      // Closing below regardless: a baseline's client has nothing left to deliver.
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      // Already closed.
    }
  }
}
