-- Frontline schema, version 40: customer satisfaction (feedback/csat.h,
-- docs/feedback.md "CSAT"), Zendesk's satisfaction ratings. One row a
-- ticket: written 'offered' when the solved notice asks the requester, then
-- 'good' or 'bad' when they answer (and again when they change their mind,
-- until the ticket closes). assignee_id, group_id, tier_id and channel are
-- the ticket's when the rating was last written, so a report by agent
-- credits whoever served the customer then, not whoever holds the ticket
-- later. Times are Unix seconds: created_at when the survey was offered
-- (the notice queued), asked_at when the mail with the question went (0:
-- not yet, and never when the send dropped it: a bouncing or no-reply
-- address, the daily limit, the ticket reopened), rated_at when the
-- customer last answered (0: not yet). The response rate counts as asked
-- the rows asked or answered.
CREATE TABLE satisfaction_reasons (
	id         INTEGER PRIMARY KEY,
	name_en    TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
	name_uk    TEXT NOT NULL DEFAULT '' CHECK (length(name_uk) <= 200),
	name_ru    TEXT NOT NULL DEFAULT '' CHECK (length(name_ru) <= 200),
	name_lt    TEXT NOT NULL DEFAULT '' CHECK (length(name_lt) <= 200),
	position   INTEGER NOT NULL DEFAULT 0,
	active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE satisfaction_ratings (
	id           INTEGER PRIMARY KEY,
	ticket_id    INTEGER NOT NULL UNIQUE REFERENCES tickets(id) ON DELETE CASCADE,
	score        TEXT NOT NULL CHECK (score IN ('offered', 'good', 'bad')),
	comment      TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
	reason_id    INTEGER REFERENCES satisfaction_reasons(id) ON DELETE SET NULL,
	requester_id INTEGER NOT NULL REFERENCES users(id),
	assignee_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
	group_id     INTEGER REFERENCES agent_groups(id) ON DELETE SET NULL,
	tier_id      INTEGER REFERENCES tiers(id) ON DELETE SET NULL,
	channel      TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	rated_at     INTEGER NOT NULL DEFAULT 0,
	asked_at     INTEGER NOT NULL DEFAULT 0,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX satisfaction_ratings_by_time ON satisfaction_ratings (created_at, id);
