package org.edgefleet.server.drift;

import java.time.Instant;
import java.util.List;

/** The live input histograms devices sent with telemetry. Opened on one transaction, used inside it only. */
public interface DriftStore {

  /** One device's histogram of one feature from one batch. */
  record Row(String deviceId, Instant receivedAt, String input, String feature, long[] counts) {}

  /** Every histogram of the version received from {@code from} to {@code to}, both included. */
  List<Row> rows(String model, int version, Instant from, Instant to);
}
