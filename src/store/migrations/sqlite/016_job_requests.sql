-- Frontline schema, version 16: which request queued a job, and the queue
-- by kind for /metrics.
-- request_id is the X-Request-Id of the request that queued the job (NULL
-- for the scheduler's own), so that the job's log lines can name it.
-- jobs_kinds lets /metrics count the queued and running jobs of each kind,
-- and find each kind's oldest due one, from the index alone.

ALTER TABLE jobs ADD COLUMN request_id TEXT;
CREATE INDEX jobs_kinds ON jobs(state, kind, run_at);
