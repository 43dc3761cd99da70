package org.edgefleet.server.sampling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.edgefleet.protocol.message.SampleMessage;
import org.edgefleet.protocol.message.SamplingPolicy;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.desired.Assignment;
import org.edgefleet.server.desired.DesiredStateService;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sampled inputs: the per-version sampling policy (which the desired states carry), the samples
 * and outcomes devices send, their retention, and the pages an export streams. A device may send
 * samples only of a version its desired state assigns it with a policy; anything else is refused.
 */
public final class SampleService {

  private static final Logger LOG = LoggerFactory.getLogger(SampleService.class);

  /** What became of a message from a device. */
  public enum Ingested { STORED, REPLAYED, NOT_SAMPLED }

  private final Database db;
  private final Function<Transaction, SampleStore> stores;
  private final SamplingPolicies policies;
  private final DesiredStateService desired;
  private final RegistryService registry;
  private final Clock clock;

  public SampleService(Database db, Function<Transaction, SampleStore> stores, SamplingPolicies policies,
      DesiredStateService desired, RegistryService registry, Clock clock) {
    this.db = db;
    this.stores = stores;
    this.policies = policies;
    this.desired = desired;
    this.registry = registry;
    this.clock = clock;
  }

  /** Loads the policies into memory (at start, and to pick up what other instances changed). */
  public CompletableFuture<Void> load() {
    return db.read(tx -> stores.apply(tx).policies()).thenAccept(policies::replaceAll);
  }

  /** Stores a checked message of {@code deviceId}; {@code bytes} is its size on the wire. */
  public CompletableFuture<Ingested> ingest(SampleMessage m, int bytes) {
    Instant now = clock.instant();
    return db.execute(tx -> {
      SampleStore store = stores.apply(tx);
      if (m.outcome() != null) {
        return store.insertOutcome(m.deviceId(), m.outcome(), now) ? Ingested.STORED : Ingested.REPLAYED;
      }
      SampleMessage.Sample s = m.sample();
      Optional<Assignment> a = desired.assignment(tx, m.deviceId(), s.model());
      if (a.isEmpty() || a.get().version() != s.version() || policies.of(s.model(), s.version()).isEmpty()) {
        return Ingested.NOT_SAMPLED;
      }
      return store.insert(m.deviceId(), m.id(), s, bytes, now) ? Ingested.STORED : Ingested.REPLAYED;
    });
  }

  public Optional<SamplingPolicy> policy(String model, int version) {
    return policies.of(model, version);
  }

  /** Sets the version's policy; every desired state is signed again so the devices running it get it. */
  public CompletableFuture<SamplingPolicy> setPolicy(String model, int version, SamplingPolicy policy) {
    requireVersion(model, version);
    return db.execute(tx -> {
      stores.apply(tx).putPolicy(model, version, policy, clock.instant());
      tx.afterCommit(() -> {
        policies.put(model, version, policy);
        desired.publishAll();
      });
      return policy;
    });
  }

  /** Stops sampling the version; false when it had no policy. */
  public CompletableFuture<Boolean> deletePolicy(String model, int version) {
    return db.execute(tx -> {
      boolean had = stores.apply(tx).deletePolicy(model, version);
      tx.afterCommit(() -> {
        policies.remove(model, version);
        desired.publishAll();
      });
      return had;
    });
  }

  public CompletableFuture<List<StoredSample>> page(String model, int version, long afterId, int limit) {
    requireVersion(model, version);
    return db.read(tx -> stores.apply(tx).page(model, version, afterId, limit));
  }

  public CompletableFuture<Long> count(String model, int version) {
    return db.read(tx -> stores.apply(tx).count(model, version));
  }

  public CompletableFuture<StoredSample> sample(String model, int version, long id) {
    return db.read(tx -> stores.apply(tx).find(id)).thenApply(s -> s.filter(x -> x.model().equals(model)
        && x.version() == version).orElseThrow(() -> FleetException.notFound("sample_not_found", "no sample " + id + " of "
        + model + " v" + version + ": list them with GET /api/v1/models/" + model + "/versions/" + version + "/samples")));
  }

  /** Periodic work: removes what is older than the retention. */
  public CompletableFuture<Void> purge(Duration retention) {
    Instant before = clock.instant().minus(retention);
    return db.execute(tx -> stores.apply(tx).purge(before)).thenAccept(n -> {
      if (n > 0) {
        LOG.info("event=samples_purged rows={} before={}", n, before);
      }
    });
  }

  private void requireVersion(String model, int version) {
    if (registry.find(model, version).isEmpty()) {
      throw FleetException.notFound("version_not_found", "model " + model + " has no registered version " + version
          + ": see GET /api/v1/models/" + model);
    }
  }
}
