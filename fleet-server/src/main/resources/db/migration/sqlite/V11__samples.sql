-- EdgeFleet server schema, version 11: sampled inputs. A sampling policy per model version travels
-- in the desired state; devices send sampled calls (inputs and outputs as tensors, JSON in body)
-- and the outcomes the application later reported for them, joined by (device, request id).
-- A message replayed by at-least-once delivery is stored once: (device_id, sample_id) is unique.

CREATE TABLE sampling_policies (
  model      TEXT NOT NULL,
  version    INTEGER NOT NULL,
  policy     TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (model, version)
);

CREATE TABLE samples (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id   TEXT NOT NULL,
  sample_id   TEXT NOT NULL,
  model       TEXT NOT NULL,
  version     INTEGER NOT NULL,
  request_id  TEXT,
  taken_at    INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  bytes       INTEGER NOT NULL,
  body        TEXT NOT NULL,
  UNIQUE (device_id, sample_id)
);
CREATE INDEX samples_by_version ON samples (model, version, id);
CREATE INDEX samples_by_received ON samples (received_at);

CREATE TABLE sample_outcomes (
  device_id   TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  value       REAL NOT NULL,
  at          INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, request_id)
);
CREATE INDEX sample_outcomes_by_received ON sample_outcomes (received_at);
