-- Frontline schema, version 33: the knowledge base articles a ticket was
-- answered with (kb/ticket_kb.h, docs/kb.md "From tickets"): one row a
-- ticket and article, who linked it and when. Linking again changes
-- nothing; the article's side (which tickets used it) reads the index.
CREATE TABLE ticket_articles (
	ticket_id  BIGINT NOT NULL REFERENCES tickets(id),
	article_id BIGINT NOT NULL REFERENCES kb_articles(id),
	user_id    BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	PRIMARY KEY (ticket_id, article_id)
);
CREATE INDEX ticket_articles_by_article ON ticket_articles (article_id, ticket_id);
