-- Frontline schema, version 5, for PostgreSQL: e-mail threading. Every message Frontline
-- received or sent, by Message-ID (without <>), with the ticket it is on:
-- a reply finds its ticket through In-Reply-To and References, and a
-- message that comes twice (a retried delivery) is taken once.
CREATE TABLE mail_messages (
	message_id TEXT PRIMARY KEY,
	ticket_id  BIGINT NOT NULL REFERENCES tickets(id),
	outbound   BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX mail_messages_ticket ON mail_messages(ticket_id);
