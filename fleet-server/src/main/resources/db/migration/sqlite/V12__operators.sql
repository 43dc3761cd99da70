-- EdgeFleet server schema, version 12: operators. API tokens (only the SHA-256 of each secret is
-- stored) with a role, and the audit log of every changing API request, refused ones too.

CREATE TABLE api_tokens (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  role       TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);

CREATE TABLE audit_log (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  at       INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  token_id TEXT,
  role     TEXT,
  method   TEXT NOT NULL,
  route    TEXT NOT NULL,
  target   TEXT NOT NULL,
  status   INTEGER NOT NULL,
  error    TEXT
);
CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
