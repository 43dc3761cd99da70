package org.edgefleet.server.device;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.cluster.Lease;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.metrics.RejectReason;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.GroupCommit;
import org.edgefleet.server.store.Page;
import org.edgefleet.server.store.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices the server knows: registered on their first valid message, with their latest report,
 * per-model feedback and connectivity. Which devices exist, which are online and when each was
 * last seen are kept in memory too, so the per-message path does not write to the database; the
 * database is what counts. With several instances on one database each keeps its own copy and
 * {@link #refresh} reads the others' changes again; whether a device is online is shown from the
 * database, so a last will that reached another instance shows here too.
 * {@link DeviceLimits} bound what devices can make it store: a message that would register a
 * device past the limit, or a report with labels out of bounds, is refused with {@link DeviceRefused}.
 * A device unheard of for longer than the offline-after time is shown offline, last will or not.
 * Status changes and events are written in the order they arrived, in shared transactions.
 */
public final class DeviceService {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceService.class);

  private record StatusChange(String deviceId, boolean online, Instant at) {}

  private final Database db;
  private final Function<Transaction, DeviceStore> stores;
  private final Clock clock;
  private final DeviceLimits limits;
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final Set<String> online = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
  private final List<DeviceListener> listeners = new CopyOnWriteArrayList<>();
  private final GroupCommit<DeviceEvent, Boolean> events;
  private final GroupCommit<StatusChange, Boolean> statusChanges;
  // The last status change submitted: a read waits for it, so it sees this instance's own writes.
  private volatile CompletableFuture<Boolean> lastStatusWrite = CompletableFuture.completedFuture(true);

  public DeviceService(Database db, Function<Transaction, DeviceStore> stores, Clock clock, DeviceLimits limits) {
    this.db = db;
    this.stores = stores;
    this.clock = clock;
    this.limits = limits;
    this.events = new GroupCommit<>(db, 500, this::writeEvents);
    this.statusChanges = new GroupCommit<>(db, 500, (tx, changes) -> {
      DeviceStore store = stores.apply(tx);
      changes.forEach(c -> store.setOnline(c.deviceId(), c.online(), c.at()));
      return changes.stream().map(c -> true).toList();
    });
  }

  public CompletableFuture<Void> load() {
    return db.read(tx -> stores.apply(tx).all()).thenAccept(all -> all.forEach(d -> {
      known.add(d.id());
      if (d.online()) {
        online.add(d.id());
      }
    }));
  }

  /** Reads again which devices exist and which are online, as other instances wrote them. */
  public CompletableFuture<Void> refresh() {
    return db.read(tx -> stores.apply(tx).presence()).thenAccept(presence -> presence.forEach((id, isOnline) -> {
      known.add(id);
      if (isOnline) {
        online.add(id);
      } else {
        online.remove(id);
      }
    }));
  }

  /**
   * Marks offline in the database every device unheard of for the offline-after time (a device
   * that left without a last will). Periodic work of the lease holder.
   */
  public CompletableFuture<Void> expirePresence(Lease lease) {
    Instant before = clock.instant().minus(limits.offlineAfter());
    return db.execute(tx -> {
      lease.checkHeld(tx);
      return stores.apply(tx).expireOnline(before);
    }).thenAccept(expired -> {
      if (expired > 0) {
        LOG.debug("event=presence_expired devices={}", expired);
      }
    });
  }

  public void addListener(DeviceListener listener) {
    listeners.add(listener);
  }

  public DeviceLimits limits() {
    return limits;
  }

  /**
   * A valid message came from the device: it exists, is online and was seen now.
   *
   * @throws DeviceRefused when the device is new and as many devices as allowed are registered
   */
  public void seen(String deviceId) {
    boolean isNew = !known.contains(deviceId) && register(deviceId);
    Instant now = clock.instant();
    lastSeen.put(deviceId, now);
    boolean cameOnline = online.add(deviceId);
    if (isNew || cameOnline) {
      submitStatus(new StatusChange(deviceId, true, now));
      listeners.forEach(l -> l.onOnline(deviceId));
    }
  }

  private CompletableFuture<Boolean> submitStatus(StatusChange change) {
    CompletableFuture<Boolean> written = statusChanges.submit(change);
    lastStatusWrite = written;
    return written;
  }

  // Synchronized so that concurrent first messages cannot register past the limit.
  private synchronized boolean register(String deviceId) {
    if (known.contains(deviceId)) {
      return false;
    }
    if (known.size() >= limits.maxDevices()) {
      throw new DeviceRefused(RejectReason.DEVICE_LIMIT, known.size() + " devices are registered, the limit ("
          + Settings.MAX_DEVICES.flag() + "); device " + deviceId + " is not registered");
    }
    return known.add(deviceId);
  }

  /**
   * Stores a report. Reports are ordered by their arrival, never by the device's clock: MQTT keeps
   * one publisher's messages on one topic in order and the broker retains only the latest, so the
   * report received last is the device's latest, whatever its {@code time} says (a clock that ran
   * ahead and was corrected, or a forward-dated retained report, would otherwise freeze the record).
   * The device's time is kept as information only. A copy of the stored report (the retained one
   * delivered again after a reconnect) does not move its receipt time but still reaches the listeners.
   */
  public CompletableFuture<Boolean> onReported(ReportedState r) {
    limits.whyRefused(r.labels()).ifPresent(why -> {
      throw new DeviceRefused(RejectReason.BAD_LABELS, "report of " + r.deviceId() + " refused: " + why);
    });
    seen(r.deviceId());
    Instant now = clock.instant();
    return db.execute(tx -> {
      DeviceStore store = stores.apply(tx);
      boolean copy = store.find(r.deviceId()).map(d -> r.equals(d.reported())).orElse(false);
      if (!copy) {
        store.saveReported(r, now);
      }
      for (ReportedState.ModelStatus m : r.models()) {
        if (m.activeVersion() != null) {
          notifyUpdate(tx, new ModelUpdate(r.deviceId(), m.name(), m.activeVersion(), UpdateState.ACTIVE, null, null));
        }
      }
      for (DeviceListener l : listeners) {
        l.onReported(tx, r.deviceId(), r.appliedRevision());
      }
      return true;
    });
  }

  /** Stores an event; false when its sequence number was already stored (a replay). */
  public CompletableFuture<Boolean> onEvent(DeviceEvent e) {
    seen(e.deviceId());
    return events.submit(e);
  }

  private List<Boolean> writeEvents(Transaction tx, List<DeviceEvent> batch) {
    List<Boolean> stored = stores.apply(tx).insertEvents(batch, clock.instant());
    for (int i = 0; i < batch.size(); i++) {
      DeviceEvent e = batch.get(i);
      if (stored.get(i)) {
        notifyUpdate(tx, new ModelUpdate(e.deviceId(), e.model(), e.version(), UpdateState.of(e.execution(), e.result()),
            e.reason(), e.details()));
      }
    }
    return stored;
  }

  private void notifyUpdate(Transaction tx, ModelUpdate u) {
    for (DeviceListener l : listeners) {
      l.onModelUpdate(tx, u);
    }
  }

  public CompletableFuture<Void> onStatus(String deviceId, DeviceStatus status) {
    if (status.state() == DeviceStatus.State.ONLINE) {
      seen(deviceId);
      // Written even when this instance thinks it online: another instance may have stored it offline.
      return submitStatus(new StatusChange(deviceId, true, clock.instant())).thenApply(done -> null);
    }
    if (!known.contains(deviceId)) {
      return CompletableFuture.completedFuture(null); // nothing to mark offline, and nothing to register
    }
    online.remove(deviceId);
    listeners.forEach(l -> l.onOffline(deviceId));
    return submitStatus(new StatusChange(deviceId, false, clock.instant())).thenApply(done -> null);
  }

  /** Writes the in-memory last-seen times; called periodically and at shutdown. */
  public CompletableFuture<Void> flushLastSeen() {
    Map<String, Instant> snapshot = new HashMap<>(lastSeen);
    snapshot.forEach(lastSeen::remove);
    if (snapshot.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return db.execute(tx -> {
      stores.apply(tx).touch(snapshot);
      return null;
    });
  }

  /**
   * Replaces the labels the operator set on the device; they are merged over the labels it reports
   * (the operator's win) and select it as reported ones do. Running rollouts see the change at once.
   */
  public CompletableFuture<DeviceView> setOperatorLabels(String deviceId, Map<String, String> labels) {
    limits.whyRefused(labels).ifPresent(why -> {
      throw FleetException.invalid("bad_labels", "labels of " + deviceId + ": " + why);
    });
    return db.execute(tx -> {
      if (!stores.apply(tx).setOperatorLabels(deviceId, labels)) {
        throw deviceNotFound(deviceId);
      }
      for (DeviceListener l : listeners) {
        l.onLabelsChanged(tx, deviceId);
      }
      return null;
    }).thenCompose(done -> device(deviceId));
  }

  /** The labels the operator set on the device. */
  public Map<String, String> operatorLabels(Transaction tx, String deviceId) {
    return stores.apply(tx).operatorLabels(deviceId);
  }

  /** Every device the selector matches, in id order, read in the caller's transaction. */
  public List<DeviceRecord> matching(Transaction tx, Selector selector) {
    return stores.apply(tx).matching(selector);
  }

  private static FleetException deviceNotFound(String deviceId) {
    return FleetException.notFound("device_not_found",
        "no device " + deviceId + " has sent a valid message yet: see GET /api/v1/devices");
  }

  /** One page of the devices the query matches, in id order, after the device id {@code afterId} (null: from the start). */
  public CompletableFuture<Page<DeviceView>> devices(DeviceQuery query, String afterId, int limit) {
    return flushLastSeen().thenCompose(flushed -> statusWritten()).thenCompose(written -> db.read(tx -> {
      DeviceStore store = stores.apply(tx);
      Instant now = clock.instant();
      Page<DeviceRecord> page = Page.of(store.page(query, now.minus(limits.offlineAfter()), afterId, limit + 1), limit,
          DeviceRecord::id);
      List<DeviceView> views = new ArrayList<>(page.items().size());
      for (DeviceRecord d : page.items()) {
        views.add(view(d, store.latestEvents(d.id()).getOrDefault(d.id(), List.of()), now));
      }
      return new Page<>(views, page.nextAfter());
    }));
  }

  public CompletableFuture<DeviceView> device(String deviceId) {
    return statusWritten().thenCompose(written -> db.read(tx -> {
      DeviceStore store = stores.apply(tx);
      DeviceRecord d = store.find(deviceId).orElseThrow(() -> deviceNotFound(deviceId));
      return view(d, store.latestEvents(deviceId).getOrDefault(deviceId, List.of()), clock.instant());
    }));
  }

  private CompletableFuture<Boolean> statusWritten() {
    return lastStatusWrite.exceptionally(e -> false);
  }

  /** Every device, in id order, read in the caller's transaction. */
  public List<DeviceRecord> all(Transaction tx) {
    return stores.apply(tx).all();
  }

  /** The device, read in the caller's transaction. */
  public Optional<DeviceRecord> find(Transaction tx, String deviceId) {
    return stores.apply(tx).find(deviceId);
  }

  public int knownCount() {
    return known.size();
  }

  public int onlineCount() {
    return online.size();
  }

  private DeviceView view(DeviceRecord d, List<LatestEvent> latest, Instant now) {
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
    boolean heardFromLately = !seen.isBefore(now.minus(limits.offlineAfter()));
    return new DeviceView(d.id(), d.labels(), d.online() && heardFromLately, d.firstSeen(), seen, d.agentVersion(),
        d.appliedRevision(), d.lastError(), models, d.reported() == null ? null : d.reported().capabilities(),
        d.reported() == null ? null : d.reported().keySetVersion());
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
