-- EdgeFleet server schema, version 13: an A/B test split by device. Each target serves one arm as
-- its active version and attributes its application's outcomes to it: record_outcomes (1) tells
-- the device so in its desired state. Existing assignments record none (0).

ALTER TABLE assignments ADD COLUMN record_outcomes INTEGER NOT NULL DEFAULT 0;
