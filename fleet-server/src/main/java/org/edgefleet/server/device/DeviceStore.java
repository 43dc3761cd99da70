package org.edgefleet.server.device;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.ReportedState;

/** Devices, their reports and events. Called on the database thread only. */
public interface DeviceStore {

  /** Records a device seen for the first time; does nothing for a known one. */
  void register(String deviceId, Instant now) throws SQLException;

  /** The device time of the last stored report, to spot an older report replayed. */
  Optional<Instant> reportedTime(String deviceId) throws SQLException;

  void saveReported(ReportedState state, Instant now) throws SQLException;

  /** Stores the event unless its (device, seq) is already stored; true when it was new. */
  boolean insertEvent(DeviceEvent event, Instant now) throws SQLException;

  void setOnline(String deviceId, boolean online, Instant now) throws SQLException;

  void touch(Map<String, Instant> lastSeen) throws SQLException;

  List<DeviceRecord> all() throws SQLException;

  Optional<DeviceRecord> find(String deviceId) throws SQLException;

  /** The latest event per model of one device, or of every device when deviceId is null. */
  Map<String, List<LatestEvent>> latestEvents(String deviceId) throws SQLException;
}
