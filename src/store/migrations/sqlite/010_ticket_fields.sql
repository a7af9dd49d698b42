-- Frontline schema, version 10: the ticket fields Zendesk clients send and
-- expect back. due_at (a task's due time), recipient (the address the
-- request was sent to), problem_id (an incident's problem), followers
-- (agents told about changes), and updated_stamp: the last write's time in
-- milliseconds, made to grow at every write, so that a client's
-- safe_update can tell that the ticket changed since it read it even
-- within one second (updated_at has one-second resolution).
ALTER TABLE tickets ADD COLUMN due_at INTEGER;
ALTER TABLE tickets ADD COLUMN recipient TEXT;
-- no foreign key: the domain checks it, and a copy loads tickets in id order
ALTER TABLE tickets ADD COLUMN problem_id INTEGER;
ALTER TABLE tickets ADD COLUMN updated_stamp INTEGER NOT NULL DEFAULT 0;
UPDATE tickets SET updated_stamp = updated_at * 1000;
CREATE INDEX tickets_external_id ON tickets(external_id) WHERE external_id IS NOT NULL;
CREATE INDEX tickets_problem ON tickets(problem_id) WHERE problem_id IS NOT NULL;

CREATE TABLE ticket_followers (
	ticket_id INTEGER NOT NULL REFERENCES tickets(id),
	user_id   INTEGER NOT NULL REFERENCES users(id),
	PRIMARY KEY (ticket_id, user_id)
);
CREATE INDEX ticket_followers_user ON ticket_followers(user_id, ticket_id);
