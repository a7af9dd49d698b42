-- Frontline schema, version 29: macros (rules/macro.h) — an agent's bundle
-- of actions and a reply, applied from the composer and then submitted by
-- the agent. owner_id is the agent a personal macro belongs to (0: shared);
-- group_ids (a JSON array of ids, "[]" for none) narrows a shared macro to
-- the agents of those groups. Actions are kept as their JSON text (Zendesk's
-- shapes, as the rules model writes them back); the replies in each language
-- the desk serves are text ('' for none: the comment_value action's text is
-- then the reply).
CREATE TABLE macros (
	id           INTEGER PRIMARY KEY,
	title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
	description  TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 4096),
	active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	position     INTEGER NOT NULL CHECK (position >= 1),
	owner_id     INTEGER NOT NULL DEFAULT 0,
	group_ids    TEXT NOT NULL DEFAULT '[]',
	actions_json TEXT NOT NULL,
	reply_uk     TEXT NOT NULL DEFAULT '',
	reply_ru     TEXT NOT NULL DEFAULT '',
	reply_lt     TEXT NOT NULL DEFAULT '',
	reply_en     TEXT NOT NULL DEFAULT '',
	usage_count  INTEGER NOT NULL DEFAULT 0,
	created_by   INTEGER NOT NULL,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX macros_by_owner ON macros (owner_id, position, id);
