-- Frontline schema, version 37: a decision on suggestions is recorded
-- once per token (kb/deflect.h). token_mac is the MAC of the suggestions'
-- signed token; two decisions on the same suggestions would have the same
-- one, and the unique index refuses the second (NULLs never clash: rows
-- from before had none).
ALTER TABLE deflections ADD COLUMN token_mac TEXT;
CREATE UNIQUE INDEX deflections_by_token ON deflections (token_mac);
