package org.edgefleet.agent.linux;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.edgefleet.agent.AgentSettings;
import org.edgefleet.agent.Prediction;
import org.edgefleet.agent.inference.InferenceEngine;
import org.edgefleet.agent.inference.InferenceEngineProvider;
import org.edgefleet.agent.metrics.MetricsRegistry;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.agent.serving.ModelRegistry;
import org.edgefleet.agent.serving.ShadowRunner;
import org.edgefleet.agent.update.InstalledModels;
import org.edgefleet.agent.update.SlotStore;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code edge-agent --config agent.json predict --model m --input in.json}: one prediction on the
 * active installed version of a model, as the agent serves it, printed as JSON on stdout. It
 * reads the data dir only (no broker, no outbox), so it runs beside the daemon or without it:
 * for checking a device's model by hand, and for comparing outputs across architectures.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Runs one prediction on the active installed version of a model and prints its outputs as JSON.")
final class PredictCommand implements Callable<Integer> {

  /** An input file is a handful of tensors typed by hand or by a script, not a data set. */
  static final long MAX_INPUT_BYTES = 16L * 1024 * 1024;
  private static final TypeReference<Map<String, Tensor>> TENSORS = new TypeReference<>() {};

  @ParentCommand private AgentDaemon daemon;
  @Spec private CommandSpec spec;

  @Option(names = "--model", required = true, description = "model name")
  private String model;

  @Option(names = "--input", required = true,
      description = "JSON object of input name to tensor: {\"features\": {\"dtype\": \"float32\", \"shape\": [1, 3], \"data\": [...]}}")
  private Path input;

  @Override
  public Integer call() throws Exception {
    DaemonConfig c = DaemonConfig.read(daemon.configFile());
    Map<String, Tensor> inputs = readInputs(input);
    // Only active versions are served here, so the shadow runner never starts its worker.
    ModelRegistry registry = new ModelRegistry(c.deviceId(), new ShadowRunner(c.deviceId(), ShadowRunner.DEFAULT_QUEUE));
    try {
      InstalledModels.serve(SlotStore.inDataDir(c.dataDir()), loader(c), registry);
      Prediction p = registry.predict(model, inputs);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("model", p.model());
      out.put("version", p.version());
      out.put("outputs", p.outputs());
      spec.commandLine().getOut().println(new String(Json.writePretty(out), StandardCharsets.UTF_8));
      spec.commandLine().getOut().flush();
      return 0;
    } finally {
      registry.closeAll();
    }
  }

  static Map<String, Tensor> readInputs(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("input file " + file.toAbsolutePath() + " does not exist");
    }
    if (Files.size(file) > MAX_INPUT_BYTES) {
      throw new IOException(file + " is larger than " + MAX_INPUT_BYTES + " bytes; predict takes a few tensors");
    }
    Map<String, Tensor> inputs;
    try {
      inputs = Json.mapper().readValue(Files.readAllBytes(file), TENSORS);
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not a JSON object of input name to tensor {\"dtype\", \"shape\", \"data\"}: "
          + e.getOriginalMessage(), e);
    }
    if (inputs == null || inputs.isEmpty() || inputs.containsValue(null)) {
      throw new IOException(file + " holds no tensors: expected {\"inputName\": {\"dtype\", \"shape\", \"data\"}, ...}");
    }
    return inputs;
  }

  /** The engines on the class path, as the agent finds them, with the config's native dir and threads. */
  private static ModelLoader loader(DaemonConfig c) {
    Map<ModelFormat, InferenceEngine> engines = new EnumMap<>(ModelFormat.class);
    for (InferenceEngineProvider provider : InferenceEngineProvider.loadAll()) {
      InferenceEngine e = provider.create(c.effectiveNativeDir(), c.get(AgentSettings.INFERENCE_THREADS));
      engines.put(e.format(), e);
    }
    return new ModelLoader(engines, new MetricsRegistry());
  }
}
