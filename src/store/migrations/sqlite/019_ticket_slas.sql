-- Frontline schema, version 19: each ticket's SLA as last measured
-- (sla/refresh.h). Written in the transaction of every write to the
-- ticket and by the recompute job after a policy or schedule changes;
-- read by lists (the "next breach" column, sort_by sla_next_breach_at),
-- the scheduler (next_event_at) and the reports (ticket_sla_metrics).
--
-- A policy's warning_minutes: how long before a breach the scheduler warns.
ALTER TABLE sla_policies ADD COLUMN warning_minutes INTEGER NOT NULL DEFAULT 0
	CHECK (warning_minutes BETWEEN 0 AND 525600);

-- One row per ticket measured: the policy chosen (NULL: no promise
-- applies), the earliest breach_at of an active metric (NULL: none), and
-- when the scheduler must next look at the ticket — the earliest warning
-- or breach not yet fired (NULL: nothing to fire).
CREATE TABLE ticket_slas (
	ticket_id      INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
	policy_id      INTEGER,
	next_breach_at INTEGER,
	next_event_at  INTEGER,
	measured_at    INTEGER NOT NULL
);
CREATE INDEX ticket_slas_by_next_breach ON ticket_slas (next_breach_at, ticket_id);
CREATE INDEX ticket_slas_by_next_event ON ticket_slas (next_event_at)
	WHERE next_event_at IS NOT NULL;

-- Each started metric of the chosen policy, as sla/clock.h measures it:
-- times in UTC seconds (NULL for FL_SLA_NEVER), used in seconds of the
-- metric's own clock (business seconds when business_hours).
CREATE TABLE ticket_sla_metrics (
	ticket_id      INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
	metric         TEXT NOT NULL,
	policy_id      INTEGER NOT NULL,
	business_hours INTEGER NOT NULL CHECK (business_hours IN (0, 1)),
	target         INTEGER NOT NULL,
	stage          TEXT NOT NULL CHECK (stage IN ('active', 'paused', 'achieved', 'breached')),
	breach_at      INTEGER,
	achieved_at    INTEGER,
	used           INTEGER NOT NULL,
	cycles         INTEGER NOT NULL,
	breaches       INTEGER NOT NULL,
	PRIMARY KEY (ticket_id, metric)
);
CREATE INDEX ticket_sla_metrics_by_policy ON ticket_sla_metrics (policy_id, metric);

-- A ticket's SLA log: the policy chosen for it changed (kind 'policy',
-- metric NULL, cycle 0), or a cycle (numbered from 1) of one metric was
-- warned about, breached or achieved. The unique key is what makes an
-- event of a cycle fire once, whichever node or run gets there first;
-- a policy change may happen any number of times (NULLs are distinct).
CREATE TABLE sla_events (
	id                 INTEGER PRIMARY KEY,
	ticket_id          INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
	kind               TEXT NOT NULL CHECK (kind IN ('policy', 'warning', 'breached', 'achieved')),
	metric             TEXT,
	cycle              INTEGER NOT NULL,
	policy_id          INTEGER,
	previous_policy_id INTEGER,
	at                 INTEGER NOT NULL,
	fired_at           INTEGER NOT NULL,
	UNIQUE (ticket_id, metric, cycle, kind)
);
CREATE INDEX sla_events_by_time ON sla_events (fired_at);

-- Tickets written before this version have no row: one re-measure of every
-- ticket, queued here, gives them theirs when the server first runs jobs.
INSERT INTO jobs (kind, payload, run_at, max_attempts, created_at, updated_at)
SELECT 'sla-recompute', '{}', CAST(strftime('%s', 'now') AS INTEGER), 5,
       CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER)
WHERE EXISTS (SELECT 1 FROM tickets);
