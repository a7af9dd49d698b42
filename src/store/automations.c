/* Queries about automations, their pass and the tickets' clocks
 * (store/automations.h). */
#include "store/automations.h"
#include "store/store_int.h"
#include "tickets/ticket.h"

int fl_store_auto_scan(fl_tx *tx, int64_t after, int lo, int hi, int breaches, size_t max,
		       fl_arena *a, struct fl_store_auto_row **out, size_t *n)
{
	/* a ticket with no clocks row has moved none since it was created
	 * (fl_store_ticket_clocks_created says the same in C). "status + 0"
	 * keeps SQLite off the indexes on status: the batch is a range of
	 * ids, read in id order; by a status index each batch would sort
	 * every ticket of those statuses again. */
	static const char sql[] =
		"SELECT t.id, t.status, t.priority, t.type, t.channel, t.requester_id,"
		" COALESCE(t.assignee_id, 0), COALESCE(t.group_id, 0),"
		" COALESCE(t.organization_id, 0),"
		" COALESCE(c.status_at, t.created_at), t.created_at, t.updated_at,"
		" COALESCE(c.assigned_at,"
		"          CASE WHEN t.assignee_id IS NULL THEN 0 ELSE t.created_at END),"
		" COALESCE(c.requester_updated_at,"
		"          CASE WHEN t.submitter_id = t.requester_id THEN t.created_at ELSE 0 END),"
		" COALESCE(c.assignee_updated_at,"
		"          CASE WHEN t.submitter_id = t.assignee_id THEN t.created_at ELSE 0 END),"
		" CASE WHEN ? = 1 THEN COALESCE((SELECT MAX(e.at) FROM sla_events e"
		"   WHERE e.ticket_id = t.id AND e.kind = 'breached'), 0) ELSE 0 END"
		" FROM tickets t"
		" LEFT JOIN ticket_clocks c ON c.ticket_id = t.id"
		" WHERE t.id > ?"
		"   AND t.deleted_at IS NULL"
		"   AND t.status + 0 BETWEEN ? AND ?"
		"   AND t.status + 0 < 5"
		" ORDER BY t.id"
		" LIMIT ?";
	struct fl_store_auto_row *rows = fl_arena_alloc(a, (max + 1) * sizeof *rows);
	size_t k = 0;
	fl_stmt *st;
	int rc;

	if (!rows)
		return FL_ENOMEM;
	if ((rc = fl_q(tx, sql, 0, &st, "iiiii", (int64_t)(breaches != 0), after, (int64_t)lo,
		       (int64_t)hi, (int64_t)max)))
		return rc;
	while (k < max && (rc = fl_q_step(tx, st)) == 1) {
		struct fl_store_auto_row *r = &rows[k++];
		r->id = fl_col_int(tx, st, 0);
		r->status = (int)fl_col_int(tx, st, 1);
		r->priority = (int)fl_col_int(tx, st, 2);
		r->type = (int)fl_col_int(tx, st, 3);
		r->channel = (int)fl_col_int(tx, st, 4);
		r->requester_id = fl_col_int(tx, st, 5);
		r->assignee_id = fl_col_int(tx, st, 6);
		r->group_id = fl_col_int(tx, st, 7);
		r->organization_id = fl_col_int(tx, st, 8);
		for (int c = 0; c < 7; c++)
			r->clocks[c] = fl_col_int(tx, st, 9 + c);
	}
	fl_q_done(tx, st);
	if (rc < 0)
		return rc;
	*out = rows;
	*n = k;
	return 0;
}

int fl_store_automation_fired(fl_tx *tx, int64_t automation_id, int64_t ticket_id, int64_t window,
			      int64_t now, int *added)
{
	static const char sql[] =
		"INSERT INTO automation_firings (automation_id, ticket_id, window_start, fired_at)"
		" VALUES (?, ?, ?, ?)"
		" ON CONFLICT (automation_id, ticket_id, window_start) DO NOTHING"
		" RETURNING ticket_id";
	int64_t id;
	int rc = fl_q_int(tx, sql, &id, "iiii", automation_id, ticket_id, window, now);

	*added = !rc;
	return rc == FL_ENOTFOUND ? 0 : rc;
}

void fl_store_ticket_clocks_created(const struct fl_ticket *t, int64_t out[FL_STORE_CLOCKS])
{
	out[FL_STORE_CLOCK_STATUS] = t->created_at;
	out[FL_STORE_CLOCK_ASSIGNED] = t->assignee_id ? t->created_at : 0;
	out[FL_STORE_CLOCK_REQUESTER] = t->submitter_id == t->requester_id ? t->created_at : 0;
	out[FL_STORE_CLOCK_ASSIGNEE] =
		t->assignee_id && t->submitter_id == t->assignee_id ? t->created_at : 0;
}

int fl_store_ticket_clocks_set(fl_tx *tx, int64_t ticket_id, const int64_t first[FL_STORE_CLOCKS],
			       const int64_t moved[FL_STORE_CLOCKS])
{
	static const char sql[] =
		"INSERT INTO ticket_clocks (ticket_id, status_at, assigned_at,"
		" requester_updated_at, assignee_updated_at)"
		" VALUES (?, ?, ?, ?, ?)"
		" ON CONFLICT (ticket_id) DO UPDATE SET"
		" status_at = CASE WHEN ? > 0 THEN ? ELSE ticket_clocks.status_at END,"
		" assigned_at = CASE WHEN ? > 0 THEN ? ELSE ticket_clocks.assigned_at END,"
		" requester_updated_at = CASE WHEN ? > 0"
		"   THEN ? ELSE ticket_clocks.requester_updated_at END,"
		" assignee_updated_at = CASE WHEN ? > 0"
		"   THEN ? ELSE ticket_clocks.assignee_updated_at END";
	return fl_q_exec(tx, sql, "iiiiiiiiiiiii", ticket_id, first[0], first[1], first[2],
			 first[3], moved[0], moved[0], moved[1], moved[1], moved[2], moved[2],
			 moved[3], moved[3]);
}
