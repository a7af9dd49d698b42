-- Frontline schema, version 25: outbound webhooks (webhooks/webhook.h) and
-- their delivery log. A webhook is an endpoint the desk calls with JSON —
-- from a trigger's action or on the ticket events it subscribes to
-- (subscriptions, a JSON array of event names) — signed with its secret.
-- Each call is an invocation; each try of it an attempt, with the answer's
-- status code (0: none came) or why it failed. The log keeps the newest
-- invocations of a webhook (the store trims the rest as it adds one).
CREATE TABLE webhooks (
	id             INTEGER PRIMARY KEY,
	name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
	description    TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 1024),
	endpoint       TEXT NOT NULL CHECK (length(endpoint) BETWEEN 1 AND 2048),
	http_method    TEXT NOT NULL CHECK (http_method IN ('POST', 'PUT', 'PATCH')),
	request_format TEXT NOT NULL DEFAULT 'json' CHECK (request_format = 'json'),
	status         TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
	subscriptions  TEXT NOT NULL DEFAULT '[]',
	signing_secret TEXT NOT NULL,
	created_by     INTEGER,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);
CREATE TABLE webhook_invocations (
	id          INTEGER PRIMARY KEY,
	webhook_id  INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
	event       TEXT NOT NULL,
	ticket_id   INTEGER,
	body        TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('queued', 'retrying', 'delivered', 'failed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
CREATE INDEX webhook_invocations_by_webhook ON webhook_invocations (webhook_id, id);
CREATE TABLE webhook_attempts (
	id            INTEGER PRIMARY KEY,
	invocation_id INTEGER NOT NULL REFERENCES webhook_invocations(id) ON DELETE CASCADE,
	attempt       INTEGER NOT NULL,
	status_code   INTEGER NOT NULL DEFAULT 0,
	error         TEXT NOT NULL DEFAULT '',
	duration_ms   INTEGER NOT NULL DEFAULT 0,
	at            INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_by_invocation ON webhook_attempts (invocation_id, attempt);
