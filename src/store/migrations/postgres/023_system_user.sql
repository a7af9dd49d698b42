-- Frontline schema, version 23: the desk itself as a person (users.id -1,
-- as Zendesk's "-1" author), the author of what happens by rule: a
-- trigger's or an automation's change, an automatic assignment, a
-- reminder. Inactive, so it is in no list and nobody signs in as it; no
-- e-mail, so no mail reaches it. Row 0 ("nobody", never used) is there
-- because SQLite gives a new row the largest id plus one: without it, the
-- first person of a new desk would be 0, which means "none" everywhere.
-- Both backends hold both rows, so that copies between them compare equal.
INSERT INTO users (id, role, name, locale, created_at, updated_at, active)
VALUES (-1, 2, 'Frontline', 'en', 0, 0, 0),
       (0, 0, 'nobody', 'en', 0, 0, 0);
