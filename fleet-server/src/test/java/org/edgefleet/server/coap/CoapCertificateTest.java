package org.edgefleet.server.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.identity.FleetCa;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.edgefleet.server.support.TlsDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DTLS with device certificates from the fleet CA on the CoAP side: devices enroll through the REST
 * API as for MQTT, and the certificate's CN is the device id, admitted as long as the device is.
 */
class CoapCertificateTest {

  @TempDir Path dir;
  final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  FleetServer server;
  Api api;
  String url;

  @BeforeEach
  void start() throws Exception {
    Path trusted = TestServers.trustedKey(dir, packager);
    server = FleetServer.start(TestServers.config(dir.resolve("data")).trustedPackagerKeys(List.of(trusted))
        .chunkSize(CoapDeviceServerTest.CHUNK).set(Settings.COAP_PORT, 0).set(Settings.COAP_CERTIFICATES, true).build());
    api = Api.admin(server);
    url = server.coap().orElseThrow().url();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TlsDevice enrolled(String id) throws Exception {
    TlsDevice d = new TlsDevice(id);
    String token = api.postJson("/api/v1/enrollment-tokens", "{}").json().get("token").asText();
    Api.Response r = api.postJson("/api/v1/enroll", "{\"token\": \"" + token + "\", \"csr\": \"" + d.csr().replace("\n", "\\n") + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    d.enrolled(r.json().get("certificate").asText(), r.json().get("caCertificate").asText());
    return d;
  }

  private CoapClients coap(TlsDevice d) {
    return CoapClients.withCertificate(url, d.key().getPrivate(), d.certificate(), d.ca());
  }

  @Test
  void aDeviceWithItsCertificateObservesItsStateReportsAndFetchesTheBundle() throws Exception {
    assertThat(url).startsWith("coaps://");
    TlsDevice d = enrolled("cert-a");
    try (CoapClients coap = coap(d)) {
      LinkedBlockingQueue<byte[]> notified = new LinkedBlockingQueue<>();
      CoapObserveRelation relation = CoapDeviceServerTest.observe(coap.client("/d/cert-a/desired"), notified);
      assertThat(notified.poll(30, TimeUnit.SECONDS)).as("first answer: no desired state yet").isEmpty();
      assertThat(coap.post("/d/cert-a/reported", MessageCodec.encode(CoapDeviceServerTest.report("cert-a"))).getCode())
          .isEqualTo(ResponseCode.CHANGED);

      Path bundle = TestBundles.write(dir.resolve("b"), packager, "tiny", 1, 20_000);
      assertThat(api.upload(bundle).status()).isEqualTo(201);
      assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"tiny\",\"version\":1}").status()).isEqualTo(201);
      BundleRef ref = CoapDeviceServerTest.notifiedState(notified, server).models().get(0).bundle();

      byte[] assembled = new byte[(int) ref.size()];
      for (int num = 0; num * 1024L < ref.size(); num++) {
        CoapResponse block = coap.block(ref.digest(), 1024, num);
        assertThat(block.getCode()).isEqualTo(ResponseCode.CONTENT);
        System.arraycopy(block.getPayload(), 0, assembled, num * 1024, block.getPayload().length);
      }
      for (int c = 0; c < ref.chunkCount(); c++) {
        int from = c * ref.chunkSize();
        assertThat(Sha256.hex(Arrays.copyOfRange(assembled, from, from + ref.chunkLength(c)))).isEqualTo(ref.chunkHashes().get(c));
      }
      assertThat(assembled).isEqualTo(Files.readAllBytes(bundle));
      relation.proactiveCancel();
    }
  }

  @Test
  void anotherDevicesResourcesAreRefusedAndCounted() throws Exception {
    TlsDevice a = enrolled("cert-a");
    enrolled("cert-b");
    try (CoapClients coap = coap(a)) {
      assertThat(coap.post("/d/cert-b/reported", MessageCodec.encode(CoapDeviceServerTest.report("cert-b"))).getCode())
          .as("cert-a writing as cert-b").isEqualTo(ResponseCode.FORBIDDEN);
      assertThat(coap.client("/d/cert-b/desired").get().getCode()).as("cert-a reading cert-b's state").isEqualTo(ResponseCode.FORBIDDEN);
      assertThat(coap.client("/d/cert-a/desired").get().getCode()).isEqualTo(ResponseCode.CONTENT);
    }
    assertThat(server.coap().orElseThrow().refused("identity_mismatch")).isEqualTo(2);
    assertThat(api.get("/api/v1/devices").json().get("devices").size()).isZero();
  }

  @Test
  void aCertificateOfAnotherCaOrOfAKeyNeverEnrolledGetsNoSession() throws Exception {
    TlsDevice d = enrolled("cert-a");
    FleetCa other = FleetCa.loadOrCreate(dir.resolve("other-ca"), Duration.ofDays(10), java.time.Clock.systemUTC());
    try (CoapClients foreign = CoapClients.withCertificate(url, d.key().getPrivate(),
        other.issueDevice("cert-a", d.key().getPublic(), Duration.ofDays(1)), d.ca())) {
      assertThatThrownBy(() -> foreign.post("/d/cert-a/status", "{}".getBytes())).hasMessageContaining("fatal alert/BAD_CERTIFICATE");
    }
    assertThat(server.coap().orElseThrow().refused("untrusted_certificate")).isEqualTo(1);

    // Issued by the fleet CA itself, but for a key no device enrolled with (e.g. a copied CA key's work).
    TlsDevice ghost = new TlsDevice("cert-a");
    try (CoapClients stranger = CoapClients.withCertificate(url, ghost.key().getPrivate(),
        server.identity().ca().issueDevice("cert-a", ghost.key().getPublic(), Duration.ofDays(1)), d.ca())) {
      assertThatThrownBy(() -> stranger.post("/d/cert-a/status", "{}".getBytes())).hasMessageContaining("fatal alert/ACCESS_DENIED");
    }
    assertThat(server.coap().orElseThrow().refused("not_admitted")).isEqualTo(1);
    assertThat(api.get("/api/v1/devices").json().get("devices").size()).isZero();
  }

  @Test
  void aRevokedDeviceIsRefusedInItsSessionAndAtItsNextHandshake() throws Exception {
    TlsDevice d = enrolled("cert-r");
    byte[] report = MessageCodec.encode(CoapDeviceServerTest.report("cert-r"));
    try (CoapClients coap = coap(d)) {
      assertThat(coap.post("/d/cert-r/reported", report).getCode()).isEqualTo(ResponseCode.CHANGED);
      assertThat(api.postJson("/api/v1/identities/cert-r/revoke", "{}").status()).isEqualTo(200);
      assertThat(coap.post("/d/cert-r/reported", report).getCode()).as("in the session it had").isEqualTo(ResponseCode.FORBIDDEN);
      assertThat(coap.client("/d/cert-r/desired").get().getCode()).isEqualTo(ResponseCode.FORBIDDEN);
    }
    assertThat(server.coap().orElseThrow().refused("not_admitted")).isEqualTo(2);
    try (CoapClients again = coap(d)) {
      assertThatThrownBy(() -> again.post("/d/cert-r/reported", report)).hasMessageContaining("fatal alert/ACCESS_DENIED");
    }
    assertThat(server.coap().orElseThrow().refused("not_admitted")).isEqualTo(3);
  }
}
