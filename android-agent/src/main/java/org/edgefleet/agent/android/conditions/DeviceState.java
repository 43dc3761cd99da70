package org.edgefleet.agent.android.conditions;

/** What {@link SyncConditions} look at, as the device reports it now. */
public record DeviceState(boolean foreground, boolean network, boolean unmetered, boolean charging) {}
