package org.edgefleet.server.sampling;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.SampleMessage;
import org.edgefleet.protocol.message.SamplingPolicy;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.server.store.Transaction;

/** {@link SampleStore} in SQL that SQLite and PostgreSQL both run. */
public final class SqlSampleStore implements SampleStore {

  /** The tensors of a sample as the body column holds them. */
  record Body(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {}

  private static final String SELECT = "SELECT s.id, s.device_id, s.sample_id, s.model, s.version, s.request_id, s.taken_at, "
      + "s.received_at, s.bytes, o.value, s.body FROM samples s LEFT JOIN sample_outcomes o "
      + "ON o.device_id = s.device_id AND o.request_id = s.request_id ";

  private final Transaction tx;

  public SqlSampleStore(Transaction tx) {
    this.tx = tx;
  }

  @Override
  public boolean insert(String deviceId, String sampleId, SampleMessage.Sample s, int bytes, Instant receivedAt) {
    String body = Json.writeString(new Body(s.inputs(), s.outputs()));
    return tx.update("INSERT INTO samples (device_id, sample_id, model, version, request_id, taken_at, received_at, bytes, body) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, sample_id) DO NOTHING", deviceId, sampleId, s.model(),
        s.version(), s.requestId(), s.takenAt().toEpochMilli(), receivedAt.toEpochMilli(), bytes, body) == 1;
  }

  @Override
  public boolean insertOutcome(String deviceId, SampleMessage.Outcome o, Instant receivedAt) {
    return tx.update("INSERT INTO sample_outcomes (device_id, request_id, value, at, received_at) VALUES (?, ?, ?, ?, ?) "
        + "ON CONFLICT (device_id, request_id) DO NOTHING", deviceId, o.requestId(), o.value(), o.at().toEpochMilli(),
        receivedAt.toEpochMilli()) == 1;
  }

  @Override
  public List<StoredSample> page(String model, int version, long afterId, int limit) {
    return tx.query(SELECT + "WHERE s.model = ? AND s.version = ? AND s.id > ? ORDER BY s.id LIMIT ?", SqlSampleStore::read, model,
        version, afterId, limit);
  }

  @Override
  public Optional<StoredSample> find(long id) {
    return tx.first(SELECT + "WHERE s.id = ?", SqlSampleStore::read, id);
  }

  @Override
  public long count(String model, int version) {
    return tx.number("SELECT COUNT(*) FROM samples WHERE model = ? AND version = ?", 0, model, version);
  }

  @Override
  public int purge(Instant before) {
    long at = before.toEpochMilli();
    return tx.update("DELETE FROM samples WHERE received_at < ?", at)
        + tx.update("DELETE FROM sample_outcomes WHERE received_at < ?", at);
  }

  @Override
  public Map<String, SamplingPolicy> policies() {
    Map<String, SamplingPolicy> all = new HashMap<>();
    tx.query("SELECT model, version, policy FROM sampling_policies", rs -> {
      all.put(SamplingPolicies.key(rs.getString(1), rs.getInt(2)), parse(rs.getString(3), SamplingPolicy.class, "policy"));
      return null;
    });
    return all;
  }

  @Override
  public void putPolicy(String model, int version, SamplingPolicy policy, Instant at) {
    tx.update("INSERT INTO sampling_policies (model, version, policy, updated_at) VALUES (?, ?, ?, ?) "
        + "ON CONFLICT (model, version) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at", model, version,
        Json.writeString(policy), at.toEpochMilli());
  }

  @Override
  public boolean deletePolicy(String model, int version) {
    return tx.update("DELETE FROM sampling_policies WHERE model = ? AND version = ?", model, version) == 1;
  }

  private static StoredSample read(ResultSet rs) throws SQLException {
    Body body = parse(rs.getString(11), Body.class, "sample " + rs.getLong(1));
    double value = rs.getDouble(10);
    Double outcome = rs.wasNull() ? null : value;
    return new StoredSample(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getString(6),
        Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)), rs.getInt(9), outcome,
        body.inputs() == null ? Map.of() : body.inputs(), body.outputs() == null ? Map.of() : body.outputs());
  }

  private static <T> T parse(String json, Class<T> type, String what) throws SQLException {
    try {
      return Json.mapper().readValue(json, type);
    } catch (IOException e) {
      throw new SQLException(what + " is corrupt in the database: " + e.getMessage(), e);
    }
  }
}
