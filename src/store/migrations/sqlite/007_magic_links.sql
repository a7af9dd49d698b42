-- Frontline schema, version 7: sign-in links e-mailed to customers
-- (portal/magic.h). A link's token is never stored: only its BLAKE2b hash,
-- whose first 16 hex digits (selector) find the row; the whole hash is
-- then compared in constant time. A link works once (used_at) until
-- expires_at; each new link's transaction deletes the expired ones.
CREATE TABLE magic_links (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	selector   TEXT NOT NULL UNIQUE,
	token_hash TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER
);
CREATE INDEX magic_links_expiry ON magic_links(expires_at);
CREATE INDEX magic_links_user ON magic_links(user_id);
