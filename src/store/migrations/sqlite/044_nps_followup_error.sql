-- Frontline schema, version 44: why a detractor's follow-up could not be
-- made (feedback/nps.h). The answer is kept whatever happens to its
-- follow-up; followup_error says what refused it (the customer gone, a
-- follow-up ticket that takes no more notes), NULL when nothing did.
ALTER TABLE nps_responses ADD COLUMN followup_error TEXT;
