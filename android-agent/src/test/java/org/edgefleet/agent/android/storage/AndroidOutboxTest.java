package org.edgefleet.agent.android.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.edgefleet.agent.outbox.OutboxEntry;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;

/** The outbox on Android's SQLite (Robolectric runs the framework's SQLite on this JVM). */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 34)
public class AndroidOutboxTest {

  File file() {
    return new File(RuntimeEnvironment.getApplication().getFilesDir(), "agent/outbox.db");
  }

  @Test
  public void numbersStreamsKeepsOrderAndSurvivesAReopen() throws Exception {
    try (AndroidOutbox o = AndroidOutbox.open(file(), 10)) {
      assertThat(o.append("events", "t/e", seq -> bytes("e" + seq))).isEqualTo(1);
      assertThat(o.append("telemetry", "t/t", seq -> bytes("t" + seq))).isEqualTo(1);
      assertThat(o.append("events", "t/e", seq -> bytes("e" + seq))).isEqualTo(2);
      List<OutboxEntry> all = o.oldest(10);
      assertThat(all).extracting(e -> new String(e.payload(), StandardCharsets.UTF_8)).containsExactly("e1", "t1", "e2");
      o.remove(all.get(0).id());
      o.remove(all.get(0).id()); // removing twice does nothing
      assertThat(o.size()).isEqualTo(2);
    }
    try (AndroidOutbox o = AndroidOutbox.open(file(), 10)) {
      assertThat(o.size()).isEqualTo(2);
      // A number the server may have seen is never given again, even after the message was removed.
      assertThat(o.append("events", "t/e", seq -> bytes("e" + seq))).isEqualTo(3);
      assertThat(o.oldest(1)).extracting(OutboxEntry::seq).containsExactly(1L);
    }
  }

  @Test
  public void dropsTheOldestAtTheBoundAndCountsThemAcrossReopens() throws Exception {
    try (AndroidOutbox o = AndroidOutbox.open(file(), 3)) {
      for (int i = 0; i < 5; i++) {
        o.append("telemetry", "t", seq -> new byte[100]);
      }
      assertThat(o.size()).isEqualTo(3);
      assertThat(o.dropped()).isEqualTo(2);
      assertThat(o.oldest(10)).extracting(OutboxEntry::seq).containsExactly(3L, 4L, 5L);
    }
    try (AndroidOutbox o = AndroidOutbox.open(file(), 3)) {
      assertThat(o.dropped()).isEqualTo(2);
    }
  }

  @Test
  public void refusesABadBoundAndAFailingPayloadLeavesNothing() throws Exception {
    assertThatThrownBy(() -> AndroidOutbox.open(file(), 0)).hasMessageContaining("bound must be at least 1");
    try (AndroidOutbox o = AndroidOutbox.open(file(), 5)) {
      assertThatThrownBy(() -> o.append("events", "t", seq -> {
        throw new IllegalStateException("cannot encode");
      })).hasMessageContaining("cannot encode");
      assertThat(o.size()).isZero();
      assertThat(o.append("events", "t", seq -> bytes("ok"))).isEqualTo(1);
    }
  }

  @Test
  public void refusesAMessageTooLargeToReadBackAndKeepsItsNumberFree() throws Exception {
    try (AndroidOutbox o = AndroidOutbox.open(file(), 5)) {
      o.append("telemetry", "t", seq -> new byte[AndroidOutbox.MAX_MESSAGE_BYTES]);
      assertThatThrownBy(() -> o.append("telemetry", "t", seq -> new byte[AndroidOutbox.MAX_MESSAGE_BYTES + 1]))
          .hasMessageContaining("over the limit of " + AndroidOutbox.MAX_MESSAGE_BYTES);
      assertThat(o.append("telemetry", "t", seq -> bytes("next"))).isEqualTo(2);
      assertThat(o.oldest(5)).extracting(e -> e.payload().length).containsExactly(AndroidOutbox.MAX_MESSAGE_BYTES, 4);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
