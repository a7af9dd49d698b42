-- Frontline schema, version 22, for PostgreSQL: the jobs due, by kind, for a runner that
-- claims only some kinds (jobs/jobs.h, fl_jobs_only: the SLA's scheduler
-- beside a backlog of mail) — it finds its next job without reading the
-- others.
-- Byte order (COLLATE "C"), as the claim compares kinds: a locale's
-- collation would pass over the "-" of "sla-".
CREATE INDEX jobs_due_by_kind ON jobs ((kind COLLATE "C"), run_at) WHERE state = 0;
