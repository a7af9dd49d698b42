-- Frontline schema, version 15: the local outbox (mail/outbound.h). Every
-- message the mail-send job builds is kept here exactly as it was written
-- (raw, RFC 5322) with the parts an admin reads: with no relay set up it
-- stays here ("kept") instead of being sent; with one, ticket notices are
-- kept as "sent" or "failed" (error: the relay's last answer). One row a
-- Message-ID, so a retried job updates its row instead of adding one. The
-- newest 1,000 rows are kept; each new row's transaction deletes the rest.
CREATE TABLE mail_outbox (
	id          INTEGER PRIMARY KEY,
	message_id  TEXT NOT NULL UNIQUE,
	kind        TEXT NOT NULL,
	ticket_id   INTEGER,
	sender      TEXT NOT NULL,
	sender_name TEXT,
	recipients  TEXT NOT NULL,
	subject     TEXT NOT NULL,
	text_body   TEXT NOT NULL,
	html_body   TEXT,
	raw         TEXT NOT NULL,
	state       TEXT NOT NULL,
	error       TEXT,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
