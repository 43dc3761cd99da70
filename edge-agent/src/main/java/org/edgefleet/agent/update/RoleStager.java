package org.edgefleet.agent.update;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.edgefleet.agent.serving.Companion;
import org.edgefleet.agent.serving.ModelRegistry;
import org.edgefleet.agent.serving.ServingModel;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SlotRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives an installed, inactive slot the role its assignment names: a candidate stays staged (it
 * passed its self-test at install and is switched to without a download when it is made
 * active); a shadow or an arm is self-tested, opened and run beside the active version; an active
 * version flagged to record outcomes gets the outcomes of the requests it serves. Runs on the agent loop.
 */
final class RoleStager {

  private static final Logger log = LoggerFactory.getLogger(RoleStager.class);

  private final String deviceId;
  private final Installer installer;
  private final ModelRegistry registry;

  RoleStager(String deviceId, Installer installer, ModelRegistry registry) {
    this.deviceId = deviceId;
    this.installer = installer;
    this.registry = registry;
  }

  void stage(ModelAssignment a, SlotStore.SlotInfo slot) throws UpdateFailure {
    if (a.role() == SlotRole.CANDIDATE) {
      registry.detach(a.name());
      log.info("event=candidate_staged device={} model={} version={} slot={}", deviceId, a.name(), a.version(), slot.slot());
      return;
    }
    Optional<Companion> running = registry.companion(a.name());
    if (running.isPresent() && matches(running.get(), a)) {
      return;
    }
    ServingModel m = installer.selfTested(a.name(), slot);
    registry.attach(a.role() == SlotRole.ARM ? Companion.arm(m, a.share()) : Companion.shadow(m));
    log.info("event=companion_started device={} model={} version={} role={} share={}", deviceId, a.name(), a.version(),
        a.role().wireName(), a.share());
  }

  /** Active versions first: a candidate, shadow or arm goes into the slot the active one leaves free. */
  static List<ModelAssignment> installOrder(DesiredState desired) {
    List<ModelAssignment> ordered = new ArrayList<>(desired.models());
    ordered.sort(Comparator.comparing(a -> a.role() != SlotRole.ACTIVE));
    return ordered;
  }

  /** Stops every shadow and arm the desired state no longer names, before its assignments run. */
  void dropUnwanted(DesiredState desired) {
    for (String name : registry.names()) {
      Optional<Companion> c = registry.companion(name);
      if (c.isPresent() && desired.models().stream().noneMatch(a -> a.name().equals(name) && matches(c.get(), a))) {
        registry.detach(name);
        log.info("event=companion_stopped device={} model={} version={}", deviceId, name, c.get().model().version());
      }
    }
  }

  /**
   * The device's part in an A/B test split by device: the outcomes the application reports go to
   * each active version the desired state flags, while it serves. Set from every desired state
   * accepted or signed again, so a restarted agent records as before.
   */
  void recordOutcomesAsAsked(DesiredState desired) {
    Map<String, Integer> versions = new HashMap<>();
    desired.models().stream().filter(ModelAssignment::recordOutcomes).forEach(a -> versions.put(a.name(), a.version()));
    registry.recordOutcomesOf(versions);
  }

  private static boolean matches(Companion c, ModelAssignment a) {
    return c.role() == a.role() && c.model().version() == a.version()
        && (a.share() == null || a.share() == c.share());
  }
}
