-- Frontline schema, version 3: job probes. A probe is a job that only
-- records which runner ran it and when, so an operator (and the
-- several-node test) can see that every node takes jobs, how soon, and
-- that each job ran once.
CREATE TABLE job_probes (
	id          INTEGER PRIMARY KEY,
	job_id      INTEGER NOT NULL, -- not unique: a second run would show
	runner      TEXT NOT NULL,
	attempt     INTEGER NOT NULL,
	enqueued_at INTEGER NOT NULL,
	ran_at      INTEGER NOT NULL
);
CREATE INDEX job_probes_ran ON job_probes(ran_at);
