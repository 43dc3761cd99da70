package org.edgefleet.server.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
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
import org.edgefleet.server.store.DuplicateKeyException;
import org.edgefleet.server.store.Page;
import org.edgefleet.server.store.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry: verifies uploaded bundles, stores them by digest with their chunk plan, lists
 * and deletes versions. Registrations run one at a time on the blob worker; the version check is
 * made again in the transaction that inserts, with the model's name locked, so two uploads of the
 * same name cannot both pass it even on two server instances.
 */
public final class RegistryService {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryService.class);

  /** Says why a version must not be deleted, or empty; runs in the deleting transaction. */
  @FunctionalInterface
  public interface UsageCheck {
    Optional<String> whyInUse(Transaction tx, ModelVersion version);
  }

  /** The outcome of an upload; {@code created} is false when the same bundle was already registered. */
  public record Registration(ModelVersion version, boolean created) {}

  private final Database db;
  private final Function<Transaction, ModelStore> stores;
  private final BlobStore blobs;
  private final PackagerTrust trust;
  private final BundleLimits limits;
  private final Clock clock;
  private final int chunkSize;
  private final int maxVersionStep;
  private final ExecutorService blobWorker;
  private final ServerMetrics metrics;
  private final UsageCheck usage;
  private static final long MISS_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final int MAX_MISSES = 10_000;

  private final Map<String, ModelVersion> byDigest = new ConcurrentHashMap<>();
  private final Map<String, Long> misses = new ConcurrentHashMap<>();
  private final List<Consumer<String>> blobRemovedListeners = new CopyOnWriteArrayList<>();

  public RegistryService(Database db, Function<Transaction, ModelStore> stores, BlobStore blobs, PackagerTrust trust, BundleLimits limits,
      Clock clock, int chunkSize, int maxVersionStep, ExecutorService blobWorker, ServerMetrics metrics, UsageCheck usage) {
    this.db = db;
    this.stores = stores;
    this.blobs = blobs;
    this.trust = trust;
    this.limits = limits;
    this.clock = clock;
    this.chunkSize = chunkSize;
    this.maxVersionStep = maxVersionStep;
    this.blobWorker = blobWorker;
    this.metrics = metrics;
    this.usage = usage;
  }

  /** Loads the registry; chunk plans made with another chunk size are made again. */
  public CompletableFuture<Void> load() {
    return db.read(tx -> stores.apply(tx).all()).thenAcceptAsync(all -> {
      for (ModelVersion v : all) {
        ModelVersion current = v;
        if (v.bundle().chunkSize() != chunkSize) {
          current = v.withBundle(await(() -> plan(blobs.path(v.digest()), v.digest())));
          BundleRef plan = current.bundle();
          db.execute(tx -> {
            stores.apply(tx).updatePlan(v.digest(), plan);
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
    // One pass: the signature, the files, the digest and the chunk plan.
    BundleReader.Planned planned = await(() -> new BundleReader(trust.current(), limits, clock).verifyAndPlan(file, chunkSize));
    VerifiedBundle verified = planned.bundle();
    Manifest m = verified.manifest();
    Optional<ModelVersion> same = db.read(tx -> stores.apply(tx).findByDigest(verified.digest())).join();
    if (same.isPresent()) {
      return new Registration(same.get(), false);
    }
    checkVersion(m, db.read(tx -> stores.apply(tx).maxVersion(m.name())).join());
    BundleRef plan = planned.plan();
    ModelVersion v = new ModelVersion(m.name(), m.version(), verified.digest(), verified.size(), m.format(),
        m.createdAt(), clock.instant(), m.keyId(), plan);
    await(() -> blobs.store(file, v.digest()));
    try {
      String manifestJson = Json.writeString(m);
      db.execute(tx -> {
        ModelStore store = stores.apply(tx);
        checkVersion(m, store.lockName(m.name()));
        store.insert(v, manifestJson);
        return null;
      }).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof DuplicateKeyException) {
        // Another instance registered the same bundle meanwhile: the blob is the same file, and stays.
        Optional<ModelVersion> other = db.read(tx -> stores.apply(tx).findByDigest(v.digest())).join();
        if (other.isPresent()) {
          byDigest.put(other.get().digest(), other.get());
          return new Registration(other.get(), false);
        }
      }
      await(() -> {
        blobs.delete(v.digest());
        return null;
      });
      throw e;
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

  private void checkVersion(Manifest m, int max) {
    if (m.version() <= max) {
      throw new CompletionException(new BundleException(BundleException.Reason.VERSION_NOT_NEWER,
          m.name() + " v" + m.version() + " is not newer than v" + max + ", the highest version registered for "
              + m.name() + ": versions only grow, package it as v" + (max + 1) + " or higher"));
    }
    // A version far above the highest would use up the counter: after 2^31-1 nothing newer exists.
    if ((long) m.version() - max > maxVersionStep) {
      throw FleetException.conflict("version_jump", m.name() + " v" + m.version() + " is more than " + maxVersionStep
          + " above v" + max + ", the highest registered" + (max == 0 ? " (none yet)" : "") + ": package it as v" + (max + 1)
          + " to v" + (max + maxVersionStep) + ", or raise --max-version-step if the jump is meant");
    }
  }

  private BundleRef plan(Path file, String digest) throws IOException {
    BundleRef plan = ChunkPlan.of(file, chunkSize);
    if (!plan.digest().equals(digest)) {
      throw new IOException("stored bundle " + digest + " no longer matches its digest on disk (now " + plan.digest() + ")");
    }
    return plan;
  }

  /**
   * One page of registered versions in (name, version) order, grouped by name: a name whose
   * versions straddle two pages appears on both. {@code after} is the key a previous page ended
   * with ("name/version"), or null for the first page.
   */
  public CompletableFuture<Page<ModelSummary>> models(String after, int limit) {
    int slash = after == null ? -1 : after.lastIndexOf('/');
    String afterName = slash < 0 ? null : after.substring(0, slash);
    int afterVersion;
    try {
      afterVersion = slash < 0 ? 0 : Integer.parseInt(after.substring(slash + 1));
    } catch (NumberFormatException e) {
      return CompletableFuture.failedFuture(FleetException.invalid("bad_cursor", "the cursor does not come from this listing"));
    }
    return db.read(tx -> Page.of(stores.apply(tx).page(afterName, afterVersion, limit + 1), limit, v -> v.name() + "/" + v.version()))
        .thenApply(page -> {
          Map<String, Integer> latest = new HashMap<>();
          byDigest.values().forEach(v -> latest.merge(v.name(), v.version(), Math::max));
          Map<String, List<ModelSummary.Version>> byName = new LinkedHashMap<>();
          for (ModelVersion v : page.items()) {
            byName.computeIfAbsent(v.name(), n -> new ArrayList<>()).add(new ModelSummary.Version(v.version(), v.digest(),
                v.size(), v.format(), v.createdAt(), v.uploadedAt(), tags(v, latest.getOrDefault(v.name(), v.version()))));
          }
          List<ModelSummary> out = new ArrayList<>();
          byName.forEach((name, versions) -> out.add(new ModelSummary(name, versions)));
          return new Page<>(out, page.nextAfter());
        });
  }

  public CompletableFuture<VersionDetail> detail(String name, int version) {
    return db.read(tx -> {
      ModelStore store = stores.apply(tx);
      ModelVersion v = store.find(name, version).orElseThrow(() -> versionNotFound(name, version));
      String manifest = store.manifest(name, version).orElseThrow(() -> versionNotFound(name, version));
      int latest = byDigest.values().stream().filter(o -> o.name().equals(name)).mapToInt(ModelVersion::version).max().orElse(version);
      return VersionDetail.of(v, Json.read(manifest.getBytes(StandardCharsets.UTF_8), Manifest.class), tags(v, latest),
          store.needsRetraining(name, version).orElse(null));
    });
  }

  /** The registered version's manifest, read in the caller's transaction. */
  public Manifest manifest(Transaction tx, ModelVersion v) {
    String json = stores.apply(tx).manifest(v.name(), v.version()).orElseThrow(() -> versionNotFound(v.name(), v.version()));
    return Json.read(json.getBytes(StandardCharsets.UTF_8), Manifest.class);
  }

  /** Flags the version as needing retraining, in the caller's transaction; true when it was not flagged before. */
  public boolean markNeedsRetraining(Transaction tx, String name, int version, Instant since, String reason) {
    boolean flagged = stores.apply(tx).markNeedsRetraining(name, version, since, reason);
    if (flagged) {
      LOG.info("event=version_needs_retraining model={} version={} reason=\"{}\"", name, version, reason);
    }
    return flagged;
  }

  /** The version's retraining flag, read in the caller's transaction. */
  public Optional<RetrainingFlag> needsRetraining(Transaction tx, String name, int version) {
    return stores.apply(tx).needsRetraining(name, version);
  }

  /** Deletes a version that nothing uses, and its blob. */
  public CompletableFuture<Void> delete(String name, int version) {
    return db.execute(tx -> {
      ModelStore store = stores.apply(tx);
      store.lockName(name);
      ModelVersion v = store.find(name, version).orElseThrow(() -> versionNotFound(name, version));
      Optional<String> why = usage.whyInUse(tx, v);
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

  /** The highest version ever registered for the name (deleted ones included), read in the caller's transaction. */
  public int highestVersion(Transaction tx, String name) {
    return stores.apply(tx).maxVersion(name);
  }

  /**
   * Locks the model's name until the caller's transaction ends: registering, deleting and rolling
   * out versions of one model then run one at a time, so none of them acts on a stale check.
   */
  public void lockModel(Transaction tx, String name) {
    stores.apply(tx).lockName(name);
  }

  /**
   * A registered version by bundle digest, from memory: the transfer and desired-state hot paths.
   * A digest not in memory is looked up in the database (another instance may have registered it
   * since the last {@link #refresh}), at most once per {@link #MISS_RECHECK_NANOS} per digest so
   * requests for unknown digests cannot flood the database. Blocks: call it off the event loop.
   */
  public Optional<ModelVersion> byDigest(String digest) {
    ModelVersion cached = byDigest.get(digest);
    if (cached != null) {
      return Optional.of(cached);
    }
    long now = System.nanoTime();
    Long missed = misses.get(digest);
    if (missed != null && now - missed < MISS_RECHECK_NANOS) {
      return Optional.empty();
    }
    if (misses.size() >= MAX_MISSES) {
      misses.clear();
    }
    misses.put(digest, now);
    Optional<ModelVersion> found;
    try {
      found = db.read(tx -> stores.apply(tx).findByDigest(digest)).get(10, TimeUnit.SECONDS)
          .filter(v -> v.bundle().chunkSize() == chunkSize);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("event=registry_lookup_failed digest={} reason=\"{}\"", digest, e.getMessage());
      return Optional.empty();
    }
    found.ifPresent(v -> byDigest.put(digest, v));
    return found;
  }

  /**
   * Reads the registry again for versions other instances on the same database registered or
   * deleted. A version whose chunk plan was made with another chunk size is left out: every
   * instance must run with the same --chunk-size.
   */
  public CompletableFuture<Void> refresh() {
    return db.read(tx -> stores.apply(tx).all()).thenAccept(all -> {
      Map<String, ModelVersion> current = new HashMap<>();
      for (ModelVersion v : all) {
        if (v.bundle().chunkSize() == chunkSize) {
          current.put(v.digest(), v);
        } else if (!byDigest.containsKey(v.digest())) {
          LOG.warn("event=registry_chunk_size_differs model={} version={} chunk_size={} this_instance={} fix=\"run every instance "
              + "with the same --chunk-size\"", v.name(), v.version(), v.bundle().chunkSize(), chunkSize);
        }
      }
      byDigest.keySet().retainAll(current.keySet());
      current.forEach(byDigest::putIfAbsent);
    });
  }

  /** Every registered version, from memory. */
  public List<ModelVersion> versions() {
    return List.copyOf(byDigest.values());
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
