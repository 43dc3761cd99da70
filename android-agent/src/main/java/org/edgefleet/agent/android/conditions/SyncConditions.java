package org.edgefleet.agent.android.conditions;

/**
 * When the agent talks to the server (downloads models, sends reports), like Firebase's download
 * conditions. Whatever they say, {@code predict} keeps serving the installed model and reports wait
 * in the outbox.
 *
 * @param requireUnmetered only on an unmetered network (Wi-Fi, Ethernet), never on mobile data
 * @param requireCharging only while the device is charging
 * @param inBackground also while no activity of the app is visible; off by default, so the app
 *     costs no battery in the background (no WorkManager job, no wake lock)
 */
public record SyncConditions(boolean requireUnmetered, boolean requireCharging, boolean inBackground) {

  /** Any network, charging or not, only while the app is in the foreground. */
  public static final SyncConditions DEFAULT = new SyncConditions(false, false, false);

  /** Whether the agent may be connected in {@code state}. */
  public boolean allow(DeviceState state) {
    return state.network()
        && (state.foreground() || inBackground)
        && (!requireUnmetered || state.unmetered())
        && (!requireCharging || state.charging());
  }

  /** Why the agent is not connected in {@code state}, for logs; empty when it may be. */
  public String blockedBy(DeviceState state) {
    if (!state.network()) {
      return "no network";
    }
    if (!state.foreground() && !inBackground) {
      return "app in the background";
    }
    if (requireUnmetered && !state.unmetered()) {
      return "metered network";
    }
    if (requireCharging && !state.charging()) {
      return "not charging";
    }
    return "";
  }
}
