-- Frontline schema, version 34: self-service before a ticket (kb/deflect.h,
-- docs/kb.md "Self-service"). The contact form suggests articles as the
-- customer types; each time a customer who was shown suggestions decides,
-- one row says how: 'deflected' (an article solved it: article_id, no
-- ticket) or 'submitted' (sent the request anyway: ticket_id, written in
-- the ticket's own transaction). channel: 'js' the form with JavaScript,
-- 'nojs' the plain form's confirmation step. query is what was searched
-- (the subject and the description's first words). Times are Unix seconds.
CREATE TABLE deflections (
	id         INTEGER PRIMARY KEY,
	created_at INTEGER NOT NULL,
	locale     TEXT NOT NULL CHECK (locale IN ('uk', 'ru', 'lt', 'en')),
	query      TEXT NOT NULL DEFAULT '' CHECK (length(query) <= 500),
	outcome    TEXT NOT NULL CHECK (outcome IN ('deflected', 'submitted')),
	channel    TEXT NOT NULL CHECK (channel IN ('js', 'nojs')),
	article_id INTEGER REFERENCES kb_articles(id),
	ticket_id  INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
	CHECK ((outcome = 'deflected') = (article_id IS NOT NULL))
);
CREATE INDEX deflections_by_time ON deflections (created_at, locale);

-- The articles a decision was made over (at most five, in the order shown;
-- the deflecting one among them): what the report counts per article.
CREATE TABLE deflection_articles (
	deflection_id INTEGER NOT NULL REFERENCES deflections(id) ON DELETE CASCADE,
	article_id    INTEGER NOT NULL REFERENCES kb_articles(id),
	position      INTEGER NOT NULL CHECK (position BETWEEN 0 AND 4),
	PRIMARY KEY (deflection_id, article_id)
);
CREATE INDEX deflection_articles_by_article ON deflection_articles (article_id, deflection_id);
