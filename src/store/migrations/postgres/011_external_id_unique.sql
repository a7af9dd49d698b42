-- Frontline schema, version 11: an external id names one user and one
-- organization, whatever its case, as Zendesk keeps it ("a unique
-- identifier from another system", case-insensitive): a sync script that
-- finds a record by its key finds exactly one. The domain refuses a taken
-- id with a 422 naming external_id; these indexes hold that against two
-- writers at once, and serve the case-insensitive look-ups.
DROP INDEX users_external_id;
DROP INDEX organizations_external_id;
CREATE UNIQUE INDEX users_external_id ON users(lower(external_id))
	WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX organizations_external_id ON organizations(lower(external_id))
	WHERE external_id IS NOT NULL;
