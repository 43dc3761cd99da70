-- EdgeFleet server schema, version 15: the minute and hour buckets keep what the raw rows carried
-- beyond counts, latency and outcomes, so charts, alerts and gates read them past the raw window:
-- - the shadow comparison merged over the bucket: top-1 counts add up, mean absolute differences
--   are weighted by inferences, and the weight is kept beside them so buckets merge again exactly;
-- - the invalid-output count with the inferences it is out of: only those of agents that count
--   them, so a bucket mixing old and new agents stays exact.

ALTER TABLE telemetry_model_rollups ADD COLUMN shadow_json TEXT;
ALTER TABLE telemetry_model_rollups ADD COLUMN shadow_weight BIGINT NOT NULL DEFAULT 0;
ALTER TABLE telemetry_model_rollups ADD COLUMN invalid_checked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE telemetry_model_rollups ADD COLUMN invalid_outputs BIGINT NOT NULL DEFAULT 0;
