-- Frontline schema, version 1.
-- Times are Unix seconds. Enumerations are small integers in the order the
-- domain defines them (tickets/ticket.h), so that comparisons like
-- status < solved work in SQL. Booleans are 0/1 integers.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE organizations (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL UNIQUE,
	details      TEXT NOT NULL DEFAULT '',
	notes        TEXT NOT NULL DEFAULT '',
	domain_names TEXT NOT NULL DEFAULT '[]',
	tags         TEXT NOT NULL DEFAULT '[]',
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);

CREATE TABLE users (
	id                   INTEGER PRIMARY KEY,
	role                 INTEGER NOT NULL,
	name                 TEXT NOT NULL,
	email                TEXT UNIQUE,
	phone                TEXT,
	organization_id      INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
	locale               TEXT NOT NULL DEFAULT 'en',
	time_zone            TEXT,
	notes                TEXT NOT NULL DEFAULT '',
	details              TEXT NOT NULL DEFAULT '',
	tags                 TEXT NOT NULL DEFAULT '[]',
	password_hash        TEXT,
	must_change_password INTEGER NOT NULL DEFAULT 0,
	active               INTEGER NOT NULL DEFAULT 1,
	suspended            INTEGER NOT NULL DEFAULT 0,
	created_at           INTEGER NOT NULL,
	updated_at           INTEGER NOT NULL,
	last_login_at        INTEGER
);
CREATE INDEX users_role_name ON users(role, name);
CREATE INDEX users_organization ON users(organization_id);

-- Every address and number a person writes from; users.email and
-- users.phone mirror the primary ones.
CREATE TABLE user_identities (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	type       INTEGER NOT NULL,
	value      TEXT NOT NULL,
	is_primary INTEGER NOT NULL DEFAULT 0,
	verified   INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	UNIQUE (type, value)
);
CREATE INDEX user_identities_user ON user_identities(user_id);

CREATE TABLE agent_groups (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	deleted     INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);

CREATE TABLE group_members (
	group_id INTEGER NOT NULL REFERENCES agent_groups(id) ON DELETE CASCADE,
	user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	PRIMARY KEY (group_id, user_id)
);

