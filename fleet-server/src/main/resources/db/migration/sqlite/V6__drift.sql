-- EdgeFleet server schema, version 6: drift. Devices send, with each telemetry batch, histograms of
-- their live inputs on the manifest's reference bins (counts only). One row per (batch, model
-- version, input, feature); counts are the bins' counts, comma-separated. A model version can be
-- flagged as needing retraining when its drift alert persists.

CREATE TABLE telemetry_drift (
  device_id   TEXT NOT NULL,
  epoch       INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  model       TEXT NOT NULL,
  version     INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  input       TEXT NOT NULL,
  feature     TEXT NOT NULL,
  counts      TEXT NOT NULL
);
CREATE INDEX telemetry_drift_by_version ON telemetry_drift (model, version, received_at);

ALTER TABLE model_versions ADD COLUMN needs_retraining_since INTEGER;
ALTER TABLE model_versions ADD COLUMN needs_retraining_reason TEXT;
