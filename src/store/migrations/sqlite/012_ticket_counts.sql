-- Frontline schema, version 12: queues that stay fast at a million tickets.
--
-- ticket_counts holds how many live tickets there are in each (status,
-- assignee, group), 0 standing for none: the built-in queues' counts are a
-- sum over its few rows instead of a count over the tickets. Triggers keep
-- it in the same transaction as every write of a ticket, whoever writes
-- (the ticket domain, a merge, a user absorbed, frontline migrate's copy),
-- and only when a ticket moves from one bucket to another, is deleted or
-- comes back. A bucket that empties keeps its row at 0. shard is 0 here
-- (one writer); PostgreSQL's writers each count in their own.
--
-- ticket_writes is the tickets' write generation, spread over shards as
-- the counts are: the sum of n grows at every write of a ticket, so
-- a saved view's count computed in a snapshot stays right for as long as
-- the sum read in a later snapshot is the same (src/views/view.c).
CREATE TABLE ticket_counts (
	status      INTEGER NOT NULL,
	assignee_id INTEGER NOT NULL,
	group_id    INTEGER NOT NULL,
	shard       INTEGER NOT NULL,
	n           INTEGER NOT NULL,
	PRIMARY KEY (status, assignee_id, group_id, shard)
) WITHOUT ROWID;
INSERT INTO ticket_counts (status, assignee_id, group_id, shard, n)
	SELECT status, COALESCE(assignee_id, 0), COALESCE(group_id, 0), 0, COUNT(*)
	FROM tickets
	WHERE deleted_at IS NULL
	GROUP BY 1, 2, 3;

CREATE TABLE ticket_writes (
	shard INTEGER PRIMARY KEY,
	n     INTEGER NOT NULL
);
INSERT INTO ticket_writes (shard, n)
	SELECT 0, COUNT(*) FROM tickets;

CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets
	WHEN NEW.deleted_at IS NULL
BEGIN
	INSERT INTO ticket_counts (status, assignee_id, group_id, shard, n)
		VALUES (NEW.status, COALESCE(NEW.assignee_id, 0), COALESCE(NEW.group_id, 0), 0, 1)
		ON CONFLICT (status, assignee_id, group_id, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ticket_counts_update AFTER UPDATE ON tickets
	WHEN OLD.status IS NOT NEW.status
	  OR OLD.assignee_id IS NOT NEW.assignee_id
	  OR OLD.group_id IS NOT NEW.group_id
	  OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
BEGIN
	UPDATE ticket_counts
		SET n = n - 1
		WHERE OLD.deleted_at IS NULL
		  AND status = OLD.status
		  AND assignee_id = COALESCE(OLD.assignee_id, 0)
		  AND group_id = COALESCE(OLD.group_id, 0)
		  AND shard = 0;
	INSERT INTO ticket_counts (status, assignee_id, group_id, shard, n)
		SELECT NEW.status, COALESCE(NEW.assignee_id, 0), COALESCE(NEW.group_id, 0), 0, 1
		WHERE NEW.deleted_at IS NULL
		ON CONFLICT (status, assignee_id, group_id, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets
	WHEN OLD.deleted_at IS NULL
BEGIN
	UPDATE ticket_counts
		SET n = n - 1
		WHERE status = OLD.status
		  AND assignee_id = COALESCE(OLD.assignee_id, 0)
		  AND group_id = COALESCE(OLD.group_id, 0)
		  AND shard = 0;
END;

CREATE TRIGGER ticket_writes_insert AFTER INSERT ON tickets
BEGIN
	INSERT INTO ticket_writes (shard, n)
		VALUES (0, 1)
		ON CONFLICT (shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ticket_writes_update AFTER UPDATE ON tickets
BEGIN
	INSERT INTO ticket_writes (shard, n)
		VALUES (0, 1)
		ON CONFLICT (shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ticket_writes_delete AFTER DELETE ON tickets
BEGIN
	INSERT INTO ticket_writes (shard, n)
		VALUES (0, 1)
		ON CONFLICT (shard) DO UPDATE SET n = n + 1;
END;

-- The queues' first pages, newest change first, read 26 index entries
-- instead of sorting the queue: all-open and all walk tickets_updated
-- backwards, pending tickets_status (status, updated_at, id), my-open and
-- unassigned the new tickets_assignee (assignee_id, updated_at, id), which
-- replaces (assignee_id, status): with that one SQLite's planner took the
-- status range and sorted every open ticket of the assignee. The solved
-- queue (solved in the last 7 days) counts and pages from tickets_solved's
-- range.
DROP INDEX tickets_assignee;
CREATE INDEX tickets_assignee ON tickets(assignee_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tickets_solved ON tickets(status, solved_at, id) WHERE deleted_at IS NULL;
