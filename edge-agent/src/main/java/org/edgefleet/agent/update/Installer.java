package org.edgefleet.agent.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps after a download: verify the bundle into a scratch slot, install it as the inactive
 * slot, run its test vectors on a real session, and activate it. A failure at any step throws
 * and leaves the serving version untouched; a slot that failed its self-test is removed so it
 * can never be switched to.
 */
final class Installer {

  private static final Logger log = LoggerFactory.getLogger(Installer.class);

  private final SlotStore slots;
  private final BundleReader reader;
  private final UpdatePolicy policy;
  private final ModelLoader loader;
  private final ModelRegistry registry;
  private final EventEmitter events;
  private final BiConsumer<String, Integer> activated;

  Installer(SlotStore slots, BundleReader reader, UpdatePolicy policy, ModelLoader loader, ModelRegistry registry,
      EventEmitter events, BiConsumer<String, Integer> activated) {
    this.slots = slots;
    this.reader = reader;
    this.policy = policy;
    this.loader = loader;
    this.registry = registry;
    this.events = events;
    this.activated = activated;
  }

  void install(ModelAssignment a, Path bundle) throws UpdateFailure {
    String name = a.name();
    events.started(name, a.version(), Execution.VERIFY);
    Path scratch = null;
    try {
      scratch = slots.newScratch(name);
      VerifiedBundle verified = verify(bundle, scratch);
      Manifest m = verified.manifest();
      policy.checkInstallable(a, m);
      events.succeeded(name, a.version(), Execution.VERIFY, "signed by key " + m.keyId() + ", " + m.files().size()
          + " files match their hashes");
      events.started(name, a.version(), Execution.INSTALL);
      SlotStore.SlotInfo slot = installStep(a, scratch, m);
      scratch = null;
      events.succeeded(name, a.version(), Execution.INSTALL, "installed into slot " + slot.slot());
      activate(name, slot, Execution.ACTIVATE);
    } catch (IOException e) {
      throw UpdateFailure.io(Execution.VERIFY, e);
    } finally {
      deleteQuietly(scratch);
    }
  }

  /** Self-tests the slot and makes it serve; {@code step} is ACTIVATE or ROLLBACK. */
  void activate(String name, SlotStore.SlotInfo slot, Execution step) throws UpdateFailure {
    int version = slot.version();
    events.started(name, version, Execution.SELF_TEST);
    ServingModel model = load(name, slot);
    try {
      int vectors = SelfTest.run(model);
      events.succeeded(name, version, Execution.SELF_TEST, vectors + " test vectors passed");
    } catch (UpdateFailure f) {
      model.retire();
      discard(name, slot);
      throw f;
    }
    events.started(name, version, step);
    try {
      slots.activate(name, slot.slot(), version);
    } catch (IOException e) {
      model.retire();
      throw UpdateFailure.io(step, e);
    }
    registry.activate(model);
    events.succeeded(name, version, step, "slot " + slot.slot() + " serves v" + version);
    activated.accept(name, version);
  }

  private VerifiedBundle verify(Path bundle, Path scratch) throws UpdateFailure, IOException {
    try {
      return reader.extract(bundle, SlotStore.scratchFiles(scratch));
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
      log.warn("cannot remove failed slot model={} slot={} reason={}",
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
      log.debug("scratch left behind dir={} reason={}", scratch, e.getMessage());
    }
  }
}
