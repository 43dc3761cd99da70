package org.edgefleet.server.device;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.store.SeqEpochs;

/** Devices, their reports and events. Opened on one transaction, used inside it only. */
public interface DeviceStore {

  /** Records a device seen for the first time; does nothing for a known one. */
  void register(String deviceId, Instant now);

  /**
   * Stores the report received at {@code now}, registering the device if needed, unless a report
   * received later is stored already: transactions may commit out of order, the newest report wins.
   */
  void saveReported(ReportedState state, Instant now);

  /**
   * Stores each event unless the same event is already stored under its (device, seq); true for
   * each one that was new, in order. Another event under a stored seq means the device's sequence
   * restarted ({@link SeqEpochs}).
   */
  List<Boolean> insertEvents(List<DeviceEvent> events, Instant now);

  /**
   * Replaces the labels the operator set on the device (they win over reported labels of the same
   * key); false when the device is unknown.
   */
  boolean setOperatorLabels(String deviceId, Map<String, String> labels);

  /** The labels the operator set on the device; empty when none or the device is unknown. */
  Map<String, String> operatorLabels(String deviceId);

  /** Every device whose labels (reported and operator's, merged) the selector matches, in id order. */
  List<DeviceRecord> matching(Selector selector);

  void setOnline(String deviceId, boolean online, Instant now);

  void touch(Map<String, Instant> lastSeen);

  /** Every device id, with whether it is stored as online. */
  Map<String, Boolean> presence();

  /** Marks offline every online device last seen before the time; returns how many. */
  int expireOnline(Instant seenBefore);

  List<DeviceRecord> all();

  /**
   * Up to {@code limit} devices matching the query with ids after {@code afterId} (null: from the
   * start), in id order. A device counts as online when its status says so and it was seen at or
   * after {@code onlineSince}.
   */
  List<DeviceRecord> page(DeviceQuery query, Instant onlineSince, String afterId, int limit);

  Optional<DeviceRecord> find(String deviceId);

  /** The latest event per model of one device, or of every device when deviceId is null. */
  Map<String, List<LatestEvent>> latestEvents(String deviceId);
}
