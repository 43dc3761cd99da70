-- EdgeFleet server schema, version 1. Times are epoch milliseconds (UTC).

-- The highest version ever registered per model name: the anti-rollback counter, kept after deletes.
CREATE TABLE model_names (
  name        TEXT PRIMARY KEY,
  max_version INTEGER NOT NULL
);

CREATE TABLE model_versions (
  name         TEXT NOT NULL,
  version      INTEGER NOT NULL,
  digest       TEXT NOT NULL UNIQUE,
  size         INTEGER NOT NULL,
  format       TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  uploaded_at  INTEGER NOT NULL,
  key_id       TEXT NOT NULL,
  manifest     TEXT NOT NULL,
  chunk_size   INTEGER NOT NULL,
  chunk_hashes TEXT NOT NULL,
  PRIMARY KEY (name, version)
);

CREATE TABLE devices (
  id               TEXT PRIMARY KEY,
  labels           TEXT NOT NULL DEFAULT '{}',
  first_seen       INTEGER NOT NULL,
  last_seen        INTEGER NOT NULL,
  online           INTEGER NOT NULL DEFAULT 0,
  agent_version    TEXT,
  applied_revision INTEGER NOT NULL DEFAULT 0,
  reported         TEXT,
  reported_at      INTEGER,
  reported_time    INTEGER,
  last_error       TEXT
);

CREATE TABLE device_events (
  device_id   TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  time        INTEGER NOT NULL,
  model       TEXT NOT NULL,
  version     INTEGER NOT NULL,
  execution   TEXT NOT NULL,
  result      TEXT NOT NULL,
  reason      TEXT,
  details     TEXT,
  PRIMARY KEY (device_id, seq)
);

-- The latest event per device and model, for the device view.
CREATE TABLE device_model_events (
  device_id   TEXT NOT NULL,
  model       TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  version     INTEGER NOT NULL,
  execution   TEXT NOT NULL,
  result      TEXT NOT NULL,
  reason      TEXT,
  details     TEXT,
  PRIMARY KEY (device_id, model)
);

-- What the server wants each device to run: a revision per device, an assignment per model.
CREATE TABLE desired (
  device_id TEXT PRIMARY KEY,
  revision  INTEGER NOT NULL,
  issued_at INTEGER NOT NULL
);

CREATE TABLE assignments (
  device_id  TEXT NOT NULL,
  model      TEXT NOT NULL,
  version    INTEGER NOT NULL,
  digest     TEXT NOT NULL,
  rollout_id INTEGER NOT NULL,
  PRIMARY KEY (device_id, model)
);
CREATE INDEX assignments_by_digest ON assignments (digest);

CREATE TABLE rollouts (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  model      TEXT NOT NULL,
  version    INTEGER NOT NULL,
  digest     TEXT NOT NULL,
  selector   TEXT NOT NULL,
  strategy   TEXT NOT NULL,
  status     TEXT NOT NULL,
  stage      INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX rollouts_by_model ON rollouts (model, version, status);

CREATE TABLE rollout_targets (
  rollout_id INTEGER NOT NULL REFERENCES rollouts (id),
  device_id  TEXT NOT NULL,
  stage      INTEGER NOT NULL,
  state      TEXT NOT NULL,
  reason     TEXT,
  details    TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (rollout_id, device_id)
);

CREATE TABLE telemetry_batches (
  device_id      TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  received_at    INTEGER NOT NULL,
  from_ts        INTEGER NOT NULL,
  to_ts          INTEGER NOT NULL,
  cpu_load       REAL,
  rss_bytes      INTEGER,
  heap_bytes     INTEGER,
  temperature_c  REAL,
  PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

CREATE TABLE telemetry_models (
  device_id      TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  model          TEXT NOT NULL,
  version        INTEGER NOT NULL,
  received_at    INTEGER NOT NULL,
  inferences     INTEGER NOT NULL,
  errors         INTEGER NOT NULL,
  latency_micros TEXT
);
CREATE INDEX telemetry_models_by_model ON telemetry_models (model, version, received_at);
