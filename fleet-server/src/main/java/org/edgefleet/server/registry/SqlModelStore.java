package org.edgefleet.server.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.server.store.Transaction;

/** {@link ModelStore} in SQL that SQLite and PostgreSQL both run. */
public final class SqlModelStore implements ModelStore {

  private static final String COLUMNS = "name, version, digest, size, format, created_at, uploaded_at, key_id, chunk_size, chunk_hashes";
  private static final TypeReference<List<String>> HASHES = new TypeReference<>() {};

  private final Transaction tx;

  public SqlModelStore(Transaction tx) {
    this.tx = tx;
  }

  @Override
  public int maxVersion(String name) {
    return (int) tx.number("SELECT max_version FROM model_names WHERE name = ?", 0, name);
  }

  @Override
  public int lockName(String name) {
    // A row to lock, even for a name never registered; version 0 is what maxVersion says for it anyway.
    tx.update("INSERT INTO model_names (name, max_version) VALUES (?, 0) ON CONFLICT (name) DO NOTHING", name);
    return (int) tx.number("SELECT max_version FROM model_names WHERE name = ?" + tx.dialect().forUpdate(), 0, name);
  }

  @Override
  public Optional<ModelVersion> find(String name, int version) {
    return tx.first("SELECT " + COLUMNS + " FROM model_versions WHERE name = ? AND version = ?", SqlModelStore::read,
        name, version);
  }

  @Override
  public Optional<ModelVersion> findByDigest(String digest) {
    return tx.first("SELECT " + COLUMNS + " FROM model_versions WHERE digest = ?", SqlModelStore::read, digest);
  }

  @Override
  public Optional<String> manifest(String name, int version) {
    return tx.first("SELECT manifest FROM model_versions WHERE name = ? AND version = ?", rs -> rs.getString(1), name, version);
  }

  @Override
  public List<ModelVersion> all() {
    return tx.query("SELECT " + COLUMNS + " FROM model_versions ORDER BY name, version", SqlModelStore::read);
  }

  @Override
  public List<ModelVersion> page(String afterName, int afterVersion, int limit) {
    return tx.query("SELECT " + COLUMNS + " FROM model_versions WHERE (name, version) > (?, ?) ORDER BY name, version LIMIT ?",
        SqlModelStore::read, afterName == null ? "" : afterName, afterName == null ? Integer.MIN_VALUE : afterVersion, limit);
  }

  @Override
  public void insert(ModelVersion v, String manifestJson) {
    tx.update("INSERT INTO model_versions (" + COLUMNS + ", manifest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        v.name(), v.version(), v.digest(), v.size(), v.format().wireName(), v.createdAt().toEpochMilli(),
        v.uploadedAt().toEpochMilli(), v.keyId(), v.bundle().chunkSize(), Json.writeString(v.bundle().chunkHashes()),
        manifestJson);
    tx.update("INSERT INTO model_names (name, max_version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET max_version = "
        + tx.dialect().greatest("model_names.max_version", "excluded.max_version"), v.name(), v.version());
  }

  @Override
  public void updatePlan(String digest, BundleRef plan) {
    tx.update("UPDATE model_versions SET chunk_size = ?, chunk_hashes = ? WHERE digest = ?", plan.chunkSize(),
        Json.writeString(plan.chunkHashes()), digest);
  }

  @Override
  public boolean delete(String name, int version) {
    return tx.update("DELETE FROM model_versions WHERE name = ? AND version = ?", name, version) == 1;
  }

  @Override
  public boolean markNeedsRetraining(String name, int version, Instant since, String reason) {
    return tx.update("UPDATE model_versions SET needs_retraining_since = ?, needs_retraining_reason = ? WHERE name = ? "
        + "AND version = ? AND needs_retraining_since IS NULL", since.toEpochMilli(), reason, name, version) == 1;
  }

  @Override
  public Optional<RetrainingFlag> needsRetraining(String name, int version) {
    return tx.first("SELECT needs_retraining_since, needs_retraining_reason FROM model_versions WHERE name = ? AND version = ? "
        + "AND needs_retraining_since IS NOT NULL", rs -> new RetrainingFlag(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2)),
        name, version);
  }

  private static ModelVersion read(ResultSet rs) throws SQLException {
    String digest = rs.getString(3);
    long size = rs.getLong(4);
    List<String> hashes;
    try {
      hashes = Json.mapper().readValue(rs.getString(10), HASHES);
    } catch (IOException e) {
      throw new SQLException("chunk hashes of " + digest + " are corrupt", e);
    }
    return new ModelVersion(rs.getString(1), rs.getInt(2), digest, size, ModelFormat.fromWireName(rs.getString(5)),
        Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8),
        new BundleRef(digest, size, rs.getInt(9), hashes));
  }
}
