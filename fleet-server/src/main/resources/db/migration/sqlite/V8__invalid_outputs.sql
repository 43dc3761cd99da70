-- EdgeFleet server schema, version 8: the calls whose outputs held NaN or infinity, per device,
-- model version and batch, for the canary's invalid-output gate. Null where the agent does not
-- count them (agents before 0.2.0): unknown, not none.

ALTER TABLE telemetry_models ADD COLUMN invalid_outputs INTEGER;
