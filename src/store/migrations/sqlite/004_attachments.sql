-- Frontline schema, version 4: attachments. An upload is a row here from
-- the moment it arrives; a comment that names its token claims it. The
-- bytes are in attachment_data (in_db = 1) or in the shared attachments
-- folder under their digest (in_db = 0), so every node can serve them.
CREATE TABLE attachments (
	id           INTEGER PRIMARY KEY,
	token        TEXT NOT NULL UNIQUE,
	uploader_id  INTEGER NOT NULL REFERENCES users(id),
	ticket_id    INTEGER REFERENCES tickets(id),
	comment_id   INTEGER REFERENCES comments(id),
	file_name    TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         INTEGER NOT NULL,
	digest       TEXT NOT NULL, -- SHA-256 of the bytes, hex
	in_db        INTEGER NOT NULL,
	created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_ticket ON attachments(ticket_id, comment_id) WHERE ticket_id IS NOT NULL;

CREATE TABLE attachment_data (
	attachment_id INTEGER PRIMARY KEY REFERENCES attachments(id),
	data          BLOB NOT NULL
);
