package org.edgefleet.agent.android;

import android.app.Application;
import android.content.Context;
import java.io.File;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.EdgeAgentBuilder;
import org.edgefleet.agent.android.conditions.GatedTransport;
import org.edgefleet.agent.android.conditions.SyncConditions;
import org.edgefleet.agent.android.engine.TfliteAndroidEngine;
import org.edgefleet.agent.android.storage.AndroidOutbox;
import org.edgefleet.agent.transport.MqttOptions;
import org.edgefleet.agent.transport.MqttTransportFactory;
import org.edgefleet.protocol.config.Setting;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.trust.SignedKeySet;
import org.edgefleet.protocol.trust.TrustStore;
import org.jetbrains.annotations.NotNull;

/**
 * Builds an {@link AndroidAgent}. Required: the device id, the broker URL and the trust (the
 * fleet's root key set, or fixed packager and server keys). The data dir is {@code edgefleet/}
 * in the app's files dir, the outbox is {@link AndroidOutbox}, TFLite models run on
 * {@link TfliteAndroidEngine} when the app has TFLite's AAR, and ONNX models on ONNX Runtime
 * (agent-onnx) when it has onnxruntime-android.
 */
public final class AndroidAgentBuilder {

  /** The agent's directory in the app's files dir (app-private, removed with the app). */
  public static final String DATA_DIR_NAME = "edgefleet";

  private final Application app;
  private final EdgeAgentBuilder core = EdgeAgent.builder();
  private SyncConditions conditions = SyncConditions.DEFAULT;
  private int startedActivities;
  private int tfliteThreads = 1;

  AndroidAgentBuilder(Context context) {
    this.app = (Application) Objects.requireNonNull(context, "context must not be null").getApplicationContext();
    core.dataDir(new File(app.getFilesDir(), DATA_DIR_NAME).toPath());
  }

  @NotNull
  public AndroidAgentBuilder deviceId(@NotNull String id) {
    core.deviceId(id);
    return this;
  }

  /** The fleet's broker, {@code tcp://host:1883} or {@code ssl://host:8883}. */
  @NotNull
  public AndroidAgentBuilder brokerUrl(@NotNull String url) {
    core.set(MqttOptions.BROKER_URL, url);
    return this;
  }

  @NotNull
  public AndroidAgentBuilder labels(@NotNull Map<String, String> labels) {
    core.labels(labels);
    return this;
  }

  @NotNull
  public AndroidAgentBuilder trust(@NotNull TrustStore trust) {
    core.trust(trust);
    return this;
  }

  @NotNull
  public AndroidAgentBuilder keySet(@NotNull SignedKeySet keySet) {
    core.keySet(keySet);
    return this;
  }

  /** When the agent may talk to the server; default {@link SyncConditions#DEFAULT}. */
  @NotNull
  public AndroidAgentBuilder conditions(@NotNull SyncConditions conditions) {
    this.conditions = Objects.requireNonNull(conditions, "conditions must not be null");
    return this;
  }

  /** Activities already started when the agent is built: 1 when built in an activity's {@code onCreate}. */
  @NotNull
  public AndroidAgentBuilder startedActivities(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("startedActivities must be at least 0, was " + count);
    }
    this.startedActivities = count;
    return this;
  }

  @NotNull
  public AndroidAgentBuilder tfliteThreads(int threads) {
    this.tfliteThreads = threads;
    return this;
  }

  /** Any setting of the agent core or its MQTT transport ({@code AgentSettings}, {@code MqttOptions}). */
  @NotNull
  public <T> AndroidAgentBuilder set(@NotNull Setting<T> setting, T value) {
    core.set(setting, value);
    return this;
  }

  /** Validates the settings; nothing touches the network or the disk before {@link AndroidAgent#start()}. */
  @NotNull
  public AndroidAgent build() {
    MqttTransportFactory mqtt = new MqttTransportFactory();
    AtomicReference<GatedTransport> gated = new AtomicReference<>();
    if (hasClass("org.tensorflow.lite.Interpreter")) {
      core.engine(new TfliteAndroidEngine(tfliteThreads)); // else the device does not claim it runs TFLite
    }
    core.outbox(AndroidOutbox.inDataDir())
        .transport((config, scheduler) -> {
          String statusTopic = new Topics(config.topicPrefix()).topic(config.deviceId(), TopicKind.STATUS);
          GatedTransport t = new GatedTransport(() -> mqtt.create(config, scheduler), scheduler, statusTopic,
              MessageCodec.encode(DeviceStatus.of(DeviceStatus.State.OFFLINE)));
          gated.set(t);
          return t;
        });
    EdgeAgent agent = core.build();
    return new AndroidAgent(agent, gated.get(), app, startedActivities, conditions);
  }

  private static boolean hasClass(String name) {
    try {
      Class.forName(name, false, AndroidAgentBuilder.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
