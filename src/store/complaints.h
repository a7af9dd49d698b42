/* The store's complaint reasons (tickets/complaint.h, src/store/complaints.c)
 * and the rows of the complaints report. Strings returned are copied into
 * the arena given. */
#ifndef FL_STORE_COMPLAINTS_H
#define FL_STORE_COMPLAINTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "tickets/complaint.h"

/* Reason id with its tickets_count; FL_ENOTFOUND when there is none. */
int fl_store_complaint_reason_get(fl_tx *tx, int64_t id, fl_arena *a,
				  struct fl_complaint_reason *out);
/* Every reason (at most FL_COMPLAINT_REASONS_MAX), as a tree reads: each
 * top-level reason by position, the reasons under it right after it by
 * position; with tickets_count when counts is set. */
int fl_store_complaint_reason_list(fl_tx *tx, int counts, fl_arena *a,
				   struct fl_complaint_reason **out, size_t *n);
/* The reasons under parent_id (0: the top level) by position, then id. */
int fl_store_complaint_reason_siblings(fl_tx *tx, int64_t parent_id, fl_arena *a,
				       struct fl_complaint_reason **out, size_t *n);
int fl_store_complaint_reason_count(fl_tx *tx, int64_t *n);
/* How many reasons are under id. */
int fl_store_complaint_reason_children(fl_tx *tx, int64_t id, int64_t *n);
/* Whether any ticket (deleted ones too) has reason id: 1 yes, 0 no. */
int fl_store_complaint_reason_in_use(fl_tx *tx, int64_t id, int *yes);
/* Writes r, setting r->id. */
int fl_store_complaint_reason_insert(fl_tx *tx, struct fl_complaint_reason *r);
/* Writes r's parent, names, position, active and updated_at over r->id. */
int fl_store_complaint_reason_update(fl_tx *tx, const struct fl_complaint_reason *r);
int fl_store_complaint_reason_set_position(fl_tx *tx, int64_t id, int64_t position);
/* Hides reason id (deleted_at: the reads above no longer see it) and
 * deactivates it; the row stays, so its id is never given to another. */
int fl_store_complaint_reason_delete(fl_tx *tx, int64_t id, int64_t now);

/* The most complaints a report reads: far more than a desk files in a
 * year; the report says when it stopped there. */
#define FL_STORE_COMPLAINT_ROWS_MAX 100000

/* One complaint of the report: the live ticket's reason, organization
 * (0: none) and its name ("" when none), created_at, status, its custom
 * fields (JSON text: the product is read from them) and how many public
 * comments agents wrote on it after the first comment. */
struct fl_store_complaint_row {
	int64_t ticket_id, reason_id, organization_id, created_at;
	int status;
	char *organization_name;
	char *custom_fields;
	int64_t agent_replies;
};
/* The live complaints created in [start, end), by id, at most max. */
int fl_store_complaint_rows(fl_tx *tx, int64_t start, int64_t end, size_t max, fl_arena *a,
			    struct fl_store_complaint_row **out, size_t *n);

#endif
