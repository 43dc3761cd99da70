-- EdgeFleet server schema on PostgreSQL, version 5: several server instances on one database.
-- A lease names the instance that runs a piece of periodic work; its epoch grows at every
-- change of holder, so a write fenced by the epoch fails once another instance took over.
-- The desired state remembers the last revision an instance published, so any instance can
-- publish what another committed and did not get to publish.

CREATE TABLE leases (
  name       TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  epoch      BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);

ALTER TABLE desired ADD COLUMN published_revision BIGINT NOT NULL DEFAULT 0;
