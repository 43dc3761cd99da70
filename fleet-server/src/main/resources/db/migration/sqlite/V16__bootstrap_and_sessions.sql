-- EdgeFleet server schema, version 16: operators, continued.
-- admin_bootstrap holds at most one row (its key can only be 1): the instance whose insert of that
-- row succeeds is the one that makes the first admin token, so two instances starting at the same
-- moment on an empty database cannot both make one. token_file says where that instance wrote it.
-- dashboard_sessions keeps only the SHA-256 of each session cookie, so that a session outlives a
-- restart and works on every instance, and a copy of the table logs nobody in.

CREATE TABLE admin_bootstrap (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  token_id   TEXT NOT NULL,
  token_file TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE dashboard_sessions (
  id_hash    TEXT PRIMARY KEY,
  token_id   TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);
