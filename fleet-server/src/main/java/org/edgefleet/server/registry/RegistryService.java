package org.edgefleet.server.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.edgefleet.protocol.bundle.BundleException;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.bundle.BundleReader;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.VerifiedBundle;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.keys.PackagerTrust;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry: verifies uploaded bundles, stores them by digest with their chunk plan, lists
 * and deletes versions. Registrations run one at a time on the blob worker, so two uploads of the
 * same name cannot both pass the version check.
 */
public final class RegistryService {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryService.class);

  /** Says why a version must not be deleted, or empty; runs on the database thread. */
  @FunctionalInterface
  public interface UsageCheck {
    Optional<String> whyInUse(ModelVersion version) throws SQLException;
  }

  /** The outcome of an upload; {@code created} is false when the same bundle was already registered. */
  public record Registration(ModelVersion version, boolean created) {}

  private final Database db;
  private final ModelStore store;
  private final BlobStore blobs;
  private final PackagerTrust trust;
  private final BundleLimits limits;
  private final Clock clock;
  private final int chunkSize;
  private final ExecutorService blobWorker;
  private final ServerMetrics metrics;
  private final UsageCheck usage;
  private final Map<String, ModelVersion> byDigest = new ConcurrentHashMap<>();
  private final List<Consumer<String>> blobRemovedListeners = new CopyOnWriteArrayList<>();

  public RegistryService(Database db, ModelStore store, BlobStore blobs, PackagerTrust trust, BundleLimits limits,
      Clock clock, int chunkSize, ExecutorService blobWorker, ServerMetrics metrics, UsageCheck usage) {
    this.db = db;
    this.store = store;
    this.blobs = blobs;
    this.trust = trust;
    this.limits = limits;
    this.clock = clock;
    this.chunkSize = chunkSize;
    this.blobWorker = blobWorker;
    this.metrics = metrics;
    this.usage = usage;
  }

  /** Loads the registry; chunk plans made with another chunk size are made again. */
  public CompletableFuture<Void> load() {
    return db.execute(c -> store.all()).thenAcceptAsync(all -> {
      for (ModelVersion v : all) {
        ModelVersion current = v;
        if (v.bundle().chunkSize() != chunkSize) {
          current = v.withBundle(await(() -> plan(blobs.path(v.digest()), v.digest())));
          BundleRef plan = current.bundle();
          db.execute(c -> {
            store.updatePlan(v.digest(), plan);
            return null;
          }).join();
          LOG.info("event=chunk_plan_remade model={} version={} chunk_size={}", v.name(), v.version(), chunkSize);
        }
        byDigest.put(v.digest(), current);
      }
    }, blobWorker);
  }

  /** Verifies the uploaded file and registers it; the file is moved or deleted either way. */
  public CompletableFuture<Registration> register(Path uploaded) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        Registration r = registerNow(uploaded);
        metrics.upload(true);
        return r;
      } catch (RuntimeException e) {
        metrics.upload(false);
        throw e;
      } finally {
        deleteQuietly(uploaded);
      }
    }, blobWorker);
  }

  private Registration registerNow(Path file) {
    VerifiedBundle verified = await(() -> new BundleReader(trust.current(), limits, clock).verify(file));
    Manifest m = verified.manifest();
    Optional<ModelVersion> same = db.execute(c -> store.findByDigest(verified.digest())).join();
    if (same.isPresent()) {
      return new Registration(same.get(), false);
    }
    int max = db.execute(c -> store.maxVersion(m.name())).join();
    if (m.version() <= max) {
      throw new CompletionException(new BundleException(BundleException.Reason.VERSION_NOT_NEWER,
          m.name() + " v" + m.version() + " is not newer than v" + max + ", the highest version registered for "
              + m.name() + ": versions only grow, package it as v" + (max + 1) + " or higher"));
    }
    BundleRef plan = await(() -> plan(file, verified.digest()));
    ModelVersion v = new ModelVersion(m.name(), m.version(), verified.digest(), verified.size(), m.format(),
        m.createdAt(), clock.instant(), m.keyId(), plan);
    await(() -> blobs.store(file, v.digest()));
    try {
      String manifestJson = Json.writeString(m);
      db.execute(c -> {
        store.insert(v, manifestJson);
        return null;
      }).join();
    } catch (RuntimeException e) {
      await(() -> {
        blobs.delete(v.digest());
        return null;
      });
      throw e;
    }
    byDigest.put(v.digest(), v);
    LOG.info("event=bundle_registered model={} version={} digest={} size={}", v.name(), v.version(), v.digest(), v.size());
    return new Registration(v, true);
  }

  private BundleRef plan(Path file, String digest) throws IOException {
    BundleRef plan = ChunkPlan.of(file, chunkSize);
    if (!plan.digest().equals(digest)) {
      throw new IOException("bundle file changed while it was registered (digest " + plan.digest() + ", expected " + digest + ")");
    }
    return plan;
  }

  public CompletableFuture<List<ModelSummary>> models() {
    return db.execute(c -> store.all()).thenApply(all -> {
      Map<String, List<ModelVersion>> byName = new LinkedHashMap<>();
      all.forEach(v -> byName.computeIfAbsent(v.name(), n -> new ArrayList<>()).add(v));
      List<ModelSummary> out = new ArrayList<>();
      byName.forEach((name, versions) -> {
        int latest = versions.get(versions.size() - 1).version();
        out.add(new ModelSummary(name, versions.stream().map(v -> new ModelSummary.Version(v.version(), v.digest(),
            v.size(), v.format(), v.createdAt(), v.uploadedAt(), tags(v, latest))).toList()));
      });
      return out;
    });
  }

  public CompletableFuture<VersionDetail> detail(String name, int version) {
    return db.execute(c -> {
      ModelVersion v = store.find(name, version).orElseThrow(() -> versionNotFound(name, version));
      String manifest = store.manifest(name, version).orElseThrow(() -> versionNotFound(name, version));
      int latest = byDigest.values().stream().filter(o -> o.name().equals(name)).mapToInt(ModelVersion::version).max().orElse(version);
      return VersionDetail.of(v, Json.read(manifest.getBytes(StandardCharsets.UTF_8), Manifest.class), tags(v, latest));
    });
  }

  /** Deletes a version that nothing uses, and its blob. */
  public CompletableFuture<Void> delete(String name, int version) {
    return db.execute(c -> {
      ModelVersion v = store.find(name, version).orElseThrow(() -> versionNotFound(name, version));
      Optional<String> why = usage.whyInUse(v);
      if (why.isPresent()) {
        throw FleetException.conflict("version_in_use", name + " v" + version + " cannot be deleted: " + why.get());
      }
      store.delete(name, version);
      return v;
    }).thenAcceptAsync(v -> {
      byDigest.remove(v.digest());
      blobRemovedListeners.forEach(l -> l.accept(v.digest()));
      try {
        blobs.delete(v.digest());
      } catch (IOException e) {
        LOG.warn("event=blob_delete_failed digest={} reason=\"{}\"", v.digest(), e.getMessage());
      }
      LOG.info("event=version_deleted model={} version={}", name, version);
    }, blobWorker);
  }

  /** A registered version by bundle digest, from memory: the transfer and desired-state hot paths. */
  public Optional<ModelVersion> byDigest(String digest) {
    return Optional.ofNullable(byDigest.get(digest));
  }

  public boolean hasModel(String name) {
    return byDigest.values().stream().anyMatch(v -> v.name().equals(name));
  }

  public Optional<ModelVersion> find(String name, int version) {
    return byDigest.values().stream().filter(v -> v.name().equals(name) && v.version() == version).findFirst();
  }

  /** Where an upload in progress is written before it is verified. */
  public Path newUploadPath() {
    return blobs.newUploadPath();
  }

  public Path blobPath(String digest) {
    return blobs.path(digest);
  }

  /** Called with the digest of a bundle about to be removed from disk. */
  public void onBlobRemoved(Consumer<String> listener) {
    blobRemovedListeners.add(listener);
  }

  private static List<String> tags(ModelVersion v, int latest) {
    return v.version() == latest ? List.of("latest") : List.of();
  }

  private static FleetException versionNotFound(String name, int version) {
    return FleetException.notFound("version_not_found", name + " v" + version + " is not registered: see GET /api/v1/models");
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warn("event=temp_delete_failed file={} reason=\"{}\"", p, e.getMessage());
    }
  }

  @FunctionalInterface
  private interface IoWork<T> {
    T run() throws IOException, BundleException;
  }

  // Checked failures travel in CompletionException so the future carries the original cause.
  private static <T> T await(IoWork<T> work) {
    try {
      return work.run();
    } catch (IOException | BundleException e) {
      throw new CompletionException(e);
    }
  }

}
