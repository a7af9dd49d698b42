-- Frontline schema, version 18: SLA policies (sla/policy.h), Zendesk's
-- /api/v2/slas/policies. A policy is a title, a place in the order the
-- first matching one is chosen by, a filter kept as its JSON text (the
-- conditions are read whole, never queried by SQL) and the schedule its
-- business-hours targets count in (NULL: the desk's first schedule). Its
-- metrics are rows, one per priority and metric, named as the API names
-- them (with an id of their own, the key frontline migrate copies by),
-- so that the checks below hold on whatever writes them and a
-- schedule's delete can ask which policies count in business hours.
CREATE TABLE sla_policies (
	id          INTEGER PRIMARY KEY,
	title       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	position    INTEGER NOT NULL,
	filter_json TEXT NOT NULL,
	schedule_id INTEGER REFERENCES schedules(id),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
CREATE INDEX sla_policies_by_position ON sla_policies (position, id);
CREATE INDEX sla_policies_by_schedule ON sla_policies (schedule_id);

CREATE TABLE sla_policy_metrics (
	id             INTEGER PRIMARY KEY,
	policy_id      INTEGER NOT NULL REFERENCES sla_policies(id) ON DELETE CASCADE,
	priority       TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
	metric         TEXT NOT NULL,
	target_minutes INTEGER NOT NULL CHECK (target_minutes BETWEEN 1 AND 525600),
	business_hours INTEGER NOT NULL CHECK (business_hours IN (0, 1)),
	UNIQUE (policy_id, priority, metric)
);
