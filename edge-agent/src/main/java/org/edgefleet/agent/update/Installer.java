package org.edgefleet.agent.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.agent.serving.ModelRegistry;
import org.edgefleet.agent.serving.ServingModel;
import org.edgefleet.protocol.bundle.BundleException;
import org.edgefleet.protocol.bundle.BundleException.Reason;
import org.edgefleet.protocol.bundle.BundleReader;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.VerifiedBundle;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SlotRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps after a download: verify the bundle into a scratch slot, install it as the inactive
 * slot, run its test vectors on a real session, and activate it. A failure at any step throws
 * and leaves the serving version untouched; a slot that failed its self-test is removed so it
 * can never be switched to. A version assigned in another role than active is installed and
 * self-tested but not activated: the caller stages it.
 */
final class Installer {

  /**
   * A version made to serve; {@code previousSlot} is what served before, if anything. After an
   * ACTIVATE that replaced a version, the registry keeps the replaced one loaded until the receiver
   * times it or drops it ({@link ModelRegistry#timeBeside}, {@link ModelRegistry#dropReplaced}).
   */
  record Activation(String model, ServingModel current, Execution step, Optional<SlotStore.ActiveSlot> previousSlot) {}

  interface ActivationListener {
    void activated(Activation activation);
  }

  private static final Logger log = LoggerFactory.getLogger(Installer.class);

  private final SlotStore slots;
  /** A reader with the keys trusted now: a key set update may change them between installs. */
  private final Supplier<BundleReader> readers;
  private final UpdatePolicy policy;
  private final ModelLoader loader;
  private final ModelRegistry registry;
  private final EventEmitter events;
  private final ActivationListener activated;

  Installer(SlotStore slots, Supplier<BundleReader> readers, UpdatePolicy policy, ModelLoader loader, ModelRegistry registry,
      EventEmitter events, ActivationListener activated) {
    this.slots = slots;
    this.readers = readers;
    this.policy = policy;
    this.loader = loader;
    this.registry = registry;
    this.events = events;
    this.activated = activated;
  }

  /** Installs into the inactive slot; activates it when the assignment's role is active. Returns the slot. */
  SlotStore.SlotInfo install(ModelAssignment a, Path bundle) throws UpdateFailure {
    String name = a.name();
    events.started(name, a.version(), Execution.VERIFY);
    Path scratch = null;
    try {
      scratch = slots.newScratch(name);
      VerifiedBundle verified = verify(bundle, scratch);
      if (!verified.digest().equals(a.bundle().digest())) {
        // The reader computes the digest in its one pass over the bundle: nothing hashes the whole bundle before.
        throw new UpdateFailure(Execution.VERIFY, Reason.HASH_MISMATCH, "bundle has digest " + verified.digest()
            + " but the desired state names " + a.bundle().digest());
      }
      Manifest m = verified.manifest();
      policy.checkInstallable(a, m);
      events.succeeded(name, a.version(), Execution.VERIFY, "signed by key " + m.keyId() + ", " + m.files().size()
          + " files match their hashes");
      events.started(name, a.version(), Execution.INSTALL);
      SlotStore.SlotInfo slot = installStep(a, scratch, m);
      scratch = null;
      events.succeeded(name, a.version(), Execution.INSTALL, "installed into slot " + slot.slot());
      if (a.role() == SlotRole.ACTIVE) {
        activate(name, slot, Execution.ACTIVATE);
      }
      return slot;
    } catch (IOException e) {
      throw UpdateFailure.io(Execution.VERIFY, e);
    } finally {
      deleteQuietly(scratch);
    }
  }

  /** Self-tests the slot and makes it serve; {@code step} is ACTIVATE or ROLLBACK. */
  void activate(String name, SlotStore.SlotInfo slot, Execution step) throws UpdateFailure {
    int version = slot.version();
    ServingModel model = selfTested(name, slot);
    events.started(name, version, step);
    Optional<SlotStore.ActiveSlot> previousSlot;
    try {
      previousSlot = slots.active(name);
      slots.activate(name, slot.slot(), version);
    } catch (IOException e) {
      model.retire();
      throw UpdateFailure.io(step, e);
    }
    registry.activate(model, step == Execution.ACTIVATE);
    events.succeeded(name, version, step, "slot " + slot.slot() + " serves v" + version);
    activated.activated(new Activation(name, model, step, previousSlot));
  }

  /** Opens the slot and runs its test vectors; the caller serves the model or retires it. */
  ServingModel selfTested(String name, SlotStore.SlotInfo slot) throws UpdateFailure {
    int version = slot.version();
    events.started(name, version, Execution.SELF_TEST);
    ServingModel model = load(name, slot);
    try {
      int vectors = SelfTest.run(model);
      events.succeeded(name, version, Execution.SELF_TEST, vectors + " test vectors passed");
      return model;
    } catch (UpdateFailure f) {
      model.retire();
      discard(name, slot);
      throw f;
    }
  }

  private VerifiedBundle verify(Path bundle, Path scratch) throws UpdateFailure, IOException {
    try {
      return readers.get().extract(bundle, SlotStore.scratchFiles(scratch));
    } catch (BundleException e) {
      throw new UpdateFailure(Execution.VERIFY, e.reason(), e.getMessage());
    }
  }

  private SlotStore.SlotInfo installStep(ModelAssignment a, Path scratch, Manifest m) throws UpdateFailure {
    try {
      return slots.install(a.name(), scratch, m, a.bundle());
    } catch (IOException e) {
      throw UpdateFailure.io(Execution.INSTALL, e);
    }
  }

  private ServingModel load(String name, SlotStore.SlotInfo slot) throws UpdateFailure {
    try {
      return loader.load(slot.slot(), slots.filesDir(name, slot.slot()), slots.manifest(name, slot.slot()));
    } catch (InferenceException e) {
      if (e.getCause() instanceof IOException io) {
        // The engine could not be set up (natives not unpacked: disk full): the slot is fine, try again later.
        throw UpdateFailure.io(Execution.SELF_TEST, io);
      }
      discard(name, slot);
      throw new UpdateFailure(Execution.SELF_TEST, e.isUnsupported() ? Reason.UNSUPPORTED : Reason.MALFORMED, e.getMessage());
    } catch (IOException e) {
      throw UpdateFailure.io(Execution.SELF_TEST, e);
    }
  }

  private void discard(String name, SlotStore.SlotInfo slot) {
    try {
      slots.discard(name, slot.slot());
    } catch (IOException | IllegalStateException e) {
      // The slot stays but is never switched to without a new self-test; the failure event says why.
      log.warn("event=slot_remove_failed model={} slot={} reason=\"{}\"",
          name, slot.slot(), e.getMessage());
    }
  }

  private static void deleteQuietly(Path scratch) {
    if (scratch == null || !Files.exists(scratch)) {
      return;
    }
    try {
      AtomicFiles.deleteTree(scratch);
    } catch (IOException e) {
      log.debug("event=scratch_left_behind dir={} reason=\"{}\"", scratch, e.getMessage());
    }
  }
}
