package org.edgefleet.agent.update;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.edgefleet.protocol.json.Json;

/**
 * Versions that failed their health window on this device and were rolled back: the device does
 * not make them active again (a newer version, or a shadow or candidate of the same one, is
 * fine). Kept in {@code health-vetoes.json} so a restart does not forget them.
 */
final class HealthVetoes {

  private static final String FILE_NAME = "health-vetoes.json";
  private final Path file;
  private final Map<String, List<Integer>> vetoed;

  HealthVetoes(Path dataDir) throws IOException {
    this.file = dataDir.resolve(FILE_NAME);
    Map<String, List<Integer>> loaded = new TreeMap<>();
    if (Files.exists(file)) {
      try {
        loaded.putAll(Json.mapper().readValue(Files.readAllBytes(file), new TypeReference<Map<String, List<Integer>>>() {}));
      } catch (IOException | RuntimeException e) {
        throw new IOException(file + " is corrupt (" + e.getMessage() + "); delete it to forget the vetoed versions", e);
      }
    }
    this.vetoed = loaded;
  }

  boolean isVetoed(String model, int version) {
    return vetoed.getOrDefault(model, List.of()).contains(version);
  }

  void veto(String model, int version) throws IOException {
    List<Integer> versions = new ArrayList<>(vetoed.getOrDefault(model, List.of()));
    if (!versions.contains(version)) {
      versions.add(version);
      vetoed.put(model, List.copyOf(versions));
      AtomicFiles.write(file, Json.writePretty(vetoed));
    }
  }
}
