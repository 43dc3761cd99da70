package org.edgefleet.agent.android.conditions;

import android.app.Activity;
import android.app.Application;
import android.content.BroadcastReceiver;
import android.content.Context;
import android.content.Intent;
import android.content.IntentFilter;
import android.net.ConnectivityManager;
import android.net.Network;
import android.os.BatteryManager;
import android.os.Bundle;
import java.util.function.Consumer;

/**
 * Watches what {@link SyncConditions} depend on: whether an activity of the app is started (the
 * app is in the foreground), the default network and whether it is metered, and the charger. Calls
 * {@code onChange} with the new state on the main thread whenever one of them changes.
 */
public final class DeviceMonitor implements Application.ActivityLifecycleCallbacks {

  private final Application app;
  private final ConnectivityManager connectivity;
  private final Consumer<DeviceState> onChange;
  private final BroadcastReceiver power = new BroadcastReceiver() {
    @Override
    public void onReceive(Context context, Intent intent) {
      changed();
    }
  };
  private final ConnectivityManager.NetworkCallback network = new ConnectivityManager.NetworkCallback() {
    @Override
    public void onAvailable(Network n) {
      changed();
    }

    @Override
    public void onLost(Network n) {
      changed();
    }
  };
  private volatile int startedActivities; // changed on the main thread, read on any

  /**
   * @param startedActivities activities of the app started before the monitor (1 when the agent is
   *     created in an activity's {@code onCreate}, 0 in {@code Application.onCreate} or a service)
   */
  public DeviceMonitor(Application app, int startedActivities, Consumer<DeviceState> onChange) {
    this.app = app;
    this.connectivity = (ConnectivityManager) app.getSystemService(Context.CONNECTIVITY_SERVICE);
    this.onChange = onChange;
    this.startedActivities = startedActivities;
  }

  public void start() {
    app.registerActivityLifecycleCallbacks(this);
    IntentFilter filter = new IntentFilter();
    filter.addAction(Intent.ACTION_POWER_CONNECTED);
    filter.addAction(Intent.ACTION_POWER_DISCONNECTED);
    app.registerReceiver(power, filter);
    connectivity.registerDefaultNetworkCallback(network);
  }

  public void stop() {
    app.unregisterActivityLifecycleCallbacks(this);
    app.unregisterReceiver(power);
    connectivity.unregisterNetworkCallback(network);
  }

  /** The state now. */
  public DeviceState state() {
    Intent battery = app.registerReceiver(null, new IntentFilter(Intent.ACTION_BATTERY_CHANGED));
    boolean charging = battery != null && battery.getIntExtra(BatteryManager.EXTRA_PLUGGED, 0) != 0;
    boolean online = connectivity.getActiveNetwork() != null;
    return new DeviceState(startedActivities > 0, online, online && !connectivity.isActiveNetworkMetered(), charging);
  }

  private void changed() {
    onChange.accept(state());
  }

  @Override
  public void onActivityStarted(Activity activity) {
    startedActivities++;
    if (startedActivities == 1) {
      changed();
    }
  }

  @Override
  public void onActivityStopped(Activity activity) {
    startedActivities = Math.max(0, startedActivities - 1);
    if (startedActivities == 0) {
      changed();
    }
  }

  @Override
  public void onActivityCreated(Activity activity, Bundle saved) {}

  @Override
  public void onActivityResumed(Activity activity) {}

  @Override
  public void onActivityPaused(Activity activity) {}

  @Override
  public void onActivitySaveInstanceState(Activity activity, Bundle out) {}

  @Override
  public void onActivityDestroyed(Activity activity) {}
}
