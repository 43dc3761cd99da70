-- EdgeFleet server schema on PostgreSQL, version 2: a device's sequence numbers may start again
-- (its data directory was wiped). Events and telemetry are kept per (device, epoch, seq); a
-- device's epoch grows when a stored sequence number arrives again with other content.

CREATE TABLE device_seq_epochs (
  device_id TEXT PRIMARY KEY,
  epoch     BIGINT NOT NULL
);

ALTER TABLE device_events ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE device_events DROP CONSTRAINT device_events_pkey;
ALTER TABLE device_events ADD PRIMARY KEY (device_id, epoch, seq);

ALTER TABLE device_model_events ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;

ALTER TABLE telemetry_batches ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE telemetry_batches DROP CONSTRAINT telemetry_batches_pkey;
ALTER TABLE telemetry_batches ADD PRIMARY KEY (device_id, epoch, seq);

ALTER TABLE telemetry_models ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