CREATE TABLE tickets (
	id              INTEGER PRIMARY KEY,
	subject         TEXT NOT NULL,
	description     TEXT NOT NULL DEFAULT '',
	status          INTEGER NOT NULL,
	priority        INTEGER NOT NULL DEFAULT 0,
	type            INTEGER NOT NULL DEFAULT 0,
	channel         INTEGER NOT NULL,
	requester_id    INTEGER NOT NULL REFERENCES users(id),
	submitter_id    INTEGER NOT NULL REFERENCES users(id),
	assignee_id     INTEGER REFERENCES users(id),
	group_id        INTEGER REFERENCES agent_groups(id),
	organization_id INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
	custom_fields   TEXT NOT NULL DEFAULT '[]',
	external_id     TEXT,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	solved_at       INTEGER,
	deleted_at      INTEGER
);
-- Lists, views and counts only ever look at live tickets: partial indexes
-- on them answer counts without reading the (large) ticket rows.
CREATE INDEX tickets_live ON tickets(id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_updated ON tickets(updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_created ON tickets(created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_status ON tickets(status, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_requester ON tickets(requester_id, updated_at) WHERE deleted_at IS NULL;
CREATE INDEX tickets_assignee ON tickets(assignee_id, status) WHERE deleted_at IS NULL;
CREATE INDEX tickets_group ON tickets(group_id, status) WHERE deleted_at IS NULL;
CREATE INDEX tickets_organization ON tickets(organization_id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_deleted ON tickets(id) WHERE deleted_at IS NOT NULL;

CREATE TABLE ticket_tags (
	ticket_id INTEGER NOT NULL REFERENCES tickets(id),
	tag       TEXT NOT NULL,
	PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tags_tag ON ticket_tags(tag, ticket_id);

CREATE TABLE ticket_collaborators (
	ticket_id INTEGER NOT NULL REFERENCES tickets(id),
	user_id   INTEGER NOT NULL REFERENCES users(id),
	PRIMARY KEY (ticket_id, user_id)
);
CREATE INDEX ticket_collaborators_user ON ticket_collaborators(user_id, ticket_id);

CREATE TABLE comments (
	id         INTEGER PRIMARY KEY,
	ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
	seq        INTEGER NOT NULL, -- 1 for the ticket's first comment, then 2, …
	author_id  INTEGER NOT NULL REFERENCES users(id),
	public     INTEGER NOT NULL,
	body       TEXT NOT NULL,
	html_body  TEXT NOT NULL,
	channel    INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX comments_ticket ON comments(ticket_id, id);

-- The audit trail: append-only. Each audit is one change set by one author;
-- its events record every change and every message with old and new value.
CREATE TABLE audits (
	id         INTEGER PRIMARY KEY,
	ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
	author_id  INTEGER NOT NULL REFERENCES users(id),
	channel    INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX audits_ticket ON audits(ticket_id, id);

CREATE TABLE audit_events (
	id             INTEGER PRIMARY KEY,
	audit_id       INTEGER NOT NULL REFERENCES audits(id),
	kind           INTEGER NOT NULL,
	field          TEXT,
	value          TEXT,
	previous_value TEXT,
	comment_id     INTEGER REFERENCES comments(id)
);
CREATE INDEX audit_events_audit ON audit_events(audit_id, id);

CREATE TRIGGER audits_append_only_u BEFORE UPDATE ON audits
BEGIN SELECT RAISE(ABORT, 'audits are append-only'); END;
CREATE TRIGGER audits_append_only_d BEFORE DELETE ON audits
BEGIN SELECT RAISE(ABORT, 'audits are append-only'); END;
CREATE TRIGGER audit_events_append_only_u BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_append_only_d BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

CREATE TABLE api_tokens (
	id          INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	selector    TEXT NOT NULL UNIQUE,
	verifier    TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
);

CREATE TABLE sessions (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	selector   TEXT NOT NULL UNIQUE,
	verifier   TEXT NOT NULL,
	csrf       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE views (
	id          INTEGER PRIMARY KEY,
	title       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	active      INTEGER NOT NULL DEFAULT 1,
	position    INTEGER NOT NULL DEFAULT 0,
	conditions  TEXT NOT NULL,
	sort_by     TEXT NOT NULL DEFAULT 'updated_at',
	sort_desc   INTEGER NOT NULL DEFAULT 1,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);

-- The queues every desk starts with.
INSERT INTO views (title, position, conditions, sort_by, sort_desc, created_at, updated_at) VALUES
 ('Your unsolved tickets', 1, '{"all":[{"field":"assignee_id","operator":"is","value":"current_user"},{"field":"status","operator":"less_than","value":"solved"}]}', 'updated_at', 1, strftime('%s','now'), strftime('%s','now')),
 ('Unassigned tickets', 2, '{"all":[{"field":"assignee_id","operator":"is","value":null},{"field":"status","operator":"less_than","value":"solved"}]}', 'created_at', 0, strftime('%s','now'), strftime('%s','now')),
 ('All unsolved tickets', 3, '{"all":[{"field":"status","operator":"less_than","value":"solved"}]}', 'updated_at', 1, strftime('%s','now'), strftime('%s','now')),
 ('Pending tickets', 4, '{"all":[{"field":"status","operator":"is","value":"pending"}]}', 'updated_at', 1, strftime('%s','now'), strftime('%s','now')),
 ('Recently solved tickets', 5, '{"all":[{"field":"status","operator":"greater_than","value":"hold"},{"field":"updated_at","operator":"greater_than","value":"7days"}]}', 'updated_at', 1, strftime('%s','now'), strftime('%s','now'));

-- Full-text index: one row per ticket subject and per comment, whose rowid
-- says whose it is: (ticket_id << 21) | (seq << 1) | public, seq 0 being
-- the subject. Matching, counting and the end-user filter then read only
-- the index, never the stored text; snippets read one row each.
-- unicode61 folds case for every script; remove_diacritics 2 lets
-- "azuolas" find "ąžuolas".
CREATE VIRTUAL TABLE search_fts USING fts5(
	body,
	tokenize = 'unicode61 remove_diacritics 2'
);
