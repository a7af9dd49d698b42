/* Views: saved ticket filters (Zendesk's views), shown as queues with counts.
 *
 * Conditions use Zendesk's shape: {"all": [c…], "any": [c…]} where a
 * condition is {"field": F, "operator": OP, "value": V}; fields status,
 * priority, type, via, assignee_id, requester_id, group_id, organization_id,
 * tags, created_at, updated_at; operators is, is_not, less_than,
 * greater_than, includes (tags), not_includes; values "current_user" and
 * null for assignee. */
#ifndef FL_VIEWS_VIEW_H
#define FL_VIEWS_VIEW_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "tickets/filter.h"

struct fl_view {
	int64_t id;
	char *title, *description;
	char *title_translations; /* JSON object text: {"uk": title, …}, "{}" for none */
	int active;
	int64_t position;
	char *conditions; /* JSON text */
	char *sort_by;    /* a ticket sort key */
	int sort_desc;
	int64_t created_at, updated_at;
};

/* Compiles a conditions JSON text into f for actor_id; FL_EINVAL naming the
 * condition that does not fit. */
int fl_view_compile(const char *conditions, int64_t actor_id, fl_arena *arena, struct fl_filter *f,
		    struct fl_err *e);

#endif
