package org.edgefleet.agent.android;

import android.app.Application;
import android.content.Context;
import android.os.Handler;
import android.os.Looper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.edgefleet.agent.AgentListener;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.Prediction;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.agent.android.conditions.DeviceMonitor;
import org.edgefleet.agent.android.conditions.DeviceState;
import org.edgefleet.agent.android.conditions.GatedTransport;
import org.edgefleet.agent.android.conditions.SyncConditions;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.tensor.Tensor;
import org.jetbrains.annotations.NotNull;
import org.jetbrains.annotations.Nullable;

/**
 * The fleet agent inside an Android app: keeps the models the fleet assigns to this device in the
 * app's files dir, verifies and installs them, serves {@code predict} from the installed model
 * (offline too, and at once after the process restarts), and reports to the server while the
 * {@link SyncConditions} allow. Create one per process (in {@code Application.onCreate}), call
 * {@link #start()} once and {@link #close()} when the app no longer needs it; it follows the app
 * between foreground and background by itself.
 */
public final class AndroidAgent implements AutoCloseable {

  private final EdgeAgent agent;
  private final GatedTransport transport;
  private final DeviceMonitor monitor;
  private final SyncConditions conditions;
  private final Handler main = new Handler(Looper.getMainLooper());
  private final CopyOnWriteArrayList<AgentUpdateListener> listeners = new CopyOnWriteArrayList<>();
  private boolean started;

  AndroidAgent(EdgeAgent agent, GatedTransport transport, Application app, int startedActivities, SyncConditions conditions) {
    this.agent = agent;
    this.transport = transport;
    this.conditions = conditions;
    this.monitor = new DeviceMonitor(app, startedActivities, this::apply);
    agent.addListener(new AgentListener() {
      @Override
      public void onEvent(DeviceEvent e) {
        if (e.result() == DeviceEvent.Result.FAILURE) {
          String reason = e.reason() == null ? "unknown" : e.reason();
          main.post(() -> listeners.forEach(l -> l.onUpdateFailed(e.model(), e.version(), e.execution().wireName(), reason)));
        }
      }

      @Override
      public void onActivated(String model, int version) {
        main.post(() -> listeners.forEach(l -> l.onModelActivated(model, version)));
      }

      @Override
      public void onConnectionChanged(boolean connected) {
        main.post(() -> listeners.forEach(l -> l.onConnectionChanged(connected)));
      }
    });
  }

  @NotNull
  public static AndroidAgentBuilder builder(@NotNull Context context) {
    return new AndroidAgentBuilder(context);
  }

  /**
   * Loads the installed models (they serve at once) and starts following the app's lifecycle, the
   * network and the charger. Call once, on any thread.
   *
   * @throws UncheckedIOException when the agent's directory in the app's files dir cannot be used
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("the agent is already started");
    }
    try {
      agent.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fleet agent in " + agent.config().dataDir() + ": " + e.getMessage(), e);
    }
    started = true;
    monitor.start();
    apply(monitor.state());
  }

  /** Re-reads the device's state; the agent does it by itself on every change it is told of. */
  public void refreshConditions() {
    apply(monitor.state());
  }

  private void apply(DeviceState state) {
    transport.setOpen(conditions.allow(state), conditions.blockedBy(state));
  }

  /**
   * Runs the active version of {@code model} on the caller's thread (never the main thread for a
   * large model). Works offline.
   *
   * @throws AgentPredictionException with the reason when there is no output
   */
  @NotNull
  public Prediction predict(@NotNull String model, @NotNull Map<String, Tensor> inputs) {
    return predict(model, inputs, null);
  }

  /** As {@link #predict(String, Map)}, under {@code requestId} for a later {@link #recordOutcome}. */
  @NotNull
  public Prediction predict(@NotNull String model, @NotNull Map<String, Tensor> inputs, @Nullable String requestId) {
    try {
      return requestId == null ? agent.predict(model, inputs) : agent.predict(model, inputs, requestId);
    } catch (PredictionException e) {
      throw new AgentPredictionException(e);
    }
  }

  /** Reports how a prediction turned out (an A/B test's outcome); false when the request id is unknown or too old. */
  public boolean recordOutcome(@NotNull String requestId, double value) {
    return agent.recordOutcome(requestId, value);
  }

  /** The version of {@code model} that serves, or null when none is installed. */
  @Nullable
  public Integer activeVersion(@NotNull String model) {
    OptionalInt v = agent.activeVersion(model);
    return v.isPresent() ? v.getAsInt() : null;
  }

  public boolean isConnected() {
    return agent.isConnected();
  }

  @NotNull
  public DeviceState deviceState() {
    return monitor.state();
  }

  /** Why the agent does not talk to the server now ("metered network", "not charging", ...); empty when it may. */
  @NotNull
  public String syncBlockedBy() {
    return conditions.blockedBy(monitor.state());
  }

  public void addListener(@NotNull AgentUpdateListener listener) {
    listeners.add(listener);
  }

  public void removeListener(@NotNull AgentUpdateListener listener) {
    listeners.remove(listener);
  }

  /** The agent core, for what this class does not wrap (stats, manifests, settings). */
  @NotNull
  public EdgeAgent core() {
    return agent;
  }

  /** Stops following the device, disconnects and releases the models; the installed ones stay on disk. */
  @Override
  public synchronized void close() {
    if (started) {
      monitor.stop();
    }
    agent.close();
  }
}
