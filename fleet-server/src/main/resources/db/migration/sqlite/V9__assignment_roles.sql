-- EdgeFleet server schema, version 9: the role an assignment gives its version on the device
-- (active, candidate, shadow or arm), an arm's share of the requests, and the active version a
-- candidate, shadow or arm stays beside. Existing assignments are active.

ALTER TABLE assignments ADD COLUMN role TEXT NOT NULL DEFAULT 'active';
ALTER TABLE assignments ADD COLUMN share DOUBLE PRECISION;
ALTER TABLE assignments ADD COLUMN beside_version INTEGER;
ALTER TABLE assignments ADD COLUMN beside_digest TEXT;
