package org.edgefleet.server.store;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A device's sequence epoch. Devices number events and telemetry with a counter kept in their data
 * directory; when that directory is wiped the counter starts again at 1 and the new messages carry
 * sequence numbers already stored. A stored (device, seq) arriving with other content than the
 * stored one is such a restart, not a replay: the device's epoch grows and its messages are kept
 * under the new epoch, so the device is not frozen out until its counter passes the old one. A
 * replay has the same content and is still stored once.
 *
 * <p>Whoever reads an epoch to store under it locks it ({@link #lock}) for the rest of its
 * transaction, so two transactions (two writers, or two server instances) cannot both decide that
 * the same sequence restarted. Devices are locked in id order, so two batches do not deadlock on
 * devices both have seen before (two batches that each bring a new device may: PostgreSQL then
 * aborts one, and {@link Database} runs it again).
 */
public final class SeqEpochs {

  private final Transaction tx;

  public SeqEpochs(Transaction tx) {
    this.tx = tx;
  }

  /** The current epoch of each device (0 until its sequence first restarted), locked until the transaction ends. */
  public Map<String, Long> lock(Collection<String> deviceIds) {
    List<String> ids = List.copyOf(new TreeSet<>(deviceIds));
    if (ids.isEmpty()) {
      return Map.of();
    }
    // A row to lock, even for a device whose sequence never restarted.
    tx.batch("INSERT INTO device_seq_epochs (device_id, epoch) VALUES (?, 0) ON CONFLICT (device_id) DO NOTHING",
        ids.stream().map(id -> new Object[] {id}).toList());
    Map<String, Long> epochs = new HashMap<>();
    // One statement; sorted before they are locked, so two writers take their common rows in the same order.
    tx.query("SELECT device_id, epoch FROM device_seq_epochs WHERE device_id IN ("
        + String.join(", ", Collections.nCopies(ids.size(), "?")) + ") ORDER BY device_id" + tx.dialect().forUpdate(),
        rs -> epochs.put(rs.getString(1), rs.getLong(2)), ids.toArray());
    return epochs;
  }

  /** Starts the device's next epoch and returns it; the device must be locked by {@link #lock}. */
  public long next(String deviceId) {
    return tx.number("INSERT INTO device_seq_epochs (device_id, epoch) VALUES (?, 1) "
        + "ON CONFLICT (device_id) DO UPDATE SET epoch = device_seq_epochs.epoch + 1 RETURNING epoch", 0, deviceId);
  }
}
