-- EdgeFleet server schema, version 3: the shadow comparisons and A/B outcomes a device reports per
-- model version, kept as the JSON it sent (already validated by the protocol records); null for
-- versions that ran in neither role.

ALTER TABLE telemetry_models ADD COLUMN shadow_json TEXT;
ALTER TABLE telemetry_models ADD COLUMN outcomes_json TEXT;
