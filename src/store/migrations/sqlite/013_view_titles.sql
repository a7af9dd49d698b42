-- Frontline schema, version 13: the built-in queues are the agent's
-- workspace's own, and views are what an admin adds.
--
-- Version 1 seeded five views that are the built-in queues again (yours,
-- unassigned, all unsolved, pending, recently solved). The workspace shows
-- those queues itself, in the agent's language, so the seeded rows only
-- repeated them under "Views" with English titles. They go, but only where
-- nobody changed them (same title, conditions, order and position, never
-- updated): a seeded view an admin edited is the admin's view now and
-- stays, like every view an admin created. Deleting (rather than marking
-- them built-in) keeps one place that says what a built-in queue is, and
-- keeps the views API what Zendesk's is: the admin's saved filters.
DELETE FROM views
 WHERE created_at = updated_at
   AND ((position = 1 AND title = 'Your unsolved tickets' AND sort_by = 'updated_at' AND sort_desc = 1
        AND conditions = '{"all":[{"field":"assignee_id","operator":"is","value":"current_user"},{"field":"status","operator":"less_than","value":"solved"}]}')
    OR (position = 2 AND title = 'Unassigned tickets' AND sort_by = 'created_at' AND sort_desc = 0
        AND conditions = '{"all":[{"field":"assignee_id","operator":"is","value":null},{"field":"status","operator":"less_than","value":"solved"}]}')
    OR (position = 3 AND title = 'All unsolved tickets' AND sort_by = 'updated_at' AND sort_desc = 1
        AND conditions = '{"all":[{"field":"status","operator":"less_than","value":"solved"}]}')
    OR (position = 4 AND title = 'Pending tickets' AND sort_by = 'updated_at' AND sort_desc = 1
        AND conditions = '{"all":[{"field":"status","operator":"is","value":"pending"}]}')
    OR (position = 5 AND title = 'Recently solved tickets' AND sort_by = 'updated_at' AND sort_desc = 1
        AND conditions = '{"all":[{"field":"status","operator":"greater_than","value":"hold"},{"field":"updated_at","operator":"greater_than","value":"7days"}]}'));

-- A view's title per language: a JSON object whose keys are the desk's
-- languages (en, lt, ru, uk) and whose values are titles, '{}' for none.
-- The workspace shows the agent's language's title, else "title" as the
-- admin wrote it.
ALTER TABLE views ADD COLUMN title_translations TEXT NOT NULL DEFAULT '{}';
