-- Frontline schema, version 43: complaints (tickets/complaint.h). An admin's
-- taxonomy of complaint reasons, named in each of the desk's languages (a
-- name left out is NULL: the others stand in for it), two levels deep
-- (parent_id names a top-level reason; the domain checks it, so that a copy
-- that loads reasons in id order needs no order among them), in the order
-- position gives within a level. A reason in use is deactivated, never
-- deleted: the tickets' foreign key holds that. Deleting one that no
-- ticket has hides it (deleted_at) and deactivates it, the row kept: a
-- trigger, automation, macro or view that names it by id then names a
-- reason that is gone, never another one that took its id (the ids are
-- not reused: AUTOINCREMENT on SQLite, an identity on PostgreSQL).
CREATE TABLE complaint_reasons (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	parent_id  INTEGER,
	name_uk    TEXT,
	name_ru    TEXT,
	name_lt    TEXT,
	name_en    TEXT,
	position   INTEGER NOT NULL,
	active     INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	deleted_at INTEGER
);
CREATE INDEX complaint_reasons_parent ON complaint_reasons (parent_id) WHERE parent_id IS NOT NULL;

-- A ticket is a complaint when it has a reason: one column on the ticket
-- row, read by the one statement that loads a ticket (no join, no second
-- table), NULL for the tickets that are not. The partial index holds only
-- complaints, for the report, the search and the delete's "in use";
-- deleted_at in it counts the live complaints from the index alone.
ALTER TABLE tickets ADD COLUMN complaint_reason_id INTEGER REFERENCES complaint_reasons(id);
CREATE INDEX tickets_complaint ON tickets (complaint_reason_id, created_at, deleted_at)
	WHERE complaint_reason_id IS NOT NULL;

INSERT INTO complaint_reasons (id, name_uk, name_ru, name_lt, name_en, position, created_at, updated_at) VALUES
	(1, 'Доставка', 'Доставка', 'Pristatymas', 'Delivery', 1, 0, 0),
	(2, 'Якість', 'Качество', 'Kokybė', 'Quality', 2, 0, 0),
	(3, 'Рахунки й оплата', 'Счета и оплата', 'Sąskaitos ir mokėjimai', 'Billing', 3, 0, 0),
	(4, 'Персонал', 'Персонал', 'Darbuotojai', 'Staff', 4, 0, 0),
	(5, 'Не наша відповідальність — підрядника', 'Не наша ответственность — подрядчика',
	    'Ne mūsų atsakomybė — rangovo', 'Not our responsibility — the contractor''s', 5, 0, 0);
