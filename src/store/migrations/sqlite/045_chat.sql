-- Frontline schema, version 45: live chat (chat/chat.h). A visitor is the
-- widget's person, known by a signed token; user_id is the end user their
-- chats' tickets are requested by (NULL until the first chat). Every chat
-- is a ticket on the chat channel (ticket_id); state 0 queued, 1 active,
-- 2 ended, 3 missed (ended before an agent answered), 4 offline (a message
-- left while nobody chats). offered_to / offered_at: the agent routing
-- offered a queued chat to, and since when. seq numbers a chat's messages
-- from 1; last_seq is the latest, what the read receipts and the
-- clients' fetches count against. A message's client_id is the client's,
-- unique in its chat: a resent message is found, not written twice.
-- comment_id is the ticket comment the message became. Times are Unix
-- seconds, 0 for not yet.
CREATE TABLE chat_visitors (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
	name       TEXT NOT NULL DEFAULT '',
	email      TEXT NOT NULL DEFAULT '',
	locale     TEXT NOT NULL DEFAULT 'en',
	created_at INTEGER NOT NULL
);

CREATE TABLE chats (
	id                 INTEGER PRIMARY KEY,
	visitor_id         INTEGER NOT NULL REFERENCES chat_visitors(id) ON DELETE CASCADE,
	ticket_id          INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
	requester_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
	state              INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 4),
	group_id           INTEGER REFERENCES agent_groups(id) ON DELETE SET NULL,
	agent_id           INTEGER REFERENCES users(id) ON DELETE SET NULL,
	offered_to         INTEGER REFERENCES users(id) ON DELETE SET NULL,
	offered_at         INTEGER NOT NULL DEFAULT 0,
	topic              TEXT NOT NULL DEFAULT '',
	locale             TEXT NOT NULL DEFAULT 'en',
	created_at         INTEGER NOT NULL,
	accepted_at        INTEGER NOT NULL DEFAULT 0,
	first_answer_at    INTEGER NOT NULL DEFAULT 0,
	ended_at           INTEGER NOT NULL DEFAULT 0,
	ended_by           TEXT CHECK (ended_by IN ('visitor', 'agent', 'system')),
	last_seq           INTEGER NOT NULL DEFAULT 0,
	visitor_read_seq   INTEGER NOT NULL DEFAULT 0,
	agent_read_seq     INTEGER NOT NULL DEFAULT 0,
	visitor_seen_at    INTEGER NOT NULL DEFAULT 0,
	transcript_sent_at INTEGER NOT NULL DEFAULT 0,
	rated              INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX chats_by_visitor ON chats (visitor_id, id);
CREATE INDEX chats_by_state ON chats (state, created_at);
CREATE INDEX chats_by_agent ON chats (agent_id, state);
-- an agent's load counts the chats offered to them too (OR: both sides indexed)
CREATE INDEX chats_by_offer ON chats (offered_to, state);
CREATE INDEX chats_by_time ON chats (created_at);

CREATE TABLE chat_messages (
	id          INTEGER PRIMARY KEY,
	chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL,
	author      TEXT NOT NULL CHECK (author IN ('visitor', 'agent', 'system')),
	author_id   INTEGER NOT NULL DEFAULT 0,
	client_id   TEXT NOT NULL CHECK (length(client_id) BETWEEN 1 AND 64),
	body        TEXT NOT NULL DEFAULT '',
	comment_id  INTEGER,
	attachments TEXT,
	created_at  INTEGER NOT NULL,
	UNIQUE (chat_id, seq),
	UNIQUE (chat_id, client_id)
);

-- An agent's chat capacity: concurrent chats (0: takes none). No row: 3.
CREATE TABLE chat_agents (
	user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	capacity   INTEGER NOT NULL DEFAULT 3 CHECK (capacity BETWEEN 0 AND 20),
	updated_at INTEGER NOT NULL
);

-- A chat's hand-overs (the note also goes on the ticket, privately).
CREATE TABLE chat_transfers (
	id            INTEGER PRIMARY KEY,
	chat_id       INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
	from_agent_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	to_agent_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
	to_group_id   INTEGER REFERENCES agent_groups(id) ON DELETE SET NULL,
	note          TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL
);
CREATE INDEX chat_transfers_by_chat ON chat_transfers (chat_id);

-- The agents who let an offer of a chat pass: routing offers it to others
-- first.
CREATE TABLE chat_skips (
	chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	PRIMARY KEY (chat_id, user_id)
);

-- A visitor's uploads (the attachment's uploader is the desk itself, -1):
-- only that visitor may send one with a message.
CREATE TABLE chat_uploads (
	token         TEXT PRIMARY KEY,
	visitor_id    INTEGER NOT NULL REFERENCES chat_visitors(id) ON DELETE CASCADE,
	attachment_id INTEGER NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
	created_at    INTEGER NOT NULL
);
