package org.edgefleet.bench.footprint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.edgefleet.bench.fleet.BenchServer;
import org.edgefleet.bench.fleet.ModelBundles;
import org.edgefleet.protocol.json.Json;

/**
 * The directory of the agent daemon under test: its config file (docs/agent.md), the key files it
 * trusts and its data dir, which keeps the installed model between the daemon's starts.
 */
final class DaemonHome {

  static final String DEVICE = "footprint-0001";
  static final String LABEL = "footprint";

  private final Path dir;

  private DaemonHome(Path dir) {
    this.dir = dir;
  }

  static DaemonHome create(Path dir, BenchServer server) throws IOException {
    List<Path> keys = server.writeDeviceTrustFiles(dir.resolve("keys"));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("deviceId", DEVICE);
    config.put("brokerUrl", server.mqttUrl());
    config.put("dataDir", "data");
    config.put("labels", Map.of("bench", LABEL));
    config.put("trustKeys", keys.stream().map(k -> dir.relativize(k).toString()).toList());
    Files.write(dir.resolve("agent.json"), Json.writePretty(config));
    return new DaemonHome(dir);
  }

  Path config() {
    return dir.resolve("agent.json");
  }

  /** The model file of the installed bundle, as the agent loads it. */
  Path installedModel() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("data/models/" + ModelBundles.MODEL))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".onnx")).findFirst()
          .orElseThrow(() -> new IOException("no installed model under " + dir.resolve("data/models")));
    }
  }

  /** The directory where the agent unpacked ONNX Runtime's native libraries. */
  Path onnxRuntimeNatives() throws IOException {
    try (Stream<Path> dirs = Files.list(dir.resolve("data/native"))) {
      return dirs.filter(p -> p.getFileName().toString().startsWith("onnxruntime-")).findFirst()
          .orElseThrow(() -> new IOException("the agent has not unpacked ONNX Runtime under " + dir.resolve("data/native")));
    }
  }
}
