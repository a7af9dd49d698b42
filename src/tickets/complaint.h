/* Complaints: a ticket is a complaint when it has a complaint reason, one
 * of an admin's taxonomy (delivery, quality, billing, staff, "not our
 * responsibility — the contractor's") named in each of the desk's
 * languages (uk, ru, lt, en), two levels deep: a top-level reason and the
 * reasons under it. Agents and rules mark tickets (the ticket's
 * complaint_reason_id, tickets/ticket.h); the report counts them by
 * reason, product, organization and week or month, with the share solved
 * at first contact (docs/complaints.md).
 *
 * The rules (names, levels, order, how many, when a reason may go, which
 * reason a ticket may be given) are here, plain C over the store's
 * queries (store/complaints.h); the doors run inside a store transaction
 * and write nothing when they fail. */
#ifndef FL_TICKETS_COMPLAINT_H
#define FL_TICKETS_COMPLAINT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

#define FL_COMPLAINT_NAME_MAX 120    /* bytes of UTF-8, each language's */
#define FL_COMPLAINT_REASONS_MAX 200 /* a desk's; the list returns them all */

/* The languages a reason is named in, in the order of its columns. */
enum { FL_COMPLAINT_UK, FL_COMPLAINT_RU, FL_COMPLAINT_LT, FL_COMPLAINT_EN, FL_COMPLAINT_LANGS };

struct fl_complaint_reason {
	int64_t id;
	int64_t parent_id; /* 0: a top-level reason */
	/* per language (FL_COMPLAINT_UK …); NULL where none was given */
	char *name_uk, *name_ru, *name_lt, *name_en;
	int64_t position; /* 1, 2, … among the reasons of one parent */
	int active;
	int64_t created_at, updated_at;
	int64_t tickets_count; /* the tickets that have it (show and list only) */
};

/* The language code of FL_COMPLAINT_* l ("uk" …), NULL when none. */
const char *fl_complaint_lang(int l);
/* The name of r in language l (its column); the address of the member. */
char **fl_complaint_name_at(struct fl_complaint_reason *r, int l);
/* r's name for a reader of locale (a code such as "uk" or "en-GB"): that
 * language's, else English, else the first one given. Never NULL for a
 * checked reason. */
const char *fl_complaint_name(const struct fl_complaint_reason *r, const char *locale);

/* Checks r's names: at least one; each given one 1..FL_COMPLAINT_NAME_MAX
 * bytes of valid UTF-8, not only spaces, no control characters.
 * FL_EINVAL naming "names" or "names.uk" (…). */
int fl_complaint_names_check(const struct fl_complaint_reason *r, struct fl_err *e);

/* The doors. fl_complaint_reason_create checks r (names; parent_id a
 * top-level reason that exists, else FL_EINVAL naming "parent_id"),
 * refuses a desk's FL_COMPLAINT_REASONS_MAX+1th reason (FL_EINVAL naming
 * "complaint_reason") and writes r at r->position among its parent's
 * reasons (1 is first; 0 or past the end: last), moving the ones after it
 * down; sets r->id, r->position, r->created_at and r->updated_at.
 * fl_complaint_reason_update does the same over reason r->id (read by the
 * caller with fl_store_complaint_reason_get): a reason that has reasons
 * under it stays at the top level (FL_EINVAL naming "parent_id"), a
 * reason cannot be its own parent. */
int fl_complaint_reason_create(fl_tx *tx, struct fl_complaint_reason *r, fl_arena *a,
			       struct fl_err *e);
int fl_complaint_reason_update(fl_tx *tx, struct fl_complaint_reason *r, fl_arena *a,
			       struct fl_err *e);
/* Deletes reason id (FL_ENOTFOUND when there is none) and closes the gap
 * it leaves: a soft delete, the reason hidden from every read and
 * inactive, its row and id kept, so that a rule, macro or view naming it
 * names a reason that is gone (skipped and logged when a rule fires),
 * never one created after it. Refused with FL_EINVAL naming "id" while a ticket (deleted
 * ones too: their audits name it) has it — deactivate it instead — or
 * while reasons are under it. */
int fl_complaint_reason_delete(fl_tx *tx, int64_t id, fl_arena *a, struct fl_err *e);

/* Whether a ticket may be given reason id, for the ticket's door and the
 * rules: 0 for an active reason; FL_EINVAL naming field for one that does
 * not exist or is inactive. id 0 (not a complaint) is always fine. */
int fl_complaint_reason_usable(fl_tx *tx, int64_t id, const char *field, fl_arena *a,
			       struct fl_err *e);

/* ---- the report's pure part ---- */

/* What a report's rows are counted by in time. */
enum fl_complaint_period { FL_COMPLAINT_WEEK, FL_COMPLAINT_MONTH, FL_COMPLAINT_PERIOD__MAX };
const char *fl_complaint_period_name(int p);
int fl_complaint_period_parse(const char *z); /* -1 when unknown */
/* The first day (days since 1970-01-01, UTC) of the week (weeks start on
 * Monday, ISO 8601) or the calendar month that holds day. */
int32_t fl_complaint_period_start(int period, int32_t day);
/* The first day of the period after the one that starts at start. */
int32_t fl_complaint_period_next(int period, int32_t start);

/* Resolved at first contact: the complaint is solved (or closed) and an
 * agent answered it in public exactly once — agent_replies counts the
 * public comments agents and admins wrote after the first comment (the
 * request itself, whoever typed it in), the desk's own (a rule's) not
 * among them. A complaint solved without any public answer, or after a
 * second one, was not. */
int fl_complaint_first_contact(int status, int64_t agent_replies);

/* The value of custom field field_id in custom_fields (a ticket's JSON
 * text, [{"id":…,"value":…}]) as text, in a: a string as it is, a number
 * or a boolean as JSON writes it; NULL when the ticket has no such field
 * or its value is null or empty. The report's "product". */
char *fl_complaint_product(const char *custom_fields, int64_t field_id, fl_arena *a);

/* The setting that names the custom field the report reads as the
 * product (its id as decimal text; none: no product). */
#define FL_COMPLAINT_PRODUCT_SETTING "complaints.product_field_id"

#endif
