-- EdgeFleet server schema, version 7: telemetry as time series, and alerts.
-- Raw telemetry rows live for a short window; the downsampler (leader work) folds older rows into
-- per-minute, then per-hour buckets per device and model version, and deletes what it folded, in
-- the same transaction, so a query over raw rows and buckets counts every batch once. Latency
-- histograms are merged bucket-wise (HdrHistogram, base64), never as averages of percentiles.
-- Resources keep count, min, sum and max per bucket, so mean, min and max merge exactly.
-- Alert rules watch a metric on a scope; alerts are their firing/resolved history, and each state
-- change of an alert is delivered to every webhook once (alert_deliveries).

CREATE INDEX telemetry_batches_by_time ON telemetry_batches (received_at);
CREATE INDEX telemetry_models_by_time ON telemetry_models (received_at);
CREATE INDEX telemetry_drift_by_time ON telemetry_drift (received_at);

CREATE TABLE telemetry_model_rollups (
  step_ms        INTEGER NOT NULL,
  bucket_start   INTEGER NOT NULL,
  device_id      TEXT NOT NULL,
  model          TEXT NOT NULL,
  version        INTEGER NOT NULL,
  inferences     INTEGER NOT NULL,
  errors         INTEGER NOT NULL,
  latency_micros TEXT,
  outcomes_json  TEXT,
  PRIMARY KEY (step_ms, model, version, bucket_start, device_id)
);
CREATE INDEX telemetry_model_rollups_by_time ON telemetry_model_rollups (step_ms, bucket_start);

CREATE TABLE telemetry_resource_rollups (
  step_ms      INTEGER NOT NULL,
  bucket_start INTEGER NOT NULL,
  device_id    TEXT NOT NULL,
  cpu_n        INTEGER NOT NULL,
  cpu_min      REAL,
  cpu_sum      REAL,
  cpu_max      REAL,
  rss_n        INTEGER NOT NULL,
  rss_min      REAL,
  rss_sum      REAL,
  rss_max      REAL,
  temp_n       INTEGER NOT NULL,
  temp_min     REAL,
  temp_sum     REAL,
  temp_max     REAL,
  PRIMARY KEY (step_ms, device_id, bucket_start)
);
CREATE INDEX telemetry_resource_rollups_by_time ON telemetry_resource_rollups (step_ms, bucket_start);

CREATE TABLE alert_rules (
  name        TEXT PRIMARY KEY,
  metric      TEXT NOT NULL,
  model       TEXT NOT NULL,
  version     INTEGER,
  cohort      TEXT NOT NULL,
  threshold   REAL NOT NULL,
  for_ms      INTEGER NOT NULL,
  window_ms   INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE alerts (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  rule         TEXT NOT NULL,
  metric       TEXT NOT NULL,
  model        TEXT NOT NULL,
  version      INTEGER NOT NULL,
  cohort       TEXT NOT NULL,
  threshold    REAL NOT NULL,
  state        TEXT NOT NULL,
  value        REAL,
  pending_since INTEGER NOT NULL,
  firing_since INTEGER,
  resolved_at  INTEGER,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX alerts_by_rule ON alerts (rule, model, version, state);
CREATE INDEX alerts_by_state ON alerts (state, id);

CREATE TABLE alert_deliveries (
  alert_id     INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  state        TEXT NOT NULL,
  webhook      TEXT NOT NULL,
  payload      TEXT NOT NULL,
  attempts     INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  outcome      TEXT NOT NULL,
  PRIMARY KEY (alert_id, state, webhook)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (outcome, next_attempt);
