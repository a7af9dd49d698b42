-- Frontline schema, version 26, for PostgreSQL: routing a group's tickets to its agents
-- (routing/routing.h). An agent's availability: status (0 offline,
-- 1 online, 2 away) and since when; capacity, the open tickets they take
-- at most (0: no limit); skills, the languages and products they handle,
-- space separated, lower case, sorted (no row: offline, no limit, none).
-- assigned_at is written with every automatic assignment to them, so two
-- writers assigning to one agent at once conflict (PostgreSQL) instead of
-- both passing the capacity.
CREATE TABLE agent_availabilities (
	user_id     BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	status      BIGINT NOT NULL DEFAULT 0,
	status_at   BIGINT NOT NULL,
	capacity    BIGINT NOT NULL DEFAULT 0,
	skills      TEXT NOT NULL DEFAULT '',
	assigned_at BIGINT NOT NULL DEFAULT 0,
	updated_at  BIGINT NOT NULL
);

-- A group's routing method (0 none, 1 round robin, 2 least open) and the
-- agent round robin chose last (NULL: nobody yet). No row: none.
CREATE TABLE group_routing (
	group_id     BIGINT PRIMARY KEY REFERENCES agent_groups(id) ON DELETE CASCADE,
	method       BIGINT NOT NULL DEFAULT 0,
	last_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
	updated_at   BIGINT NOT NULL
);
