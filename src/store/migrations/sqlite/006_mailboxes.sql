-- Frontline schema, version 6: IMAP mailboxes Frontline polls. Tickets
-- from a mailbox are written under its owner's name (an admin).
CREATE TABLE mailboxes (
	id             INTEGER PRIMARY KEY,
	url            TEXT NOT NULL,   -- imap://HOST:PORT or imaps://HOST:PORT
	username       TEXT NOT NULL,
	password       TEXT NOT NULL,
	folder         TEXT NOT NULL DEFAULT 'INBOX',
	move_to        TEXT,            -- a folder for taken messages; NULL: flag them
	starttls       INTEGER NOT NULL DEFAULT 0,
	owner_id       INTEGER NOT NULL REFERENCES users(id),
	active         INTEGER NOT NULL DEFAULT 1,
	last_polled_at INTEGER,
	last_error     TEXT,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);
