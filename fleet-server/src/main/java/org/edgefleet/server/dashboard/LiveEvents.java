package org.edgefleet.server.dashboard;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.server.desired.DesiredStateService;
import org.edgefleet.server.device.DeviceListener;
import org.edgefleet.server.device.ModelUpdate;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.store.Transaction;

/**
 * What changes in the fleet, as server-sent events for open dashboards: a device came online or
 * went offline, a device's model changed state, and which rollout that moved. Events say what
 * changed, not everything about it; a page fetches what it shows from the REST API.
 *
 * <p>Bounded: at most {@code maxStreams} clients, each with a queue of {@link EventStream#MAX_QUEUED}
 * events; a client that falls behind loses its queue and gets a {@code resync} event instead,
 * telling it to fetch everything again. A slow browser never makes the server hold more.
 */
public final class LiveEvents implements DeviceListener {

  /** The kinds of event a stream carries (the SSE {@code event:} field). */
  public enum Kind {
    DEVICE("device"), ROLLOUT("rollout"), RESYNC("resync");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  private final int maxStreams;
  private final DesiredStateService desired;
  private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
  private final AtomicInteger open = new AtomicInteger();
  private final Counter dropped;
  private final Counter refused;

  public LiveEvents(int maxStreams, DesiredStateService desired, ServerMetrics metrics) {
    this.maxStreams = maxStreams;
    this.desired = desired;
    this.dropped = metrics.counter("fleet.dashboard.events.dropped", "Live events dropped because a client fell behind",
        "reason", "client_behind");
    this.refused = metrics.counter("fleet.dashboard.streams.refused", "Live-update streams refused", "reason", "too_many");
    metrics.gauge("fleet.dashboard.streams", "Live-update streams open", open::get);
  }

  /** Takes a client on, or returns false when as many streams as allowed are open. */
  boolean open(HttpServerResponse response) {
    if (open.incrementAndGet() > maxStreams) {
      open.decrementAndGet();
      refused.increment();
      return false;
    }
    EventStream s = new EventStream(response, dropped);
    streams.add(s);
    response.closeHandler(v -> close(s));
    response.exceptionHandler(e -> close(s));
    s.start();
    return true;
  }

  private void close(EventStream s) {
    if (streams.remove(s)) {
      open.decrementAndGet();
      s.stop();
    }
  }

  int maxStreams() {
    return maxStreams;
  }

  /** Sends an event to every open stream; never blocks and never queues more than the bounds. */
  public void publish(Kind kind, Map<String, ?> data) {
    if (streams.isEmpty()) {
      return;
    }
    String frame = "event: " + kind.wire() + "\ndata: " + new String(Json.write(data), StandardCharsets.UTF_8)
        + "\n\n";
    streams.forEach(s -> s.offer(frame));
  }

  @Override
  public void onOnline(String deviceId) {
    publish(Kind.DEVICE, Map.of("id", deviceId, "change", "online"));
  }

  @Override
  public void onOffline(String deviceId) {
    publish(Kind.DEVICE, Map.of("id", deviceId, "change", "offline"));
  }

  @Override
  public void onReported(Transaction tx, String deviceId, long appliedRevision) {
    tx.afterCommit(() -> publish(Kind.DEVICE, Map.of("id", deviceId, "change", "reported")));
  }

  /** Runs after the rollout service's listener, so the rollout named has already moved in this transaction. */
  @Override
  public void onModelUpdate(Transaction tx, ModelUpdate u) {
    if (streams.isEmpty()) {
      return;
    }
    Long rollout = desired.assignment(tx, u.deviceId(), u.model())
        .filter(a -> a.version() == u.version()).map(a -> a.rolloutId()).orElse(null);
    tx.afterCommit(() -> {
      publish(Kind.DEVICE, Map.of("id", u.deviceId(), "change", "model", "model", u.model(), "version", u.version(),
          "state", u.state().wireName()));
      if (rollout != null) {
        publish(Kind.ROLLOUT, Map.of("id", rollout));
      }
    });
  }
}
