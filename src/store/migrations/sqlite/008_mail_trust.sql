-- Frontline schema, version 8: limits on the mail we send by ourselves.
-- Every automatic mail (an acknowledgement, a "solved" notice, a sign-in
-- link) takes a row here before it is sent, under its Message-ID, so that a
-- retried send takes no second one: an address gets at most the
-- mail.auto_limit setting's number of them in 24 hours (a header-less
-- auto-responder cannot make us write to it all day). Rows older than two
-- days are deleted as new ones come.
CREATE TABLE mail_auto_sent (
	email      TEXT NOT NULL,
	message_id TEXT NOT NULL,
	sent_at    INTEGER NOT NULL,
	PRIMARY KEY (email, message_id)
);
CREATE INDEX mail_auto_sent_time ON mail_auto_sent(sent_at);

-- One row an address, written by every take before it counts: two nodes
-- sending to one address at once both write this row, so on PostgreSQL the
-- second transaction fails to serialize and is run again, and then counts
-- the first one's mail (the count alone would let both through).
CREATE TABLE mail_auto_address (
	email      TEXT PRIMARY KEY,
	last_at    INTEGER NOT NULL
);

-- Mail that is not taken: mail From one of our own addresses (a loop, or a
-- forgery) is kept here for an admin to see (GET /api/v2/mail/quarantine),
-- never made a ticket. A redelivery is known by its Message-ID.
CREATE TABLE mail_quarantine (
	id         INTEGER PRIMARY KEY,
	message_id TEXT UNIQUE,
	sender     TEXT NOT NULL,
	subject    TEXT NOT NULL,
	body       TEXT NOT NULL,
	reason     TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
