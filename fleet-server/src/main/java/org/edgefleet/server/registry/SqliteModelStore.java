package org.edgefleet.server.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.BundleRef;

/** {@link ModelStore} on SQLite. */
public final class SqliteModelStore implements ModelStore {

  private static final String COLUMNS = "name, version, digest, size, format, created_at, uploaded_at, key_id, chunk_size, chunk_hashes";
  private static final TypeReference<List<String>> HASHES = new TypeReference<>() {};

  private final Connection c;

  public SqliteModelStore(Connection connection) {
    this.c = connection;
  }

  @Override
  public int maxVersion(String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT max_version FROM model_names WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  @Override
  public Optional<ModelVersion> find(String name, int version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM model_versions WHERE name = ? AND version = ?")) {
      ps.setString(1, name);
      ps.setInt(2, version);
      return first(ps);
    }
  }

  @Override
  public Optional<ModelVersion> findByDigest(String digest) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM model_versions WHERE digest = ?")) {
      ps.setString(1, digest);
      return first(ps);
    }
  }

  @Override
  public Optional<String> manifest(String name, int version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT manifest FROM model_versions WHERE name = ? AND version = ?")) {
      ps.setString(1, name);
      ps.setInt(2, version);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  @Override
  public List<ModelVersion> all() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM model_versions ORDER BY name, version")) {
      List<ModelVersion> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      return out;
    }
  }

  @Override
  public void insert(ModelVersion v, String manifestJson) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO model_versions (" + COLUMNS + ", manifest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, v.name());
      ps.setInt(2, v.version());
      ps.setString(3, v.digest());
      ps.setLong(4, v.size());
      ps.setString(5, v.format().wireName());
      ps.setLong(6, v.createdAt().toEpochMilli());
      ps.setLong(7, v.uploadedAt().toEpochMilli());
      ps.setString(8, v.keyId());
      ps.setInt(9, v.bundle().chunkSize());
      ps.setString(10, Json.writeString(v.bundle().chunkHashes()));
      ps.setString(11, manifestJson);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO model_names (name, max_version) VALUES (?, ?) "
        + "ON CONFLICT (name) DO UPDATE SET max_version = MAX(max_version, excluded.max_version)")) {
      ps.setString(1, v.name());
      ps.setInt(2, v.version());
      ps.executeUpdate();
    }
  }

  @Override
  public void updatePlan(String digest, BundleRef plan) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE model_versions SET chunk_size = ?, chunk_hashes = ? WHERE digest = ?")) {
      ps.setInt(1, plan.chunkSize());
      ps.setString(2, Json.writeString(plan.chunkHashes()));
      ps.setString(3, digest);
      ps.executeUpdate();
    }
  }

  @Override
  public boolean delete(String name, int version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM model_versions WHERE name = ? AND version = ?")) {
      ps.setString(1, name);
      ps.setInt(2, version);
      return ps.executeUpdate() == 1;
    }
  }

  private static Optional<ModelVersion> first(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(read(rs)) : Optional.empty();
    }
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
