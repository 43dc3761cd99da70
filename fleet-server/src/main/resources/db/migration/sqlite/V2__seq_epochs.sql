-- EdgeFleet server schema, version 2: a device's sequence numbers may start again (its data
-- directory was wiped). Events and telemetry are kept per (device, epoch, seq); a device's epoch
-- grows when a stored sequence number arrives again with other content.

CREATE TABLE device_seq_epochs (
  device_id TEXT PRIMARY KEY,
  epoch     INTEGER NOT NULL
);

CREATE TABLE device_events_v2 (
  device_id   TEXT NOT NULL,
  epoch       INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  time        INTEGER NOT NULL,
  model       TEXT NOT NULL,
  version     INTEGER NOT NULL,
  execution   TEXT NOT NULL,
  result      TEXT NOT NULL,
  reason      TEXT,
  details     TEXT,
  PRIMARY KEY (device_id, epoch, seq)
);
INSERT INTO device_events_v2 SELECT device_id, 0, seq, received_at, time, model, version, execution, result, reason, details
  FROM device_events;
DROP TABLE device_events;
ALTER TABLE device_events_v2 RENAME TO device_events;

ALTER TABLE device_model_events ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;

CREATE TABLE telemetry_batches_v2 (
  device_id      TEXT NOT NULL,
  epoch          INTEGER NOT NULL,
  seq            INTEGER NOT NULL,
  received_at    INTEGER NOT NULL,
  from_ts        INTEGER NOT NULL,
  to_ts          INTEGER NOT NULL,
  cpu_load       REAL,
  rss_bytes      INTEGER,
  heap_bytes     INTEGER,
  temperature_c  REAL,
  PRIMARY KEY (device_id, epoch, seq)
) WITHOUT ROWID;
INSERT INTO telemetry_batches_v2 SELECT device_id, 0, seq, received_at, from_ts, to_ts, cpu_load, rss_bytes, heap_bytes,
  temperature_c FROM telemetry_batches;
DROP TABLE telemetry_batches;
ALTER TABLE telemetry_batches_v2 RENAME TO telemetry_batches;

ALTER TABLE telemetry_models ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
