package org.edgefleet.server.telemetry;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.edgefleet.protocol.message.TelemetryBatch;

/** Telemetry batches and their per-model metrics. Opened on one transaction, used inside it only. */
public interface TelemetryStore {

  /** A batch as received. */
  record Received(TelemetryBatch batch, Instant receivedAt) {}

  /**
   * One device's metrics of one model version from one batch; {@code shadowJson} and
   * {@code outcomesJson} are the batch's shadow comparison and A/B outcomes as sent, or null;
   * {@code invalidOutputs} is null where the agent did not count them (or the query did not read them).
   */
  record Row(int version, String deviceId, long inferences, long errors, String latencyMicros, String shadowJson,
      String outcomesJson, Long invalidOutputs) {}

  /** Stores the batches whose (device, seq) is new; true for each one stored, false for a replay. */
  List<Boolean> insert(List<Received> batches);

  /** Whether any device ever reported metrics of the model. */
  boolean hasAny(String model);

  /**
   * The rows of one version of the model from the given devices received at or after {@code since}:
   * raw rows, and the minute and hour buckets that end after it (the window widened to whole buckets).
   */
  List<Row> rows(String model, int version, Collection<String> devices, Instant since);

  /** Every row and bucket of the model since {@code since}, as for the gate query; buckets have no shadow comparison. */
  List<Row> rows(String model, Instant since);

  /** Resource use of the given devices (every device when null) since {@code since}, over raw rows and buckets. */
  ResourceSummary resources(Collection<String> devices, Instant since);
}
