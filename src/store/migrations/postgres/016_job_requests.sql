-- Frontline schema, version 16, for PostgreSQL: which request queued a job,
-- and the queue by kind for /metrics (see the SQLite migration of the same
-- number).

ALTER TABLE jobs ADD COLUMN request_id TEXT;
CREATE INDEX jobs_kinds ON jobs(state, kind, run_at);
