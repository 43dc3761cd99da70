-- EdgeFleet server schema, version 5: several server instances on one database.
-- A lease names the instance that runs a piece of periodic work; its epoch grows at every
-- change of holder, so a write fenced by the epoch fails once another instance took over.
-- The desired state remembers the last revision an instance published, so any instance can
-- publish what another committed and did not get to publish.

CREATE TABLE leases (
  name       TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  epoch      INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

ALTER TABLE desired ADD COLUMN published_revision INTEGER NOT NULL DEFAULT 0;
