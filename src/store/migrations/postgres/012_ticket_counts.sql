-- Frontline schema, version 12: queues that stay fast at a million tickets.
--
-- ticket_counts holds how many live tickets there are in each (status,
-- assignee, group), 0 standing for none: the built-in queues' counts are a
-- sum over its few rows instead of a count over the tickets. Triggers keep
-- it in the same transaction as every write of a ticket, whoever writes
-- (the ticket domain, a merge, a user absorbed, frontline migrate's copy),
-- and only when a ticket moves from one bucket to another, is deleted or
-- comes back. A bucket that empties keeps its row at 0. Each writer
-- connection counts in its own shard (its backend's pid modulo 256), read
-- as a sum: the store's writers (four a node) write batches of tickets at
-- once, and two that updated one row would conflict (REPEATABLE READ: one
-- loses with 40001 and runs its whole batch again) at nearly every batch
-- of new tickets, which all land in the same bucket.
--
-- ticket_writes is the tickets' write generation, spread over shards as
-- the counts are: the sum of n grows at every write of a ticket, so a saved view's count
-- computed in a snapshot stays right for as long as the sum read in a
-- later snapshot is the same (src/views/view.c).
CREATE TABLE ticket_counts (
	status      BIGINT NOT NULL,
	assignee_id BIGINT NOT NULL,
	group_id    BIGINT NOT NULL,
	shard       BIGINT NOT NULL,
	n           BIGINT NOT NULL,
	PRIMARY KEY (status, assignee_id, group_id, shard)
);
INSERT INTO ticket_counts (status, assignee_id, group_id, shard, n)
	SELECT status, COALESCE(assignee_id, 0), COALESCE(group_id, 0), 0, COUNT(*)
	FROM tickets
	WHERE deleted_at IS NULL
	GROUP BY 1, 2, 3;

CREATE TABLE ticket_writes (
	shard BIGINT PRIMARY KEY,
	n     BIGINT NOT NULL
);
INSERT INTO ticket_writes (shard, n)
	SELECT 0, COUNT(*) FROM tickets;

CREATE FUNCTION fl_ticket_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	me BIGINT := pg_backend_pid() % 256;
BEGIN
	IF TG_OP <> 'INSERT' AND OLD.deleted_at IS NULL THEN
		INSERT INTO ticket_counts (status, assignee_id, group_id, shard, n)
			VALUES (OLD.status, COALESCE(OLD.assignee_id, 0), COALESCE(OLD.group_id, 0), me, -1)
			ON CONFLICT (status, assignee_id, group_id, shard)
			DO UPDATE SET n = ticket_counts.n - 1;
	END IF;
	IF TG_OP <> 'DELETE' AND NEW.deleted_at IS NULL THEN
		INSERT INTO ticket_counts (status, assignee_id, group_id, shard, n)
			VALUES (NEW.status, COALESCE(NEW.assignee_id, 0), COALESCE(NEW.group_id, 0), me, 1)
			ON CONFLICT (status, assignee_id, group_id, shard)
			DO UPDATE SET n = ticket_counts.n + 1;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER ticket_counts_insert_delete AFTER INSERT OR DELETE ON tickets
	FOR EACH ROW EXECUTE FUNCTION fl_ticket_counts();
CREATE TRIGGER ticket_counts_update AFTER UPDATE ON tickets
	FOR EACH ROW
	WHEN (OLD.status IS DISTINCT FROM NEW.status
	      OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
	      OR OLD.group_id IS DISTINCT FROM NEW.group_id
	      OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
	EXECUTE FUNCTION fl_ticket_counts();

CREATE FUNCTION fl_ticket_writes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO ticket_writes (shard, n)
		VALUES (pg_backend_pid() % 256, 1)
		ON CONFLICT (shard) DO UPDATE SET n = ticket_writes.n + 1;
	RETURN NULL;
END $$;
CREATE TRIGGER ticket_writes_all AFTER INSERT OR UPDATE OR DELETE ON tickets
	FOR EACH ROW EXECUTE FUNCTION fl_ticket_writes();

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
