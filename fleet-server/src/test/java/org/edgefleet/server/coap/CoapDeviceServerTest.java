package org.edgefleet.server.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.message.SignedDesiredState;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CoAP side against a real server on loopback UDP, with Californium as the device. */
class CoapDeviceServerTest {

  static final Duration LONG = Duration.ofSeconds(60);
  static final int CHUNK = 4096;

  @TempDir Path dir;
  final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  FleetServer server;
  Api api;
  CoapClients coap;

  @BeforeEach
  void start() throws Exception {
    Path trusted = TestServers.trustedKey(dir, packager);
    server = FleetServer.start(TestServers.config(dir.resolve("data")).trustedPackagerKeys(List.of(trusted)).chunkSize(CHUNK)
        .set(Settings.COAP_PORT, 0).build());
    api = Api.admin(server);
    coap = new CoapClients(server.coap().orElseThrow().url(), null, null);
  }

  @AfterEach
  void stop() {
    coap.close();
    server.close();
  }

  @Test
  void theDesiredStateIsObservedSignedAsOverMqttAfterAReportOverCoap() throws Exception {
    LinkedBlockingQueue<byte[]> notified = new LinkedBlockingQueue<>();
    CoapObserveRelation relation = observe(coap.client("/d/mcu-1/desired"), notified);
    assertThat(notified.poll(30, TimeUnit.SECONDS)).as("first answer: no desired state yet").isEmpty();

    CoapResponse reported = coap.post("/d/mcu-1/reported", MessageCodec.encode(report("mcu-1")));
    assertThat(reported.getCode()).isEqualTo(ResponseCode.CHANGED);
    await().atMost(LONG).until(() -> api.get("/api/v1/devices").json().get("devices").size() == 1);

    Path bundle = TestBundles.write(dir.resolve("b"), packager, "tiny", 1, 10_000);
    assertThat(api.upload(bundle).status()).isEqualTo(201);
    assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"tiny\",\"version\":1}").status()).isEqualTo(201);
    DesiredState state = notifiedState(notified, server);
    assertThat(state.deviceId()).isEqualTo("mcu-1");
    assertThat(state.models().get(0).bundle().digest()).isEqualTo(Sha256.hex(Files.readAllBytes(bundle)));
    relation.proactiveCancel();
  }

  @Test
  void bundleBlocksInAnyOrderAssembleToTheSignedChunks() throws Exception {
    Path bundle = TestBundles.write(dir.resolve("b"), packager, "big", 1, 200_000);
    assertThat(api.upload(bundle).status()).isEqualTo(201);
    byte[] expected = Files.readAllBytes(bundle);
    BundleRef ref = ChunkPlan.of(bundle, CHUNK);
    for (int size : List.of(1024, 256)) {
      int blocks = (expected.length + size - 1) / size;
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < blocks; i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(size));
      byte[] assembled = new byte[expected.length];
      for (int num : order) {
        CoapResponse r = coap.block(ref.digest(), size, num);
        assertThat(r.getCode()).as("block " + num).isEqualTo(ResponseCode.CONTENT);
        assertThat(r.getOptions().getBlock2().getNum()).isEqualTo(num);
        assertThat(r.getOptions().getBlock2().isM()).isEqualTo(num < blocks - 1);
        System.arraycopy(r.getPayload(), 0, assembled, num * size, r.getPayload().length);
      }
      assertThat(assembled).isEqualTo(expected);
      for (int c = 0; c < ref.chunkCount(); c++) {
        byte[] chunk = java.util.Arrays.copyOfRange(assembled, c * CHUNK, c * CHUNK + ref.chunkLength(c));
        assertThat(Sha256.hex(chunk)).isEqualTo(ref.chunkHashes().get(c));
      }
    }
  }

  @Test
  void aBlockBeyondTheBundleOrOfAnUnknownBundleIsRefusedAndCounted() throws Exception {
    Path bundle = TestBundles.write(dir.resolve("b"), packager, "big", 1, 5000);
    assertThat(api.upload(bundle).status()).isEqualTo(201);
    String digest = Sha256.hex(Files.readAllBytes(bundle));
    int blocks = (int) ((Files.size(bundle) + 1023) / 1024);
    CoapDeviceServer side = server.coap().orElseThrow();

    assertThat(coap.block(digest, 1024, blocks).getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
    assertThat(coap.block(digest, 1024, 1 << 19).getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
    assertThat(side.refused("bad_block")).isEqualTo(2);
    assertThat(coap.block("ab".repeat(32), 1024, 0).getCode()).isEqualTo(ResponseCode.NOT_FOUND);
    assertThat(side.refused("unknown_bundle")).isEqualTo(1);
    assertThat(coap.client("/b/not-a-digest").get().getCode()).isEqualTo(ResponseCode.NOT_FOUND);
  }

  @Test
  void hostileUplinkMessagesAreRefusedAndCounted() throws Exception {
    CoapDeviceServer side = server.coap().orElseThrow();
    assertThat(coap.post("/d/mcu-2/reported", "{not json".getBytes()).getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
    assertThat(coap.post("/d/mcu-2/reported", MessageCodec.encode(report("mcu-3"))).getCode())
        .as("a report naming another device").isEqualTo(ResponseCode.BAD_REQUEST);
    byte[] bigEvent = new byte[20_000];
    java.util.Arrays.fill(bigEvent, (byte) ' ');
    assertThat(coap.post("/d/mcu-2/events", bigEvent).getCode()).isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
    assertThat(side.refused("too_large")).isEqualTo(1);
    assertThat(coap.post("/d/bad*id/reported", MessageCodec.encode(report("mcu-2"))).getCode()).isEqualTo(ResponseCode.NOT_FOUND);
    assertThat(coap.post("/d/mcu-2/nothing", new byte[] {1}).getCode()).isEqualTo(ResponseCode.NOT_FOUND);

    String metrics = api.get("/metrics").body();
    assertThat(TestServers.metric(metrics, "fleet_device_messages_rejected_total", "malformed")).isEqualTo(1);
    assertThat(TestServers.metric(metrics, "fleet_device_messages_rejected_total", "device_mismatch")).isEqualTo(1);
    assertThat(api.get("/api/v1/devices").json().get("devices").size()).as("no device registered by hostile input").isZero();

    // A good one still goes through.
    assertThat(coap.post("/d/mcu-2/reported", MessageCodec.encode(report("mcu-2"))).getCode()).isEqualTo(ResponseCode.CHANGED);
  }

  @Test
  void malformedDatagramsAreAnsweredWithoutHarmAndCounted() throws Exception {
    CoapDeviceServer side = server.coap().orElseThrow();
    RawUdp raw = new RawUdp(side.port());
    // Confirmable GETs with an unknown critical option (25), an option that runs past the datagram,
    // and a payload marker with no payload (RFC 7252 3.1: a format error).
    byte[][] hostile = {
        {0x40, 0x01, 0x12, 0x34, (byte) 0xd0, 0x0c},
        {0x40, 0x01, 0x12, 0x35, (byte) 0xd5, 0x00},
        {0x40, 0x01, 0x12, 0x36, (byte) 0xff}};
    for (byte[] datagram : hostile) {
      byte[] answer = raw.exchange(datagram);
      assertThat(answer).as("an answer").isNotNull();
      assertThat(answer[1] & 0xff).as("4.02 Bad Option, or 4.00").isIn(4 << 5 | 2, 4 << 5);
    }
    raw.close();
    await().atMost(LONG).until(() -> side.refused("malformed") >= hostile.length);
    assertThat(coap.post("/d/mcu-4/reported", MessageCodec.encode(report("mcu-4"))).getCode()).isEqualTo(ResponseCode.CHANGED);
  }

  @Test
  void anUplinkBodyOverTheLargestMessageIsRefusedWhileItsBlocksArrive() throws Exception {
    byte[] huge = new byte[300 * 1024];
    java.util.Arrays.fill(huge, (byte) '1');
    CoapResponse r = coap.post("/d/mcu-5/telemetry", huge);
    assertThat(r.getCode()).isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
    assertThat(server.coap().orElseThrow().refused("too_large")).isEqualTo(1);
  }

  static ReportedState report(String id) {
    return new ReportedState(MessageCodec.VERSION, id, "0.1.0", Map.of("hw", "mcu"), 0, List.of(), null, Instant.now(),
        new ReportedState.Capabilities("linux-x86_64", List.of("onnx"), null, null));
  }

  /** The next notification within a minute: a desired state signed by the server. */
  static DesiredState notifiedState(LinkedBlockingQueue<byte[]> notified, FleetServer server) throws Exception {
    byte[] signed = notified.poll(60, TimeUnit.SECONDS);
    assertThat(signed).as("a notification of the new desired state").isNotNull().isNotEmpty();
    return MessageCodec.decode(signed, SignedDesiredState.class, SignedDesiredState.MAX_BYTES).open(TrustStore.of(server.serverKey()));
  }

  /** Observes the resource, every notification's payload into {@code notified}. */
  static CoapObserveRelation observe(CoapClient client, LinkedBlockingQueue<byte[]> notified) {
    return client.observe(new CoapHandler() {
      @Override
      public void onLoad(CoapResponse r) {
        notified.add(r.getPayload());
      }

      @Override
      public void onError() {}
    });
  }

  static Request get() {
    return Request.newGet();
  }
}
