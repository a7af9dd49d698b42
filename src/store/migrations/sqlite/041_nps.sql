-- Frontline schema, version 41: NPS surveys and unsubscribes
-- (feedback/nps.h, feedback/unsub.h, docs/nps.md).
--
-- A survey asks "How likely are you to recommend us?" 0-10 of an audience:
-- 'solved' (customers with a request solved in the last audience_days),
-- 'organization' (organization_id's people) or 'tier' (tier_id's). question
-- is a JSON object of locale → text, or NULL for the built-in words.
-- Nobody is asked twice within cool_off_days. on_detractor says what a
-- score of 0-6 opens: nothing, a follow-up ticket, or a task on the
-- customer's last solved ticket. status: draft, then sending (the
-- nps-send job walks the audience by user id, last_user_id its place),
-- then sent. The counts say how the audience went.
CREATE TABLE nps_surveys (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	question        TEXT,
	audience        TEXT NOT NULL CHECK (audience IN ('solved', 'organization', 'tier')),
	audience_days   INTEGER NOT NULL DEFAULT 30 CHECK (audience_days BETWEEN 1 AND 366),
	organization_id INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
	tier_id         INTEGER REFERENCES tiers(id) ON DELETE SET NULL,
	cool_off_days   INTEGER NOT NULL DEFAULT 90 CHECK (cool_off_days BETWEEN 0 AND 3650),
	on_detractor    TEXT NOT NULL DEFAULT 'none' CHECK (on_detractor IN ('none', 'ticket', 'task')),
	status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sending', 'sent')),
	created_by      INTEGER NOT NULL,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	sent_at         INTEGER,
	last_user_id    INTEGER NOT NULL DEFAULT 0,
	sent            INTEGER NOT NULL DEFAULT 0,
	skipped_cool_off     INTEGER NOT NULL DEFAULT 0,
	skipped_unsubscribed INTEGER NOT NULL DEFAULT 0,
	skipped_bouncing     INTEGER NOT NULL DEFAULT 0
);

-- One row a person asked: sent_at when the mail was queued; score (0-10)
-- and answered_at once they answer (one click), comment their "why?".
-- The channel, group and agent of their latest solved ticket, and their
-- organization and tier, are taken when the survey is sent: the report's
-- breakdowns say who served them then, not who serves them later.
-- followup_ticket_id / followup_task_id: what a detractor's answer opened.
CREATE TABLE nps_responses (
	id                 INTEGER PRIMARY KEY,
	survey_id          INTEGER NOT NULL REFERENCES nps_surveys(id) ON DELETE CASCADE,
	user_id            INTEGER NOT NULL REFERENCES users(id),
	locale             TEXT NOT NULL,
	sent_at            INTEGER NOT NULL,
	score              INTEGER CHECK (score BETWEEN 0 AND 10),
	comment            TEXT CHECK (length(comment) <= 2000),
	answered_at        INTEGER,
	ticket_id          INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
	channel            INTEGER,
	group_id           INTEGER,
	agent_id           INTEGER,
	organization_id    INTEGER,
	tier_id            INTEGER,
	followup_ticket_id INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
	followup_task_id   INTEGER,
	CHECK ((score IS NULL) = (answered_at IS NULL)),
	UNIQUE (survey_id, user_id)
);
CREATE INDEX nps_responses_by_user ON nps_responses (user_id, sent_at);
CREATE INDEX nps_responses_by_answer ON nps_responses (answered_at) WHERE answered_at IS NOT NULL;

-- Who asked not to be written to by the desk of its own accord (surveys,
-- news of an idea): a person (user_id) or an address (email, lower case),
-- scope 'all' for now. Mail about a person's own requests still goes.
CREATE TABLE unsubscribes (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
	email      TEXT CHECK (length(email) <= 320),
	scope      TEXT NOT NULL DEFAULT 'all' CHECK (scope IN ('all')),
	created_at INTEGER NOT NULL,
	CHECK (user_id IS NOT NULL OR email IS NOT NULL)
);
CREATE UNIQUE INDEX unsubscribes_by_user ON unsubscribes (user_id, scope) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX unsubscribes_by_email ON unsubscribes (email, scope) WHERE email IS NOT NULL;
