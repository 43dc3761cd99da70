package org.edgefleet.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code store/schema-2-fleet.db}: a SQLite database made by the server's own stores before the
 * schema moved to Flyway (schema_version 2): three devices with reports and events, a model
 * version, a running rollout with three targets and their assignments, five telemetry batches.
 */
public final class LegacyFixture {

  /** The rows of each table of the fixture. */
  public static final Map<String, Long> ROWS = rows();

  private LegacyFixture() {}

  /** Writes a copy of the fixture to {@code file} and returns it. */
  public static Path copyTo(Path file) throws IOException {
    try (InputStream in = LegacyFixture.class.getResourceAsStream("/store/schema-2-fleet.db")) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  private static Map<String, Long> rows() {
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("model_names", 1L);
    rows.put("model_versions", 1L);
    rows.put("devices", 3L);
    rows.put("device_seq_epochs", 0L);
    rows.put("device_events", 3L);
    rows.put("device_model_events", 3L);
    rows.put("desired", 3L);
    rows.put("assignments", 3L);
    rows.put("rollouts", 1L);
    rows.put("rollout_targets", 3L);
    // Tables of schema 3 and later, empty in a database made before them.
    rows.put("rollout_history", 0L);
    rows.put("cohorts", 0L);
    rows.put("telemetry_batches", 5L);
    rows.put("telemetry_models", 5L);
    rows.put("telemetry_drift", 0L);
    rows.put("telemetry_model_rollups", 0L);
    rows.put("telemetry_resource_rollups", 0L);
    rows.put("alert_rules", 0L);
    rows.put("alerts", 0L);
    rows.put("alert_deliveries", 0L);
    rows.put("enrollment_tokens", 0L);
    rows.put("device_identities", 0L);
    rows.put("sampling_policies", 0L);
    rows.put("samples", 0L);
    rows.put("sample_outcomes", 0L);
    rows.put("api_tokens", 0L);
    rows.put("audit_log", 0L);
    rows.put("admin_bootstrap", 0L);
    rows.put("dashboard_sessions", 0L);
    return rows;
  }
}
