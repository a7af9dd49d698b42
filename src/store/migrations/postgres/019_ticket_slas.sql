-- Frontline schema, version 19, for PostgreSQL: each ticket's SLA as last measured
-- (sla/refresh.h). Written in the transaction of every write to the
-- ticket and by the recompute job after a policy or schedule changes;
-- read by lists (the "next breach" column, sort_by sla_next_breach_at),
-- the scheduler (next_event_at) and the reports (ticket_sla_metrics).
--
-- A policy's warning_minutes: how long before a breach the scheduler warns.
ALTER TABLE sla_policies ADD COLUMN warning_minutes BIGINT NOT NULL DEFAULT 0
	CHECK (warning_minutes BETWEEN 0 AND 525600);

-- One row per ticket measured: the policy chosen (NULL: no promise
-- applies), the earliest breach_at of an active metric (NULL: none), and
-- when the scheduler must next look at the ticket — the earliest warning
-- or breach not yet fired (NULL: nothing to fire).
CREATE TABLE ticket_slas (
	ticket_id      BIGINT PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
	policy_id      BIGINT,
	next_breach_at BIGINT,
	next_event_at  BIGINT,
	measured_at    BIGINT NOT NULL
);
CREATE INDEX ticket_slas_by_next_breach ON ticket_slas (next_breach_at, ticket_id);
CREATE INDEX ticket_slas_by_next_event ON ticket_slas (next_event_at)
	WHERE next_event_at IS NOT NULL;

-- Each started metric of the chosen policy, as sla/clock.h measures it:
-- times in UTC seconds (NULL for FL_SLA_NEVER), used in seconds of the
-- metric's own clock (business seconds when business_hours).
CREATE TABLE ticket_sla_metrics (
	ticket_id      BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
	metric         TEXT NOT NULL,
	policy_id      BIGINT NOT NULL,
	business_hours BIGINT NOT NULL CHECK (business_hours IN (0, 1)),
	target         BIGINT NOT NULL,
	stage          TEXT NOT NULL CHECK (stage IN ('active', 'paused', 'achieved', 'breached')),
	breach_at      BIGINT,
	achieved_at    BIGINT,
	used           BIGINT NOT NULL,
	cycles         BIGINT NOT NULL,
	breaches       BIGINT NOT NULL,
	PRIMARY KEY (ticket_id, metric)
);
CREATE INDEX ticket_sla_metrics_by_policy ON ticket_sla_metrics (policy_id, metric);

-- The SLA events fired, one row each: a warning, breach or achievement of
-- one cycle (the cycle's number) of one metric of one ticket. The primary
-- key is what makes an event fire once, whichever node or run gets there.
CREATE TABLE sla_events (
	ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
	metric    TEXT NOT NULL,
	cycle     BIGINT NOT NULL,
	kind      TEXT NOT NULL CHECK (kind IN ('warning', 'breached', 'achieved')),
	policy_id BIGINT NOT NULL,
	at        BIGINT NOT NULL,
	fired_at  BIGINT NOT NULL,
	PRIMARY KEY (ticket_id, metric, cycle, kind)
);
CREATE INDEX sla_events_by_time ON sla_events (fired_at);
