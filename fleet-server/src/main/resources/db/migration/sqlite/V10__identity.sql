-- EdgeFleet server schema, version 10: device identity. Operators issue enrollment tokens (kept as
-- SHA-256 hashes, never in clear); a device enrolls with one and a certificate request, and its
-- identity (the public key it enrolled with, its state, its newest certificate) is kept here.

CREATE TABLE enrollment_tokens (
  id             TEXT PRIMARY KEY,
  token_hash     TEXT NOT NULL UNIQUE,
  uses_left      INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  needs_approval INTEGER NOT NULL,
  created_at     INTEGER NOT NULL
);

CREATE TABLE device_identities (
  device_id   TEXT PRIMARY KEY,
  state       TEXT NOT NULL,
  public_key  TEXT NOT NULL,
  serial      TEXT,
  not_after   INTEGER,
  updated_at  INTEGER NOT NULL
);
