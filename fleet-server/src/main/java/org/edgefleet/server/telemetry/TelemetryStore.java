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
   * One device's metrics of one model version from one batch or bucket; {@code shadowJson} and
   * {@code outcomesJson} are the shadow comparison and A/B outcomes, or null.
   *
   * @param shadowWeight the inferences the shadow comparison stands for (its weight in a merge)
   * @param invalidChecked the inferences checked for NaN and infinity: 0 where the agent does not count them
   * @param invalidOutputs of those, the inferences whose outputs held NaN or infinity
   */
  record Row(int version, String deviceId, long inferences, long errors, String latencyMicros, String shadowJson,
      long shadowWeight, String outcomesJson, long invalidChecked, long invalidOutputs) {

    /** A batch's row as stored: its shadow comparison weighs its inferences; a null invalid count was not counted. */
    static Row ofBatch(int version, String deviceId, long inferences, long errors, String latencyMicros, String shadowJson,
        String outcomesJson, Long invalidOutputs) {
      return new Row(version, deviceId, inferences, errors, latencyMicros, shadowJson, Math.max(1, inferences), outcomesJson,
          invalidOutputs == null ? 0 : inferences, invalidOutputs == null ? 0 : invalidOutputs);
    }
  }

  /** Stores the batches whose (device, seq) is new; true for each one stored, false for a replay. */
  List<Boolean> insert(List<Received> batches);

  /** Whether any device ever reported metrics of the model. */
  boolean hasAny(String model);

  /**
   * The rows of one version of the model from the given devices received at or after {@code since}:
   * raw rows, and the minute and hour buckets that end after it (the window widened to whole buckets).
   */
  List<Row> rows(String model, int version, Collection<String> devices, Instant since);

  /** Every row and bucket of the model since {@code since}, as for the gate query. */
  List<Row> rows(String model, Instant since);

  /** Resource use of the given devices (every device when null) since {@code since}, over raw rows and buckets. */
  ResourceSummary resources(Collection<String> devices, Instant since);
}
