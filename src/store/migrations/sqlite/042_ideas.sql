-- Frontline schema, version 42: the suggestion box (ideas/idea.h,
-- docs/ideas.md). Customers (in the portal) and agents (on a customer's
-- behalf, from a ticket) submit ideas; signed-in people vote, once each,
-- and comment; agents move an idea through its statuses with a public
-- answer. vote_count and comment_count are kept by the writes that change
-- the votes and comments, in their transaction, so the lists sort by them
-- without counting.
CREATE TABLE ideas (
	id            INTEGER PRIMARY KEY,
	title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	details       TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL DEFAULT 'new'
	              CHECK (status IN ('new', 'under_review', 'planned', 'done', 'declined')),
	public        INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),
	locale        TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('uk', 'ru', 'lt', 'en')),
	answer        TEXT NOT NULL DEFAULT '',
	answered_by   INTEGER REFERENCES users(id),
	answered_at   INTEGER NOT NULL DEFAULT 0,
	author_id     INTEGER NOT NULL REFERENCES users(id),
	submitted_by  INTEGER NOT NULL REFERENCES users(id),
	vote_count    INTEGER NOT NULL DEFAULT 0 CHECK (vote_count >= 0),
	comment_count INTEGER NOT NULL DEFAULT 0 CHECK (comment_count >= 0),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX ideas_by_votes ON ideas (vote_count, id);
CREATE INDEX ideas_by_created ON ideas (created_at, id);
CREATE INDEX ideas_by_status ON ideas (status, vote_count, id);
CREATE INDEX ideas_by_author ON ideas (author_id);

-- One vote a person and idea: the key refuses a second.
CREATE TABLE idea_votes (
	idea_id    INTEGER NOT NULL REFERENCES ideas(id),
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (idea_id, user_id)
);
CREATE INDEX idea_votes_by_user ON idea_votes (user_id, idea_id);

CREATE TABLE idea_comments (
	id         INTEGER PRIMARY KEY,
	idea_id    INTEGER NOT NULL REFERENCES ideas(id),
	author_id  INTEGER NOT NULL REFERENCES users(id),
	body       TEXT NOT NULL CHECK (length(body) >= 1),
	created_at INTEGER NOT NULL
);
CREATE INDEX idea_comments_by_idea ON idea_comments (idea_id, id);

-- The tickets that asked for an idea, linked by an agent; linking again
-- changes nothing.
CREATE TABLE idea_tickets (
	idea_id    INTEGER NOT NULL REFERENCES ideas(id),
	ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (idea_id, ticket_id)
);
CREATE INDEX idea_tickets_by_ticket ON idea_tickets (ticket_id, idea_id);
