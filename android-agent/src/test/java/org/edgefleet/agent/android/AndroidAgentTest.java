package org.edgefleet.agent.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import android.app.Application;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.agent.android.conditions.SyncConditions;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.agent.transport.MqttOptions;
import org.edgefleet.agent.AgentSettings;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;

/**
 * The Android agent under Robolectric: Android's framework classes (Application, Handler, SQLite
 * through android.database.sqlite) run for real on this JVM, and so do the agent core, a real MQTT
 * broker on loopback, a test server that signs desired states and serves chunks, and ONNX Runtime
 * (its linux-x86_64 natives: the same ai.onnxruntime API as the onnxruntime-android AAR). What does
 * not run here is anything of a phone's own natives: TFLite's Android interpreter (see
 * TfliteAndroidEngineTest).
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 34)
public class AndroidAgentTest {

  static final String MODEL = "keyboard-next-word";
  static final Duration WAIT = Duration.ofSeconds(60);

  Application app;
  TestBroker broker;
  TestServer server;
  TestBundles bundles;
  AndroidAgent agent;

  @Before
  public void setUp() throws Exception {
    app = RuntimeEnvironment.getApplication();
    broker = TestBroker.start();
    server = new TestServer(broker.url(), TestAgents.SERVER);
    bundles = new TestBundles(new File(app.getCacheDir(), "bundles").toPath(), TestAgents.PACKAGER);
  }

  @After
  public void tearDown() throws Exception {
    if (agent != null) {
      agent.close();
    }
    server.close();
    broker.close();
  }

  AndroidAgent newAgent() {
    return AndroidAgent.builder(app)
        .deviceId("phone-1")
        .brokerUrl(broker.url())
        .trust(TestAgents.trust())
        .labels(Map.of("hw", "android"))
        .startedActivities(1)
        .conditions(SyncConditions.DEFAULT)
        .set(AgentSettings.TELEMETRY_INTERVAL, Duration.ofMillis(300))
        .set(AgentSettings.RECONNECT_BASE, Duration.ofMillis(50))
        .set(AgentSettings.RECONNECT_MAX, Duration.ofMillis(400))
        .set(AgentSettings.CHUNK_TIMEOUT, Duration.ofMillis(800))
        .set(AgentSettings.NATIVE_DIR, Path.of(System.getProperty("java.io.tmpdir"), "ort-native"))
        .set(MqttOptions.KEEP_ALIVE, Duration.ofSeconds(5))
        .build();
  }

  @Test
  public void installsServesReportsAndServesAgainAfterTheProcessRestarts() throws Exception {
    agent = newAgent();
    List<String> activations = new CopyOnWriteArrayList<>();
    agent.addListener(new AgentUpdateListener() {
      @Override
      public void onModelActivated(String model, int version) {
        activations.add(model + "@" + version);
      }
    });
    agent.start();
    assertThatThrownBy(() -> agent.predict(MODEL, input(0))).isInstanceOfSatisfying(AgentPredictionException.class,
        e -> assertThat(e.reason()).isEqualTo(PredictionException.Reason.NO_ACTIVE_MODEL));

    BundleRef v1 = server.serve(bundles.spec(MODEL, 1).padding(4000).write(), TestAgents.CHUNK_SIZE);
    server.publishDesired("phone-1", 1, TestServer.assignment(MODEL, 1, v1, false));
    await().atMost(WAIT).until(() -> Integer.valueOf(1).equals(agent.activeVersion(MODEL)));

    float[] expected = LinearModel.version(1).probabilities(TestBundles.sample(3));
    assertThat(agent.predict(MODEL, input(3)).output(LinearModel.PROBABILITIES).floats()).containsExactly(expected, offset(1e-5f));
    assertThat(new File(app.getFilesDir(), AndroidAgentBuilder.DATA_DIR_NAME + "/outbox.db")).exists();
    await().atMost(WAIT).until(() -> server.events("phone-1").stream()
        .anyMatch(e -> e.execution() == DeviceEvent.Execution.ACTIVATE && e.result() == DeviceEvent.Result.SUCCESS));
    await().atMost(WAIT).until(() -> server.reported("phone-1").map(r -> r.appliedRevision() == 1).orElse(false));
    org.robolectric.shadows.ShadowLooper.idleMainLooper();
    assertThat(activations).containsExactly(MODEL + "@1");

    // The app starts again (a new agent on the same files dir) with the server unreachable: the
    // installed model serves at once.
    agent.close();
    server.close();
    broker.close();
    agent = newAgent();
    agent.start();
    assertThat(agent.activeVersion(MODEL)).isEqualTo(1);
    assertThat(agent.predict(MODEL, input(3)).output(LinearModel.PROBABILITIES).floats()).containsExactly(expected, offset(1e-5f));
    broker = TestBroker.start();
    server = new TestServer(broker.url(), TestAgents.SERVER);
  }

  @Test
  public void refusesABundleSignedByAnUntrustedKeyAndKeepsServing() throws Exception {
    agent = newAgent();
    List<String> failures = new CopyOnWriteArrayList<>();
    agent.addListener(new AgentUpdateListener() {
      @Override
      public void onUpdateFailed(String model, int version, String step, String reason) {
        failures.add(step + ":" + reason);
      }
    });
    agent.start();
    BundleRef v1 = server.serve(bundles.spec(MODEL, 1).write(), TestAgents.CHUNK_SIZE);
    server.publishDesired("phone-1", 1, TestServer.assignment(MODEL, 1, v1, false));
    await().atMost(WAIT).until(() -> Integer.valueOf(1).equals(agent.activeVersion(MODEL)));

    Path forged = bundles.spec(MODEL, 2).write(org.edgefleet.protocol.trust.SigningKey.generate(
        org.edgefleet.protocol.trust.KeyRole.PACKAGER));
    BundleRef v2 = server.serve(forged, TestAgents.CHUNK_SIZE);
    server.publishDesired("phone-1", 2, TestServer.assignment(MODEL, 2, v2, false));
    await().atMost(WAIT).until(() -> server.events("phone-1").stream()
        .anyMatch(e -> e.version() == 2 && e.execution() == DeviceEvent.Execution.VERIFY && e.result() == DeviceEvent.Result.FAILURE));
    org.robolectric.shadows.ShadowLooper.idleMainLooper();
    assertThat(failures).anySatisfy(f -> assertThat(f).startsWith("verify:"));
    assertThat(agent.activeVersion(MODEL)).isEqualTo(1);
    assertThat(agent.predict(MODEL, input(1)).version()).isEqualTo(1);
  }

  @Test
  public void refusesABundleWhoseModelWasChangedAfterSigning() throws Exception {
    agent = newAgent();
    agent.start();
    Map<String, byte[]> entries = TestBundles.entries(bundles.spec(MODEL, 1).write());
    byte[] model = entries.get(TestBundles.MODEL_FILE).clone();
    model[model.length / 2] ^= 0x01;
    entries.put(TestBundles.MODEL_FILE, model);
    BundleRef tampered = server.serve(bundles.writeRaw(entries), TestAgents.CHUNK_SIZE);
    server.publishDesired("phone-1", 1, TestServer.assignment(MODEL, 1, tampered, false));

    await().atMost(WAIT).until(() -> server.events("phone-1").stream()
        .anyMatch(e -> e.execution() == DeviceEvent.Execution.VERIFY && e.result() == DeviceEvent.Result.FAILURE));
    assertThat(agent.activeVersion(MODEL)).isNull();
    assertThat(server.events("phone-1")).noneMatch(e -> e.execution() == DeviceEvent.Execution.INSTALL);
  }

  static Map<String, Tensor> input(int i) {
    return Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(i)));
  }
}
