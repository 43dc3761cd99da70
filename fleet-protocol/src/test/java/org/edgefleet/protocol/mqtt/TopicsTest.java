package org.edgefleet.protocol.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicsTest {

  final Topics topics = Topics.defaults();

  @Test
  void buildsAndParsesEveryKind() {
    for (TopicKind kind : TopicKind.values()) {
      String topic = topics.topic("dev-1", kind);
      assertThat(topics.parse(topic)).contains(new Topics.DeviceTopic("dev-1", kind));
    }
    assertThat(topics.topic("dev-1", TopicKind.BUNDLE_CHUNK)).isEqualTo("fleet/d/dev-1/bundle/chunk");
    assertThat(topics.allDevices(TopicKind.TELEMETRY)).isEqualTo("fleet/d/+/telemetry");
  }

  @Test
  void refusesHostileTopicsAndIds() {
    assertThat(topics.parse("fleet/d/+/telemetry")).isEmpty();
    assertThat(topics.parse("fleet/d/#")).isEmpty();
    assertThat(topics.parse("fleet/d/dev-1/unknown")).isEmpty();
    assertThat(topics.parse("fleet/d//telemetry")).isEmpty();
    assertThat(topics.parse("other/d/dev-1/telemetry")).isEmpty();
    assertThat(topics.parse(null)).isEmpty();
    for (String bad : new String[] {"", "a/b", "+", "#", "-x", "x".repeat(65), "dév"}) {
      assertThatThrownBy(() -> topics.topic(bad, TopicKind.EVENTS)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> new Topics("fleet/#")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bundleBroadcastTopics() {
    String digest = "ab".repeat(32);
    assertThat(topics.bundleChunks(digest)).isEqualTo("fleet/b/" + digest + "/chunk");
    assertThat(topics.parseBundleChunks(topics.bundleChunks(digest))).contains(digest);
    assertThat(topics.parseBundleChunks("fleet/b/+/chunk")).isEmpty();
    assertThat(topics.parseBundleChunks("fleet/b/#")).isEmpty();
    assertThat(topics.parseBundleChunks("fleet/b/" + "AB".repeat(32) + "/chunk")).isEmpty();
    assertThat(topics.parseBundleChunks("fleet/d/dev-1/bundle/chunk")).isEmpty();
    assertThat(topics.parse(topics.bundleChunks(digest))).isEmpty();
    assertThatThrownBy(() -> topics.bundleChunks("+")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void customPrefix() {
    Topics t = new Topics("acme/prod");
    assertThat(t.topic("d1", TopicKind.DESIRED)).isEqualTo("acme/prod/d/d1/desired");
    assertThat(t.parse("acme/prod/d/d1/status")).contains(new Topics.DeviceTopic("d1", TopicKind.STATUS));
    assertThat(t.parse("fleet/d/d1/status")).isEmpty();
  }
}
