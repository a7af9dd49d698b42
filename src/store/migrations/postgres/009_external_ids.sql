-- Frontline schema, version 9: external ids on users and organizations, as
-- Zendesk keeps them, so that a system that syncs people into the desk can
-- find a record by its own key (GET /api/v2/users?external_id=…).
ALTER TABLE users ADD COLUMN external_id TEXT;
ALTER TABLE organizations ADD COLUMN external_id TEXT;
CREATE INDEX users_external_id ON users(external_id) WHERE external_id IS NOT NULL;
CREATE INDEX organizations_external_id ON organizations(external_id)
	WHERE external_id IS NOT NULL;
