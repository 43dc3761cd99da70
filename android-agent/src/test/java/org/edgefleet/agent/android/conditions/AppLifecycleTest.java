package org.edgefleet.agent.android.conditions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.robolectric.Shadows.shadowOf;

import android.app.Activity;
import android.app.Application;
import android.content.Context;
import android.content.Intent;
import android.net.ConnectivityManager;
import android.net.NetworkInfo;
import android.os.BatteryManager;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.edgefleet.agent.AgentSettings;
import org.edgefleet.agent.android.AndroidAgent;
import org.edgefleet.agent.android.AndroidAgentBuilder;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.agent.testkit.WrittenChunks;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DeviceStatus;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;
import org.robolectric.shadows.ShadowLooper;
import org.robolectric.shadows.ShadowNetworkInfo;

/**
 * The agent follows the app and the device: it connects to a real broker while an activity is
 * started and the sync conditions hold, and lets go when the app goes to the background, the
 * network becomes metered or the charger is pulled, and a download it paused resumes from the
 * first chunk it lacks. The activities, the broadcasts and the
 * network callback are Android's own classes under Robolectric; the network and battery states
 * are set through Robolectric's shadows, since this JVM has neither.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 34)
public class AppLifecycleTest {

  static final Duration WAIT = Duration.ofSeconds(60);
  static final String MODEL = "wake-word";

  Application app;
  ConnectivityManager connectivity;
  TestBroker broker;
  TestServer server;
  AndroidAgent agent;

  @Before
  public void setUp() throws Exception {
    app = RuntimeEnvironment.getApplication();
    connectivity = (ConnectivityManager) app.getSystemService(Context.CONNECTIVITY_SERVICE);
    broker = TestBroker.start();
    server = new TestServer(broker.url(), TestAgents.SERVER);
  }

  @After
  public void tearDown() throws Exception {
    if (agent != null) {
      agent.close();
    }
    server.close();
    broker.close();
  }

  AndroidAgent agent(SyncConditions conditions) {
    return AndroidAgent.builder(app).deviceId("phone-2").brokerUrl(broker.url()).trust(TestAgents.trust())
        .labels(Map.of("hw", "android")).conditions(conditions)
        .set(AgentSettings.RECONNECT_BASE, Duration.ofMillis(50))
        .set(AgentSettings.RECONNECT_MAX, Duration.ofMillis(400))
        .set(AgentSettings.CHUNK_TIMEOUT, Duration.ofMillis(800))
        .set(AgentSettings.NATIVE_DIR, Path.of(System.getProperty("java.io.tmpdir"), "ort-native"))
        .build();
  }

  @Test
  public void connectsInTheForegroundOnlyAndPausesInTheBackground() {
    agent = agent(SyncConditions.DEFAULT);
    agent.start();
    assertThat(agent.syncBlockedBy()).isEqualTo("app in the background");

    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    assertThat(agent.syncBlockedBy()).isEmpty();
    await().atMost(WAIT).until(agent::isConnected);
    await().atMost(WAIT).until(() -> server.status("phone-2").map(s -> s == DeviceStatus.State.ONLINE).orElse(false));

    activity.stop();
    assertThat(agent.syncBlockedBy()).isEqualTo("app in the background");
    await().atMost(WAIT).until(() -> !agent.isConnected());
    await().atMost(WAIT).until(() -> server.status("phone-2").map(s -> s == DeviceStatus.State.OFFLINE).orElse(false));

    activity.start();
    await().atMost(WAIT).until(agent::isConnected);
  }

  @Test
  public void waitsForAnUnmeteredNetworkAndTheCharger() {
    onNetwork(ConnectivityManager.TYPE_MOBILE);
    plugged(false);
    agent = agent(new SyncConditions(true, true, true));
    agent.start();
    assertThat(agent.deviceState().unmetered()).isFalse();
    assertThat(agent.syncBlockedBy()).isEqualTo("metered network");

    onNetwork(ConnectivityManager.TYPE_WIFI);
    assertThat(agent.syncBlockedBy()).isEqualTo("not charging");
    plugged(true);
    assertThat(agent.syncBlockedBy()).isEmpty();
    await().atMost(WAIT).until(agent::isConnected);

    plugged(false);
    await().atMost(WAIT).until(() -> !agent.isConnected());
    assertThat(agent.syncBlockedBy()).isEqualTo("not charging");
  }

  @Test
  public void aDownloadPausedOnAMeteredNetworkResumesWhereItStopped() throws Exception {
    onNetwork(ConnectivityManager.TYPE_WIFI);
    agent = agent(new SyncConditions(true, false, true));
    TestBundles bundles = new TestBundles(new File(app.getCacheDir(), "bundles").toPath(), TestAgents.PACKAGER);
    BundleRef ref = server.serve(bundles.spec(MODEL, 1).padding(20_000).write(), TestAgents.CHUNK_SIZE);
    int firstPart = 8;
    server.gate(index -> index < firstPart);
    agent.start();
    server.publishDesired("phone-2", 1, TestServer.assignment(MODEL, 1, ref, false));
    await().atMost(WAIT).until(() -> storedChunks() == firstPart);

    onNetwork(ConnectivityManager.TYPE_MOBILE);
    await().atMost(WAIT).until(() -> !agent.isConnected());
    int after = server.nextEpoch();
    server.gate(index -> true);
    onNetwork(ConnectivityManager.TYPE_WIFI);

    await().atMost(WAIT).until(() -> Integer.valueOf(1).equals(agent.activeVersion(MODEL)));
    assertThat(server.requests().stream().filter(r -> r.epoch() == after).map(TestServer.Request::index))
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(IntStream.range(firstPart, ref.chunkCount()).boxed().collect(Collectors.toList()));
  }

  private long storedChunks() throws IOException {
    return WrittenChunks.in(new File(app.getFilesDir(), AndroidAgentBuilder.DATA_DIR_NAME).toPath());
  }

  private void onNetwork(int type) {
    shadowOf(connectivity).setActiveNetworkInfo(ShadowNetworkInfo.newInstance(NetworkInfo.DetailedState.CONNECTED, type, 0,
        true, NetworkInfo.State.CONNECTED));
    shadowOf(connectivity).getNetworkCallbacks().forEach(cb -> cb.onAvailable(connectivity.getActiveNetwork()));
    ShadowLooper.idleMainLooper();
  }

  private void plugged(boolean charging) {
    Intent battery = new Intent(Intent.ACTION_BATTERY_CHANGED)
        .putExtra(BatteryManager.EXTRA_PLUGGED, charging ? BatteryManager.BATTERY_PLUGGED_AC : 0);
    app.sendStickyBroadcast(battery);
    app.sendBroadcast(new Intent(charging ? Intent.ACTION_POWER_CONNECTED : Intent.ACTION_POWER_DISCONNECTED));
    ShadowLooper.idleMainLooper();
  }
}
