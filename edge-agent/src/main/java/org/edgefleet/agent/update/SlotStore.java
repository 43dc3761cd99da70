package org.edgefleet.agent.update;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.BundleRef;

/**
 * Two slots per model, {@code models/{name}/a} and {@code b}, and {@code active.json} naming the
 * one that serves. A slot holds {@code slot.json} (version and bundle), {@code manifest.json}
 * and the bundle's files under {@code files/}. Installing builds a scratch directory, syncs it and
 * renames it into the inactive slot; activating rewrites {@code active.json} atomically. A crash
 * at any point leaves the active slot and its state file intact.
 */
public final class SlotStore {

  public static final List<String> SLOTS = List.of("a", "b");
  private static final String ACTIVE = "active.json";
  private static final String SLOT = "slot.json";
  private static final String MANIFEST = "manifest.json";
  private static final String FILES = "files";
  private static final String SCRATCH = ".scratch-";
  private static final String TRASH = ".trash-";

  /** The serving slot of a model. */
  public record ActiveSlot(String slot, int version) {}

  /** An installed slot. */
  public record SlotInfo(String slot, int version, BundleRef bundle) {}

  private final Path root;

  public SlotStore(Path modelsDir) {
    this.root = modelsDir;
  }

  /** The slots of the agent whose data dir this is: {@code {dataDir}/models}. */
  public static SlotStore inDataDir(Path dataDir) {
    return new SlotStore(dataDir.resolve("models"));
  }

  public List<String> models() throws IOException {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return names;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path d : dirs) {
        names.add(d.getFileName().toString());
      }
    }
    names.sort(null);
    return names;
  }

  public Optional<ActiveSlot> active(String model) throws IOException {
    Path file = root.resolve(model).resolve(ACTIVE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(readJson(file, ActiveSlot.class));
  }

  /** Every installed slot of a model, by slot name. */
  public Map<String, SlotInfo> slots(String model) throws IOException {
    Map<String, SlotInfo> out = new LinkedHashMap<>();
    for (String s : SLOTS) {
      Path file = root.resolve(model).resolve(s).resolve(SLOT);
      if (Files.exists(file)) {
        out.put(s, readJson(file, SlotInfo.class));
      }
    }
    return out;
  }

  public Optional<SlotInfo> holding(String model, int version) throws IOException {
    return slots(model).values().stream().filter(s -> s.version() == version).findFirst();
  }

  /** The slot an install may overwrite: the one not serving. */
  public String inactiveSlot(String model) throws IOException {
    return active(model).map(a -> a.slot().equals("a") ? "b" : "a").orElse("a");
  }

  public Path filesDir(String model, String slot) {
    return root.resolve(model).resolve(slot).resolve(FILES);
  }

  public Manifest manifest(String model, String slot) throws IOException {
    return readJson(root.resolve(model).resolve(slot).resolve(MANIFEST), Manifest.class);
  }

  /** A fresh scratch slot; extract the bundle into its {@code files} directory. */
  public Path newScratch(String model) throws IOException {
    Path scratch = Files.createTempDirectory(Files.createDirectories(root.resolve(model)), SCRATCH);
    Files.createDirectories(scratch.resolve(FILES));
    return scratch;
  }

  public static Path scratchFiles(Path scratch) {
    return scratch.resolve(FILES);
  }

  /** Moves a verified scratch slot into the inactive slot and returns it. */
  public SlotInfo install(String model, Path scratch, Manifest manifest, BundleRef bundle) throws IOException {
    String slot = inactiveSlot(model);
    SlotInfo info = new SlotInfo(slot, manifest.version(), bundle);
    Files.write(scratch.resolve(MANIFEST), Json.writePretty(manifest));
    Files.write(scratch.resolve(SLOT), Json.writePretty(info));
    AtomicFiles.syncTree(scratch);
    Path modelDir = root.resolve(model);
    Path target = modelDir.resolve(slot);
    if (Files.exists(target)) {
      Path trash = Files.createTempDirectory(modelDir, TRASH);
      Files.move(target, trash.resolve(slot), StandardCopyOption.ATOMIC_MOVE);
      Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.syncDirectory(modelDir);
      AtomicFiles.deleteTree(trash);
    } else {
      Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.syncDirectory(modelDir);
    }
    return info;
  }

  public void activate(String model, String slot, int version) throws IOException {
    AtomicFiles.write(root.resolve(model).resolve(ACTIVE), Json.writePretty(new ActiveSlot(slot, version)));
  }

  /** Removes an inactive slot whose content must never serve (it failed its self-test). */
  public void discard(String model, String slot) throws IOException {
    if (active(model).map(a -> a.slot().equals(slot)).orElse(false)) {
      throw new IllegalStateException("slot " + slot + " of " + model + " is active and cannot be discarded");
    }
    AtomicFiles.deleteTree(root.resolve(model).resolve(slot));
  }

  /** Removes scratch and trash directories a crash left behind. */
  public void cleanLeftovers() throws IOException {
    for (String model : models()) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve(model))) {
        for (Path p : entries) {
          String n = p.getFileName().toString();
          if (n.startsWith(SCRATCH) || n.startsWith(TRASH)) {
            AtomicFiles.deleteTree(p);
          }
        }
      }
    }
  }

  /** The bundle of every installed slot: the chunks the agent keeps for reuse. */
  public List<BundleRef> heldBundles() throws IOException {
    List<BundleRef> held = new ArrayList<>();
    for (String model : models()) {
      for (SlotInfo s : slots(model).values()) {
        held.add(s.bundle());
      }
    }
    return held;
  }

  /** The digests of {@code bundles}. */
  public static Set<String> digests(List<BundleRef> bundles) {
    Set<String> digests = new HashSet<>();
    bundles.forEach(b -> digests.add(b.digest()));
    return digests;
  }

  private static <T> T readJson(Path file, Class<T> type) throws IOException {
    try {
      return Json.read(Files.readAllBytes(file), type);
    } catch (RuntimeException e) {
      throw new IOException(file + " is corrupt: " + e.getMessage(), e);
    }
  }
}
