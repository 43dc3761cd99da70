package org.edgefleet.agent.update;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.agent.serving.ModelRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the active slot of every installed model at start, from disk alone: the device predicts
 * before (and without) any connection to the server.
 */
public final class InstalledModels {

  private static final Logger log = LoggerFactory.getLogger(InstalledModels.class);

  private InstalledModels() {}

  /** Activates what is installed; returns a description of each model that could not be loaded. */
  public static List<String> serve(SlotStore slots, ModelLoader loader, ModelRegistry registry) throws IOException {
    List<String> problems = new ArrayList<>();
    for (String model : slots.models()) {
      Optional<SlotStore.ActiveSlot> active;
      try {
        active = slots.active(model);
        if (!active.isPresent()) {
          continue;
        }
        String slot = active.get().slot();
        registry.activate(loader.load(slot, slots.filesDir(model, slot), slots.manifest(model, slot)));
        log.info("event=model_serving source=disk model={} version={} slot={}", model, active.get().version(), slot);
      } catch (IOException | InferenceException | RuntimeException e) {
        log.error("event=installed_model_unservable model={} reason=\"{}\"", model, e.getMessage());
        problems.add(model + ": " + e.getMessage());
      }
    }
    return problems;
  }
}
