-- Frontline schema, version 30: automations (rules/automation.h) —
-- rules run by time, by a periodic pass over the tickets not closed, in
-- order of position (1, 2, …, no gaps), kept as triggers are (024).
CREATE TABLE automations (
	id              INTEGER PRIMARY KEY,
	title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
	description     TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 4096),
	active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	position        INTEGER NOT NULL CHECK (position >= 1),
	conditions_json TEXT NOT NULL,
	actions_json    TEXT NOT NULL,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);
CREATE INDEX automations_by_position ON automations (position, id);

-- Each automation acts on a ticket once per window: the instant the clock
-- its time conditions read started (when the ticket went pending, …). The
-- key decides, in the transaction that acts, so two passes — a retried
-- job, two nodes — never act twice; a ticket that goes pending anew starts
-- a new window.
CREATE TABLE automation_firings (
	automation_id INTEGER NOT NULL REFERENCES automations(id) ON DELETE CASCADE,
	ticket_id     INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
	window_start  INTEGER NOT NULL,
	fired_at      INTEGER NOT NULL,
	PRIMARY KEY (automation_id, ticket_id, window_start)
);
CREATE INDEX automation_firings_ticket ON automation_firings (ticket_id);

-- The clocks of a ticket's time conditions the ticket row does not hold
-- (created_at and updated_at it does; the last SLA breach is in
-- sla_events): when it entered its status, was last assigned, last
-- written by its requester and by its assignee. 0 is never. Kept by the
-- automations' ticket write hook; the audits give the tickets written
-- before this version theirs.
CREATE TABLE ticket_clocks (
	ticket_id            INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
	status_at            INTEGER NOT NULL DEFAULT 0,
	assigned_at          INTEGER NOT NULL DEFAULT 0,
	requester_updated_at INTEGER NOT NULL DEFAULT 0,
	assignee_updated_at  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO ticket_clocks (ticket_id, status_at, assigned_at, requester_updated_at,
                           assignee_updated_at)
SELECT t.id,
       COALESCE((SELECT MAX(a.created_at) FROM audits a JOIN audit_events e ON e.audit_id = a.id
                 WHERE a.ticket_id = t.id AND e.field = 'status'), t.created_at),
       COALESCE((SELECT MAX(a.created_at) FROM audits a JOIN audit_events e ON e.audit_id = a.id
                 WHERE a.ticket_id = t.id AND e.field = 'assignee_id'
                   AND e.value IS NOT NULL), 0),
       COALESCE((SELECT MAX(a.created_at) FROM audits a
                 WHERE a.ticket_id = t.id AND a.author_id = t.requester_id), 0),
       COALESCE((SELECT MAX(a.created_at) FROM audits a
                 WHERE a.ticket_id = t.id AND a.author_id = t.assignee_id), 0)
FROM tickets t;

INSERT INTO rule_versions (kind, version) VALUES ('automation', 0);

-- The defaults every new desk starts with (docs/rules.md), active and
-- editable; their texts are built-in dynamic content ({{dc.…}}) in the
-- customer's language.
INSERT INTO automations (title, position, conditions_json, actions_json, created_at, updated_at) VALUES
 ('Remind the customer after 2 business days pending', 1,
  '{"all":[{"field":"status","operator":"is","value":"pending"},{"field":"PENDING","operator":"is_business_hours","value":"16"}],"any":[]}',
  '[{"field":"notification_user","value":["requester_id","{{dc.pending_reminder_subject}}","{{dc.pending_reminder}}\n\n{{ticket.link}}"]}]',
  CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER)),
 ('Solve after 5 business days pending', 2,
  '{"all":[{"field":"status","operator":"is","value":"pending"},{"field":"PENDING","operator":"greater_than_business_hours","value":"40"}],"any":[]}',
  '[{"field":"status","value":"solved"},{"field":"comment_value","value":"{{dc.pending_solved}}"},{"field":"comment_mode_is_public","value":true}]',
  CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER)),
 ('Close 4 days after solved', 3,
  '{"all":[{"field":"status","operator":"is","value":"solved"},{"field":"SOLVED","operator":"greater_than","value":"96"}],"any":[]}',
  '[{"field":"status","value":"closed"}]',
  CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER)),
 ('Escalate an unassigned urgent ticket after 30 minutes', 4,
  '{"all":[{"field":"status","operator":"less_than","value":"solved"},{"field":"priority","operator":"is","value":"urgent"},{"field":"assignee_id","operator":"is","value":null},{"field":"group_id","operator":"is_not","value":null},{"field":"created_at","operator":"greater_than","value":"0.5"},{"field":"current_tags","operator":"not_includes","value":"escalated"}],"any":[]}',
  '[{"field":"current_tags","value":"escalated"},{"field":"notification_group","value":["group_id","{{dc.escalated_subject}}: {{ticket.title}}","{{dc.escalated}}\n\n{{ticket.url}}"]}]',
  CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER));

-- A desk that already has tickets is being upgraded: its defaults wait,
-- off, for an admin to switch them on. Switched on by the upgrade, the
-- first pass would solve and close — and mail the customers about — every
-- old ticket at once.
UPDATE automations SET active = 0 WHERE EXISTS (SELECT 1 FROM tickets);
