-- Frontline schema, version 39: the viewer role (users/user.h), for people
-- outside support who read the dashboards. Roles are stored as their rank,
-- so that "an agent or above" stays one comparison: end user 0, viewer 1,
-- agent 2, admin 3. Agents and admins (and the desk itself, an admin) move
-- up one.
UPDATE users SET role = role + 1 WHERE role >= 1;
