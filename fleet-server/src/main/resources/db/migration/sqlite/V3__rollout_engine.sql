-- EdgeFleet server schema, version 3: staged rollouts. A rollout keeps its whole plan (strategy,
-- stages, gates) and when its current stage started, so a restarted server evaluates it where it
-- was; every transition is a row of rollout_history with its reason. A target remembers the
-- assignment it replaced, so an abort can put the device back. Devices keep the labels they report
-- apart from the labels the operator sets; `labels` holds both merged (the operator's win).
-- Cohorts are saved selectors.

ALTER TABLE rollouts ADD COLUMN plan TEXT;
ALTER TABLE rollouts ADD COLUMN cohort TEXT;
ALTER TABLE rollouts ADD COLUMN stage_started_at INTEGER;
UPDATE rollouts SET stage_started_at = created_at;
CREATE INDEX rollouts_by_status ON rollouts (status, id);

ALTER TABLE rollout_targets ADD COLUMN previous_version INTEGER;
ALTER TABLE rollout_targets ADD COLUMN previous_digest TEXT;
ALTER TABLE rollout_targets ADD COLUMN previous_rollout INTEGER;
CREATE INDEX rollout_targets_by_device ON rollout_targets (device_id, rollout_id);

CREATE TABLE rollout_history (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  rollout_id INTEGER NOT NULL REFERENCES rollouts (id),
  at         INTEGER NOT NULL,
  event      TEXT NOT NULL,
  status     TEXT NOT NULL,
  stage      INTEGER NOT NULL,
  reason     TEXT NOT NULL
);
CREATE INDEX rollout_history_by_rollout ON rollout_history (rollout_id, id);

ALTER TABLE devices ADD COLUMN reported_labels TEXT NOT NULL DEFAULT '{}';
ALTER TABLE devices ADD COLUMN operator_labels TEXT NOT NULL DEFAULT '{}';
UPDATE devices SET reported_labels = labels;

CREATE TABLE cohorts (
  name       TEXT PRIMARY KEY,
  selector   TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
