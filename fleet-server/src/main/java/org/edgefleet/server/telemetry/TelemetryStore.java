package org.edgefleet.server.telemetry;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.edgefleet.protocol.message.TelemetryBatch;

/** Telemetry batches and their per-model metrics. Called on the database thread only. */
public interface TelemetryStore {

  /** A batch as received. */
  record Received(TelemetryBatch batch, Instant receivedAt) {}

  /** One device's metrics of one model version from one batch. */
  record Row(int version, String deviceId, long inferences, long errors, String latencyMicros) {}

  /** Stores the batches whose (device, seq) is new; true for each one stored, false for a replay. */
  List<Boolean> insert(List<Received> batches) throws SQLException;

  /** Whether any device ever reported metrics of the model. */
  boolean hasAny(String model) throws SQLException;

  /** Every row of the model received at or after {@code since}. */
  List<Row> rows(String model, Instant since) throws SQLException;
}
