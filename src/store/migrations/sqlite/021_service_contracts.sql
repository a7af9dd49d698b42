-- Frontline schema, version 21: service contracts (users/contract.h) —
-- which products or services a customer or an organization is entitled
-- to, at which level, from and to which day: a year's free service after a
-- purchase ('warranty'), a contract sold on its own ('contract'), service a
-- partner gives ('partner', provider naming it). Exactly one owner, a
-- person or an organization, and the contract goes with it. Days are day
-- numbers since 1970-01-01 (as schedule_holidays keeps them), both ends
-- included, within the years 1970..9999. The checks below hold on
-- whatever writes the rows; the domain checks the same first, naming the
-- field.
CREATE TABLE service_contracts (
	id              INTEGER PRIMARY KEY,
	user_id         INTEGER REFERENCES users(id) ON DELETE CASCADE,
	organization_id INTEGER REFERENCES organizations(id) ON DELETE CASCADE,
	product         TEXT NOT NULL CHECK (length(product) BETWEEN 1 AND 200),
	level           TEXT NOT NULL DEFAULT '' CHECK (length(level) <= 64),
	kind            TEXT NOT NULL CHECK (kind IN ('warranty', 'contract', 'partner')),
	provider        TEXT NOT NULL DEFAULT '' CHECK (length(provider) <= 200),
	starts_on       INTEGER NOT NULL CHECK (starts_on BETWEEN 0 AND 2932896),
	ends_on         INTEGER NOT NULL CHECK (ends_on BETWEEN starts_on AND 2932896),
	notes           TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 4096),
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	CHECK ((user_id IS NULL) <> (organization_id IS NULL))
);
-- By owner (a person's or an organization's list, the coverage of a
-- ticket's customer) and by the day they end (the expiring list).
CREATE INDEX service_contracts_by_user ON service_contracts (user_id, ends_on);
CREATE INDEX service_contracts_by_organization ON service_contracts (organization_id, ends_on);
CREATE INDEX service_contracts_by_ends_on ON service_contracts (ends_on, id);
