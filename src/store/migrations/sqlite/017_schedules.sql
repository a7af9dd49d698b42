-- Frontline schema, version 17: business-hours schedules (sla/schedule.h),
-- Zendesk's /api/v2/business_hours/schedules. A schedule is a name and an
-- IANA time zone; its working week is a set of intervals in minutes from
-- Sunday 00:00 local time, one row each (rows rather than a JSON column:
-- the store reads and writes plain integers, and the checks below hold on
-- whatever writes them); its holidays are ranges of local calendar dates
-- as day numbers since 1970-01-01, both ends included. Both go with their
-- schedule.
CREATE TABLE schedules (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	time_zone  TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE schedule_intervals (
	schedule_id  INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
	start_minute INTEGER NOT NULL CHECK (start_minute >= 0),
	end_minute   INTEGER NOT NULL CHECK (end_minute > start_minute AND end_minute <= 10080),
	PRIMARY KEY (schedule_id, start_minute)
);

CREATE TABLE schedule_holidays (
	id          INTEGER PRIMARY KEY,
	schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
	name        TEXT NOT NULL,
	start_day   INTEGER NOT NULL,
	end_day     INTEGER NOT NULL CHECK (end_day >= start_day)
);
CREATE INDEX schedule_holidays_by_schedule ON schedule_holidays (schedule_id, start_day);
