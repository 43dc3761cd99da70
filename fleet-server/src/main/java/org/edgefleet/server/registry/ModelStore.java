package org.edgefleet.server.registry;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.edgefleet.protocol.message.BundleRef;

/** Registered model versions. Called on the database thread only. */
public interface ModelStore {

  /** The highest version ever registered for the name, deleted ones included (the anti-rollback counter). */
  int maxVersion(String name) throws SQLException;

  Optional<ModelVersion> find(String name, int version) throws SQLException;

  Optional<ModelVersion> findByDigest(String digest) throws SQLException;

  /** The manifest JSON exactly as the bundle holds it. */
  Optional<String> manifest(String name, int version) throws SQLException;

  List<ModelVersion> all() throws SQLException;

  void insert(ModelVersion version, String manifestJson) throws SQLException;

  void updatePlan(String digest, BundleRef plan) throws SQLException;

  boolean delete(String name, int version) throws SQLException;
}
