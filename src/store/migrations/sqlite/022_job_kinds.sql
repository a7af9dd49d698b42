-- Frontline schema, version 22: the jobs due, by kind, for a runner that
-- claims only some kinds (jobs/jobs.h, fl_jobs_only: the SLA's scheduler
-- beside a backlog of mail) — it finds its next job without reading the
-- others.
CREATE INDEX jobs_due_by_kind ON jobs (kind, run_at) WHERE state = 0;
