package org.edgefleet.agent.serving;

import java.util.stream.Collectors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.inference.InferenceEngine;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.inference.ModelSession;
import org.edgefleet.agent.metrics.MetricsRegistry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;

/** Opens an installed slot with the engine its manifest's format names. */
public final class ModelLoader {

  private final Map<ModelFormat, InferenceEngine> engines;
  private final MetricsRegistry metrics;

  public ModelLoader(Map<ModelFormat, InferenceEngine> engines, MetricsRegistry metrics) {
    this.engines = Map.copyOf(engines);
    this.metrics = metrics;
  }

  /** The wire names of the formats this agent has engines for, as it reports them. */
  public List<String> formats() {
    return engines.keySet().stream().map(ModelFormat::wireName).sorted().collect(Collectors.toList());
  }

  /** A model ready to serve; the caller activates it or {@link ServingModel#retire retires} it. */
  public ServingModel load(String slot, Path slotDir, Manifest manifest) throws InferenceException {
    InferenceEngine engine = engines.get(manifest.format());
    if (engine == null) {
      throw new InferenceException("no " + manifest.format().wireName() + " engine on this device (engines: "
          + engines.keySet() + ")", true);
    }
    ModelSession session = engine.open(slotDir.resolve(manifest.modelFile()), manifest);
    try {
      return new ServingModel(slot, manifest, session, metrics.forVersion(manifest.name(), manifest.version()));
    } catch (IllegalArgumentException e) {
      session.close();
      throw new InferenceException(e.getMessage(), false, e);
    }
  }
}
