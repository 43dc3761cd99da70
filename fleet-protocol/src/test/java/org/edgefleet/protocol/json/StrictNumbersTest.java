package org.edgefleet.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.MessageException;
import org.junit.jupiter.api.Test;

/** An integer field takes an integer: strings, fractions and booleans are refused, not rounded. */
class StrictNumbersTest {

  record Target(Integer version, long size, double share, boolean enabled) {}

  @Test
  void integersAreRefusedUnlessTheyAreIntegers() throws Exception {
    assertThat(read("{\"version\":3,\"size\":1,\"share\":0.5,\"enabled\":true}")).isEqualTo(new Target(3, 1, 0.5, true));
    assertThat(read("{\"version\":3,\"size\":1,\"share\":1,\"enabled\":false}").share()).isEqualTo(1.0);
    for (String bad : new String[] {"{\"version\":\"1\"}", "{\"version\":1.9}", "{\"version\":1.0}", "{\"version\":true}",
        "{\"size\":\"7\"}", "{\"size\":7.5}", "{\"share\":\"0.5\"}", "{\"enabled\":\"true\"}", "{\"enabled\":1}"}) {
      assertThatThrownBy(() -> read(bad)).as(bad).isInstanceOf(IOException.class);
    }
  }

  @Test
  void messageVersionMustBeAnInteger() {
    String event = "{\"v\":%s,\"deviceId\":\"d\",\"seq\":1,\"time\":\"2026-11-23T12:00:00Z\",\"model\":\"m\",\"version\":1,"
        + "\"execution\":\"download\",\"result\":\"success\"}";
    for (String v : new String[] {"1.9", "\"1\"", "1.0"}) {
      assertThatThrownBy(() -> MessageCodec.decode(String.format(event, v).getBytes(StandardCharsets.UTF_8), DeviceEvent.class,
          DeviceEvent.MAX_BYTES)).as(v).isInstanceOf(MessageException.class)
          .satisfies(e -> assertThat(((MessageException) e).reason()).isEqualTo(MessageException.Reason.INVALID));
    }
    String withFractionalVersion = String.format(event, "1").replace("\"version\":1", "\"version\":1.9");
    assertThatThrownBy(() -> MessageCodec.decode(withFractionalVersion.getBytes(StandardCharsets.UTF_8), DeviceEvent.class,
        DeviceEvent.MAX_BYTES)).isInstanceOf(MessageException.class);
  }

  private static Target read(String json) throws IOException {
    return Json.mapper().readValue(json, Target.class);
  }
}
