-- Frontline schema, version 24: triggers (rules/trigger.h) — rules run on
-- every ticket write and SLA event, in order of position (1, 2, …, no
-- gaps). Conditions and actions are kept as their JSON text (Zendesk's
-- shapes), as the rules model writes it back (rules/rule.h). rule_versions
-- counts the writes of each kind of rule: every node reads its row before
-- it runs the triggers it keeps parsed, and parses again when it moved.
CREATE TABLE triggers (
	id              INTEGER PRIMARY KEY,
	title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
	description     TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 4096),
	active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	position        INTEGER NOT NULL CHECK (position >= 1),
	conditions_json TEXT NOT NULL,
	actions_json    TEXT NOT NULL,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);
CREATE INDEX triggers_by_position ON triggers (position, id);
CREATE TABLE rule_versions (
	kind    TEXT PRIMARY KEY,
	version INTEGER NOT NULL
);
INSERT INTO rule_versions (kind, version) VALUES ('trigger', 0);
