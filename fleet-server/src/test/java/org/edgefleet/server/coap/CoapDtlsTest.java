package org.edgefleet.server.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DTLS-PSK on the CoAP side: the PSK identity is the device id, and a device may act only as itself. */
class CoapDtlsTest {

  static final byte[] KEY_A = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  static final byte[] KEY_B = HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100");

  @TempDir Path dir;
  FleetServer server;

  @BeforeEach
  void start() throws Exception {
    Path psk = Files.writeString(dir.resolve("psk.txt"), "# test devices\nmcu-a=" + HexFormat.of().formatHex(KEY_A) + "\nmcu-b=" + HexFormat.of().formatHex(KEY_B) + "\n");
    server = FleetServer.start(TestServers.config(dir.resolve("data")).set(Settings.COAP_PORT, 0).set(Settings.COAP_PSK_FILE, psk).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aDeviceActsAsItsPskIdentityAndNoOther() throws Exception {
    CoapDeviceServer side = server.coap().orElseThrow();
    assertThat(side.url()).startsWith("coaps://");
    try (CoapClients a = new CoapClients(side.url(), "mcu-a", KEY_A)) {
      assertThat(a.post("/d/mcu-a/reported", MessageCodec.encode(CoapDeviceServerTest.report("mcu-a"))).getCode())
          .isEqualTo(ResponseCode.CHANGED);
      assertThat(a.post("/d/mcu-b/reported", MessageCodec.encode(CoapDeviceServerTest.report("mcu-b"))).getCode())
          .as("mcu-a writing as mcu-b").isEqualTo(ResponseCode.FORBIDDEN);
      assertThat(a.client("/d/mcu-b/desired").get().getCode()).as("mcu-a reading mcu-b's state").isEqualTo(ResponseCode.FORBIDDEN);
      assertThat(a.client("/d/mcu-a/desired").get().getCode()).isEqualTo(ResponseCode.CONTENT);
    }
    assertThat(side.refused("identity_mismatch")).isEqualTo(2);
    assertThat(Api.admin(server).get("/api/v1/devices").json().get("devices").size()).isEqualTo(1);
  }

  @Test
  void aDeviceWithAWrongKeyOrUnknownIdentityGetsNoAnswer() throws Exception {
    String url = server.coap().orElseThrow().url();
    try (CoapClients wrong = new CoapClients(url, "mcu-a", KEY_B); CoapClients unknown = new CoapClients(url, "mcu-z", KEY_A)) {
      // A refused handshake is never answered: waiting 5 s for it shows that as well as 30 would.
      assertThatThrownBy(() -> wrong.post("/d/mcu-a/status", "{}".getBytes(), 5_000)).hasMessageContaining("no answer");
      assertThatThrownBy(() -> unknown.post("/d/mcu-z/status", "{}".getBytes(), 5_000)).hasMessageContaining("no answer");
    }
    assertThat(Api.admin(server).get("/api/v1/devices").json().get("devices").size()).isZero();
  }

  @Test
  void aPskFileThatIsNotDeviceIdEqualsHexIsRefusedAtStartNamingTheLine() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.txt"), "mcu-a=0011\n");
    ServerConfig config = TestServers.config(dir.resolve("data2")).set(Settings.COAP_PORT, 0).set(Settings.COAP_PSK_FILE, bad).build();
    assertThatThrownBy(() -> FleetServer.start(config)).hasMessageContaining("line 1").hasMessageContaining("16 to 64 bytes");
    Path none = dir.resolve("missing.txt");
    ServerConfig missing = TestServers.config(dir.resolve("data3")).set(Settings.COAP_PORT, 0).set(Settings.COAP_PSK_FILE, none).build();
    assertThatThrownBy(() -> FleetServer.start(missing)).hasMessageContaining("cannot read the CoAP PSK file");
  }
}
