package org.edgefleet.server.device;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.GroupCommit;

/**
 * The devices the server knows: registered on their first valid message, with their latest report,
 * per-model feedback and connectivity. Which devices exist, which are online and when each was
 * last seen are kept in memory too, so the per-message path does not write to the database.
 */
public final class DeviceService {

  private final Database db;
  private final DeviceStore store;
  private final Clock clock;
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final Set<String> online = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
  private final List<DeviceListener> listeners = new CopyOnWriteArrayList<>();
  private final GroupCommit<DeviceEvent, Boolean> events;

  public DeviceService(Database db, DeviceStore store, Clock clock) {
    this.db = db;
    this.store = store;
    this.clock = clock;
    this.events = new GroupCommit<>(db, 500, this::writeEvents);
  }

  public CompletableFuture<Void> load() {
    return db.execute(c -> store.all()).thenAccept(all -> all.forEach(d -> {
      known.add(d.id());
      if (d.online()) {
        online.add(d.id());
      }
    }));
  }

  public void addListener(DeviceListener listener) {
    listeners.add(listener);
  }

  /** A valid message came from the device: it exists, is online and was seen now. */
  public void seen(String deviceId) {
    Instant now = clock.instant();
    lastSeen.put(deviceId, now);
    boolean isNew = known.add(deviceId);
    boolean cameOnline = online.add(deviceId);
    if (isNew || cameOnline) {
      db.execute(c -> {
        store.setOnline(deviceId, true, now);
        return null;
      });
    }
  }

  /** Stores a report; false when it is older than the stored one (a replay), which is ignored. */
  public CompletableFuture<Boolean> onReported(ReportedState r) {
    seen(r.deviceId());
    Instant now = clock.instant();
    return db.execute(c -> {
      if (store.reportedTime(r.deviceId()).map(t -> t.isAfter(r.time())).orElse(false)) {
        return false;
      }
      store.saveReported(r, now);
      for (ReportedState.ModelStatus m : r.models()) {
        if (m.activeVersion() != null) {
          notifyUpdate(new ModelUpdate(r.deviceId(), m.name(), m.activeVersion(), UpdateState.ACTIVE, null, null));
        }
      }
      for (DeviceListener l : listeners) {
        l.onReported(r.deviceId(), r.appliedRevision());
      }
      return true;
    });
  }

  /** Stores an event; false when its sequence number was already stored (a replay). */
  public CompletableFuture<Boolean> onEvent(DeviceEvent e) {
    seen(e.deviceId());
    return events.submit(e);
  }

  private List<Boolean> writeEvents(List<DeviceEvent> batch) throws SQLException {
    Instant now = clock.instant();
    List<Boolean> stored = new ArrayList<>(batch.size());
    for (DeviceEvent e : batch) {
      boolean isNew = store.insertEvent(e, now);
      if (isNew) {
        notifyUpdate(new ModelUpdate(e.deviceId(), e.model(), e.version(), UpdateState.of(e.execution(), e.result()),
            e.reason(), e.details()));
      }
      stored.add(isNew);
    }
    return stored;
  }

  private void notifyUpdate(ModelUpdate u) throws SQLException {
    for (DeviceListener l : listeners) {
      l.onModelUpdate(u);
    }
  }

  public CompletableFuture<Void> onStatus(String deviceId, DeviceStatus status) {
    if (status.state() == DeviceStatus.State.ONLINE) {
      seen(deviceId);
      return CompletableFuture.completedFuture(null);
    }
    known.add(deviceId);
    online.remove(deviceId);
    listeners.forEach(l -> l.onOffline(deviceId));
    Instant now = clock.instant();
    return db.execute(c -> {
      store.setOnline(deviceId, false, now);
      return null;
    });
  }

  /** Writes the in-memory last-seen times; called periodically and at shutdown. */
  public CompletableFuture<Void> flushLastSeen() {
    Map<String, Instant> snapshot = new HashMap<>(lastSeen);
    snapshot.forEach(lastSeen::remove);
    if (snapshot.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return db.execute(c -> {
      store.touch(snapshot);
      return null;
    });
  }

  public CompletableFuture<List<DeviceView>> devices() {
    return db.execute(c -> {
      Map<String, List<LatestEvent>> latest = store.latestEvents(null);
      return store.all().stream().map(d -> view(d, latest.getOrDefault(d.id(), List.of()))).toList();
    });
  }

  public CompletableFuture<DeviceView> device(String deviceId) {
    return db.execute(c -> {
      DeviceRecord d = store.find(deviceId).orElseThrow(() -> FleetException.notFound("device_not_found",
          "no device " + deviceId + " has sent a valid message yet: see GET /api/v1/devices"));
      return view(d, store.latestEvents(deviceId).getOrDefault(deviceId, List.of()));
    });
  }

  public int knownCount() {
    return known.size();
  }

  public int onlineCount() {
    return online.size();
  }

  private DeviceView view(DeviceRecord d, List<LatestEvent> latest) {
    Instant seen = lastSeen.getOrDefault(d.id(), d.lastSeen());
    if (seen.isBefore(d.lastSeen())) {
      seen = d.lastSeen();
    }
    Map<String, ReportedState.ModelStatus> reported = new HashMap<>();
    if (d.reported() != null) {
      d.reported().models().forEach(m -> reported.put(m.name(), m));
    }
    Map<String, LatestEvent> events = new HashMap<>();
    latest.forEach(e -> events.put(e.model(), e));
    Set<String> names = new LinkedHashSet<>(reported.keySet());
    names.addAll(events.keySet());
    List<DeviceView.Model> models = new ArrayList<>();
    for (String name : names.stream().sorted().toList()) {
      models.add(model(name, reported.get(name), events.get(name), d.reportedAt()));
    }
    return new DeviceView(d.id(), d.labels(), online.contains(d.id()), d.firstSeen(), seen, d.agentVersion(),
        d.appliedRevision(), d.lastError(), models);
  }

  // The newer of the latest event and the latest report says what the device is doing.
  private static DeviceView.Model model(String name, ReportedState.ModelStatus m, LatestEvent e, Instant reportedAt) {
    Integer active = m == null ? null : m.activeVersion();
    String slot = m == null ? null : m.activeSlot();
    List<ReportedState.SlotStatus> slots = m == null ? List.of() : m.slots();
    if (e != null && (m == null || reportedAt == null || !e.receivedAt().isBefore(reportedAt))) {
      UpdateState s = UpdateState.of(e.execution(), e.result());
      boolean failed = s == UpdateState.FAILED;
      return new DeviceView.Model(name, active, slot, slots, s.wireName(), e.version(),
          failed ? e.reason() : null, failed ? e.details() : null, e.receivedAt());
    }
    String state = m.state() == null || "idle".equals(m.state()) ? (active != null ? "active" : "idle") : m.state();
    return new DeviceView.Model(name, active, slot, slots, state, active, null, null, reportedAt);
  }
}
