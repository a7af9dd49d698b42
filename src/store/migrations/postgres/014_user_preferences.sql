-- Frontline schema, version 14: an agent's own choices in the workspace
-- (how dense the ticket lists are, what happens after a submit), kept on
-- the server so that they follow the agent from one browser to another.
-- One row a choice made; a choice never made is the default the users
-- domain knows (users/prefs.c), so a new preference needs no migration.
CREATE TABLE user_preferences (
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name    TEXT NOT NULL,
	value   TEXT NOT NULL,
	PRIMARY KEY (user_id, name)
);
