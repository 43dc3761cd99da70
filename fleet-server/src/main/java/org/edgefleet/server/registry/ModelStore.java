package org.edgefleet.server.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.edgefleet.protocol.message.BundleRef;

/** Registered model versions. Opened on one transaction, used inside it only. */
public interface ModelStore {

  /** The highest version ever registered for the name, deleted ones included (the anti-rollback counter). */
  int maxVersion(String name);

  /**
   * {@link #maxVersion}, with the name locked until the transaction ends: registering, deleting and
   * rolling out versions of one name lock it first, so they run one at a time across server instances.
   */
  int lockName(String name);

  Optional<ModelVersion> find(String name, int version);

  Optional<ModelVersion> findByDigest(String digest);

  /** The manifest JSON exactly as the bundle holds it. */
  Optional<String> manifest(String name, int version);

  List<ModelVersion> all();

  /** Up to {@code limit} versions after (afterName, afterVersion) in (name, version) order; null afterName: from the start. */
  List<ModelVersion> page(String afterName, int afterVersion, int limit);

  void insert(ModelVersion version, String manifestJson);

  void updatePlan(String digest, BundleRef plan);

  boolean delete(String name, int version);

  /** Flags the version as needing retraining unless it is flagged already; true when this call flagged it. */
  boolean markNeedsRetraining(String name, int version, Instant since, String reason);

  /** The version's retraining flag, if set. */
  Optional<RetrainingFlag> needsRetraining(String name, int version);
}
