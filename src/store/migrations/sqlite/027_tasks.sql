-- Frontline schema, version 27: follow-up tasks on a ticket (tasks/task.h)
-- — "call the customer on Thursday" — with an owner (an agent), an
-- optional due time, done or not, and when the owner was reminded (once:
-- the reminder pass marks the row in the transaction that tells them,
-- and a new due time clears the mark). Times are Unix seconds; NULL for
-- no due time, not done, not reminded. The checks below hold on whatever
-- writes the rows; the domain checks the same first, naming the field.
CREATE TABLE tasks (
	id          INTEGER PRIMARY KEY,
	ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
	title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	notes       TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 4096),
	due_at      INTEGER,
	owner_id    INTEGER NOT NULL REFERENCES users(id),
	done_at     INTEGER,
	done_by     INTEGER REFERENCES users(id),
	created_by  INTEGER NOT NULL REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	reminded_at INTEGER
);
-- A ticket's tasks; an owner's open tasks by due time (my tasks); the
-- reminders still to send, by due time (the reminder pass).
CREATE INDEX tasks_by_ticket ON tasks (ticket_id, id);
CREATE INDEX tasks_by_owner ON tasks (owner_id, due_at, id);
CREATE INDEX tasks_to_remind ON tasks (due_at, id)
	WHERE done_at IS NULL AND reminded_at IS NULL AND due_at IS NOT NULL;

-- The satisfaction check-in (tasks/task.h): a ticket's row says the
-- requester was sent it, so that it goes once per ticket across restarts
-- and nodes. The pass finds solved tickets by tickets_solved (status,
-- solved_at, id; schema 12).
CREATE TABLE ticket_checkins (
	ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
	user_id   INTEGER NOT NULL REFERENCES users(id),
	sent_at   INTEGER NOT NULL
);
