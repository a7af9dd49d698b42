-- Frontline schema, version 2: background jobs.
-- One durable queue for all background work. A job is claimed by one
-- runner for a lease; a runner that dies loses its lease and another takes
-- the job. Failures retry with backoff until max_attempts, then the job is
-- dead (kept for the operator). unique_key keeps one queued instance of a
-- periodic job.

CREATE TABLE jobs (
	id           INTEGER PRIMARY KEY,
	kind         TEXT NOT NULL,
	payload      TEXT NOT NULL DEFAULT '{}',
	state        INTEGER NOT NULL DEFAULT 0, -- 0 queued, 1 running, 2 done, 3 dead
	run_at       INTEGER NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	max_attempts INTEGER NOT NULL DEFAULT 5,
	lease_owner  TEXT,
	lease_until  INTEGER,
	last_error   TEXT,
	unique_key   TEXT UNIQUE,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs(run_at) WHERE state = 0;
CREATE INDEX jobs_leased ON jobs(lease_until) WHERE state = 1;
