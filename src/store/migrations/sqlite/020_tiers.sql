-- Frontline schema, version 20: customer tiers (users/tier.h), an admin's
-- list of kinds of customer (Standard, Gold, VIP) that people and
-- organizations are put on and SLA policy filters select by. A tier's name
-- is unique whatever its case: name_key is the name case-folded by
-- fl_tier_name_key, the same on both databases. position is the order the
-- list shows them in (1, 2, …; kept without gaps by the domain).
CREATE TABLE tiers (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	name_key   TEXT NOT NULL UNIQUE,
	position   INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

-- NULL: on no tier. A tier's delete puts its people and organizations on
-- none (the store does it, stamping them; the foreign key holds whatever
-- else writes). The indexes give a tier's counts and its delete without
-- a scan; active is in the users' so that their count reads no rows.
ALTER TABLE users ADD COLUMN tier_id INTEGER REFERENCES tiers(id) ON DELETE SET NULL;
ALTER TABLE organizations ADD COLUMN tier_id INTEGER REFERENCES tiers(id) ON DELETE SET NULL;
CREATE INDEX users_by_tier ON users (tier_id, active) WHERE tier_id IS NOT NULL;
CREATE INDEX organizations_by_tier ON organizations (tier_id) WHERE tier_id IS NOT NULL;
