package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.edgefleet.server.identity.FleetCa;
import org.edgefleet.server.identity.Pem;
import org.edgefleet.server.support.TlsDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Mosquitto configuration docs/security.md gives for devices with fleet-CA certificates, run
 * on a real Mosquitto with certificates from the fleet CA: a device gets in with its certificate
 * only, its identity is its certificate's CN (not the client id it claims), and it touches only its
 * own subtree.
 */
class MosquittoTlsTest {

  @TempDir Path dir;

  @Test
  void mosquittoWithTheDocumentedConfigLetsEachDeviceTouchOnlyItsOwnSubtree() throws Exception {
    FleetCa ca = FleetCa.loadOrCreate(dir.resolve("ca"), Duration.ofDays(30), Clock.systemUTC());
    KeyPair brokerKey = TlsDevice.newKey();
    X509Certificate brokerCert = ca.issueServer("mosquitto", brokerKey.getPublic(), List.of("127.0.0.1", "localhost"),
        Duration.ofDays(1));
    Path conf = Files.createDirectories(dir.resolve("mosquitto"));
    Files.writeString(conf.resolve("ca.pem"), Pem.of(ca.certificate()));
    Files.writeString(conf.resolve("broker.pem"), Pem.of(brokerCert));
    Files.writeString(conf.resolve("broker-key.pem"), Pem.of(brokerKey.getPrivate()));
    Files.writeString(conf.resolve("acl"), aclFile());
    int port = MosquittoBroker.freePort();
    Files.writeString(conf.resolve("mosquitto.conf"), String.join("\n",
        "listener " + port + " 127.0.0.1",
        "cafile " + conf.resolve("ca.pem"),
        "certfile " + conf.resolve("broker.pem"),
        "keyfile " + conf.resolve("broker-key.pem"),
        "require_certificate true",
        "use_identity_as_username true",
        "allow_anonymous false",
        "acl_file " + conf.resolve("acl"),
        "max_queued_messages 0",
        "user " + System.getProperty("user.name"),
        "log_dest file " + conf.resolve("mosquitto.log"),
        ""));
    Process mosquitto = new ProcessBuilder(MosquittoBroker.binary(), "-c", conf.resolve("mosquitto.conf").toString())
        .redirectErrorStream(true).redirectOutput(conf.resolve("stdout.log").toFile()).start();
    try {
      awaitPort(mosquitto, port, conf);
      String url = "ssl://127.0.0.1:" + port;
      TlsDevice server = device(ca, "fleet-server", true);
      TlsDevice a = device(ca, "mq-a", false);
      device(ca, "mq-b", false);

      Queue<String> seen = new ConcurrentLinkedQueue<>();
      MqttClient listener = server.connect(url, "fleet-server");
      listener.subscribe("fleet/#", 1, (topic, m) -> seen.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8)));

      // Device A with its certificate, claiming client id mq-b: its identity is still mq-a. Mosquitto
      // drops a denied publish (and may close the connection): each attempt on a connection of its own.
      for (String forged : List.of("fleet/d/mq-b/reported", "fleet/d/mq-b/desired", "fleet/d/mq-a/desired", "fleet/d/mq-a")) {
        MqttClient client = a.connect(url, "mq-b");
        try {
          client.publish(forged, "forged".getBytes(StandardCharsets.UTF_8), 1, false);
          client.disconnect();
        } catch (MqttException dropped) {
          // Refused: what the ACL is for.
        } finally {
          client.close(true);
        }
      }
      MqttClient own = a.connect(url, "mq-a");
      own.publish("fleet/d/mq-a/reported", "own".getBytes(StandardCharsets.UTF_8), 1, false);
      // Mosquitto routes messages one at a time: once "own" is there, any forged one would be too.
      await().atMost(FleetFixture.PATIENCE).until(() -> seen.contains("fleet/d/mq-a/reported own"));
      assertThat(seen).noneMatch(s -> s.endsWith("forged"));
      own.disconnect();
      own.close();

      // No certificate, and a certificate from another CA: the TLS handshake fails.
      assertThatThrownBy(() -> TlsDevice.connect(url, "mq-a", a.sockets(null, ca.certificate())))
          .isInstanceOf(MqttException.class);
      FleetCa other = FleetCa.loadOrCreate(dir.resolve("other-ca"), Duration.ofDays(30), Clock.systemUTC());
      assertThatThrownBy(() -> TlsDevice.connect(url, "mq-a",
          a.sockets(other.issueDevice("mq-a", a.key().getPublic(), Duration.ofDays(1)), ca.certificate())))
          .isInstanceOf(MqttException.class);
      listener.disconnect();
      listener.close();
    } finally {
      mosquitto.destroyForcibly();
      mosquitto.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The ACL of docs/security.md: the server everything, a device (identity = its certificate's CN) its own subtree. */
  static String aclFile() {
    return String.join("\n",
        "user fleet-server",
        "topic readwrite fleet/#",
        "",
        "pattern write fleet/d/%u/reported",
        "pattern write fleet/d/%u/events",
        "pattern write fleet/d/%u/telemetry",
        "pattern write fleet/d/%u/samples",
        "pattern write fleet/d/%u/bundle/req",
        "pattern write fleet/d/%u/status",
        "pattern read fleet/d/%u/desired",
        "pattern read fleet/d/%u/bundle/chunk",
        "pattern read fleet/b/+/chunk",
        "");
  }

  private static TlsDevice device(FleetCa ca, String id, boolean server) throws IOException {
    TlsDevice d = new TlsDevice(id);
    X509Certificate cert = server ? ca.issueServer(id, d.key().getPublic(), List.of("localhost"), Duration.ofDays(1))
        : ca.issueDevice(id, d.key().getPublic(), Duration.ofDays(1));
    d.enrolled(Pem.of(cert), Pem.of(ca.certificate()));
    return d;
  }

  // Mosquitto opens its socket before it loads the certificates: wait for the log line that says it listens.
  private static void awaitPort(Process p, int port, Path conf) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      if (!p.isAlive()) {
        throw new IOException("mosquitto exited: " + Files.readString(conf.resolve("stdout.log")));
      }
      Path log = conf.resolve("mosquitto.log");
      if (!Files.exists(log) || !Files.readString(log).contains("running")) {
        Thread.sleep(50);
        continue;
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException("mosquitto did not listen on port " + port);
  }
}
