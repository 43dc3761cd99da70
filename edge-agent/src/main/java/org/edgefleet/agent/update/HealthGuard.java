package org.edgefleet.agent.update;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.edgefleet.agent.serving.LatencyPairs;
import org.edgefleet.agent.serving.ModelRegistry;
import org.edgefleet.agent.serving.ServingModel;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.HealthGates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health window after an activation: watches the new version against the gates and, when it
 * fails them, rolls back to the previous slot by itself (no server needed, so offline too), vetoes
 * the version, and reports why. A rollback, or a later activation, ends the watch. The watch lives
 * in memory: a restart during the window ends it. Runs on the agent loop.
 */
final class HealthGuard {

  /** A version that failed its window; {@code rolledBackTo} is absent when no previous version could serve. */
  record Outcome(String model, int version, HealthJudge.Failure reason, String details, Optional<Integer> rolledBackTo) {

    /** The model's state in the reported state. */
    String modelState() {
      return "failed: HEALTH_" + reason;
    }

    /** The agent state's last error. */
    String lastError() {
      return model + " v" + version + " " + Execution.HEALTH_CHECK.wireName() + " " + reason + ": " + details;
    }
  }

  private record Watch(ServingModel current, SlotStore.ActiveSlot previousSlot, LatencyPairs pairs, long startNanos,
      HealthGates gates) {}

  private static final Logger log = LoggerFactory.getLogger(HealthGuard.class);
  private static final String HEALTH_CHECK_FAILED = "HEALTH_CHECK_FAILED";

  private final String deviceId;
  private final SlotStore slots;
  private final ModelRegistry registry;
  private final EventEmitter events;
  private final HealthVetoes vetoes;
  private final Supplier<HealthGates> gates;
  private final Map<String, Watch> watches = new HashMap<>();
  private Installer installer;

  HealthGuard(String deviceId, SlotStore slots, ModelRegistry registry, EventEmitter events, HealthVetoes vetoes,
      Supplier<HealthGates> gates) {
    this.deviceId = deviceId;
    this.slots = slots;
    this.registry = registry;
    this.events = events;
    this.vetoes = vetoes;
    this.gates = gates;
  }

  /** The installer that rolls back (the installer reports activations here, so it comes second). */
  void rollBackWith(Installer rollbacks) {
    this.installer = rollbacks;
  }

  /** Refuses to make a vetoed version active again. */
  void checkNotVetoed(String model, int version) throws UpdateFailure {
    if (vetoes.isVetoed(model, version)) {
      throw new UpdateFailure(Execution.HEALTH_CHECK, HEALTH_CHECK_FAILED, model + " v" + version
          + " failed its health window on this device and was rolled back; it is not made active again (assign a newer version)");
    }
  }

  void onActivated(Installer.Activation a) {
    watches.remove(a.model());
    if (a.step() != Execution.ACTIVATE || a.previousSlot().isEmpty()) {
      registry.dropReplaced(a.model());
      return; // a rollback, or a first install with nothing to go back to
    }
    HealthGates g = gates.get();
    long now = System.nanoTime();
    LatencyPairs pairs = new LatencyPairs(pairEveryNanos(g), now);
    if (!registry.timeBeside(a.model(), pairs)) {
      pairs = null; // nothing was serving before (a slot but no session): no latency to compare with
    }
    watches.put(a.model(), new Watch(a.current(), a.previousSlot().get(), pairs, now, g));
    events.started(a.model(), a.current().version(), Execution.HEALTH_CHECK);
    log.debug("event=health_window_started device={} model={} version={} window_s={}", deviceId, a.model(),
        a.current().version(), g.windowSeconds());
  }

  /** Judges every watched version; returns the ones that failed (and were rolled back where possible). */
  List<Outcome> tick() {
    List<Outcome> failed = new ArrayList<>();
    for (Map.Entry<String, Watch> e : List.copyOf(watches.entrySet())) {
      Watch w = e.getValue();
      long elapsed = (System.nanoTime() - w.startNanos()) / 1_000_000;
      LatencyPairs.Reading pairs = w.pairs() == null ? null : w.pairs().read();
      HealthJudge.Verdict v = HealthJudge.judge(w.gates(), w.current().health().read(), pairs, elapsed);
      if (v instanceof HealthJudge.Passed p) {
        end(e.getKey());
        events.succeeded(e.getKey(), w.current().version(), Execution.HEALTH_CHECK, p.details());
      } else if (v instanceof HealthJudge.Failed f) {
        end(e.getKey());
        failed.add(rollBack(e.getKey(), w, f));
      }
    }
    return failed;
  }

  /**
   * Paced to time about twice {@code minCalls} pairs over the window, so the latency gate can be
   * judged well before its end while the extra runs stay few (a 5 minute window of 20 calls: one
   * pair every 7.5 s).
   */
  static long pairEveryNanos(HealthGates g) {
    return g.windowSeconds() * 1_000_000_000L / (2L * g.minCalls()) + 1;
  }

  private void end(String model) {
    watches.remove(model);
    registry.dropReplaced(model);
  }

  // The failure event goes last, after the rollback's own events, so that the device's latest word on
  // the model is the failed version with its reason and what became of it.
  private Outcome rollBack(String model, Watch w, HealthJudge.Failed f) {
    Outcome o = switchBack(model, w, f);
    events.failed(model, o.version(), Execution.HEALTH_CHECK, f.reason().name(), o.details());
    return o;
  }

  private Outcome switchBack(String model, Watch w, HealthJudge.Failed f) {
    int version = w.current().version();
    String details = f.details();
    try {
      vetoes.veto(model, version);
    } catch (IOException e) {
      log.warn("event=health_veto_not_saved device={} model={} version={} reason=\"{}\"", deviceId, model, version, e.getMessage());
    }
    SlotStore.ActiveSlot prev = w.previousSlot();
    try {
      SlotStore.SlotInfo slot = slots.slots(model).get(prev.slot());
      if (slot == null || slot.version() != prev.version()) {
        return new Outcome(model, version, f.reason(), details + "; v" + prev.version() + " is no longer installed, v" + version
            + " keeps serving", Optional.empty());
      }
      installer.activate(model, slot, Execution.ROLLBACK);
      log.warn("event=health_rollback device={} model={} from={} to={} reason={}", deviceId, model, version, prev.version(),
          f.reason());
      return new Outcome(model, version, f.reason(), details + "; rolled back to v" + prev.version(), Optional.of(prev.version()));
    } catch (UpdateFailure | IOException e) {
      return new Outcome(model, version, f.reason(), details + "; rollback to v" + prev.version() + " failed: " + e.getMessage(),
          Optional.empty());
    }
  }
}
