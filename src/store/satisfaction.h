/* The store's satisfaction ratings and their reasons (src/store/
 * satisfaction.c; feedback/csat.h tells the rules). Strings and arrays
 * returned are copied into the arena given. */
#ifndef FL_STORE_SATISFACTION_H
#define FL_STORE_SATISFACTION_H

#include <stddef.h>
#include <stdint.h>

#include "feedback/csat.h"
#include "store/store.h"

/* Writes ticket_id's rating "offered" from r (its ticket, requester,
 * assignee, group, tier, channel and created_at) unless the ticket has a
 * rating already. */
int fl_store_csat_offer(fl_tx *tx, const struct fl_csat_rating *r);
/* Notes that the mail asking ticket_id's requester went at now: its
 * rating counts as asked from then (a rating asked before keeps that
 * time; a ticket without one is left alone). */
int fl_store_csat_asked(fl_tx *tx, int64_t ticket_id, int64_t now);
/* Writes r over ticket r->ticket_id's rating, or as a new one: its score,
 * comment, reason, who served and rated_at, updated_at; a rating keeps
 * the created_at it was offered at. Sets r->id and r->created_at. */
int fl_store_csat_put(fl_tx *tx, struct fl_csat_rating *r);
/* Rating id / ticket_id's rating: FL_ENOTFOUND when there is none. */
int fl_store_csat_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_csat_rating *out);
int fl_store_csat_get_ticket(fl_tx *tx, int64_t ticket_id, fl_arena *a, struct fl_csat_rating *out);

/* Which ratings a list holds: created in [start, end), with one of the
 * scores named (NULL: not that one; all NULL: none match), with a comment
 * (with_comment) or without one (without_comment) when set. Lists and
 * counts leave out a rating "offered" whose mail never went, and every
 * rating of a deleted ticket. */
struct fl_store_csat_filter {
	int64_t start, end;
	const char *scores[FL_CSAT__MAX];
	int with_comment, without_comment;
	int desc; /* newest first */
};
/* The ratings that match f, by id (newest first with f->desc), from
 * offset, at most limit, and how many match in all. */
int fl_store_csat_list(fl_tx *tx, const struct fl_store_csat_filter *f, int64_t offset,
		       int64_t limit, fl_arena *a, struct fl_csat_rating **out, size_t *n,
		       int64_t *total);

/* A report's cell: the ratings of one key (an agent's, group's or tier's
 * id, 0 for none; or a channel's name) with one score. */
struct fl_store_csat_count {
	int64_t key;
	char *channel; /* by channel: the key */
	int score;
	int64_t n;
};
/* The ratings created in [start, end) counted by the key of by (enum
 * fl_csat_by) and score, at most max rows. */
int fl_store_csat_count_by(fl_tx *tx, int by, int64_t start, int64_t end, fl_arena *a,
			   struct fl_store_csat_count **out, size_t *n);
/* The same by day (key: days since 1970-01-01, UTC). */
int fl_store_csat_count_days(fl_tx *tx, int64_t start, int64_t end, fl_arena *a,
			     struct fl_store_csat_count **out, size_t *n);

/* Every reason (only the active ones with active_only), by position then
 * id, at most FL_CSAT_REASONS_MAX. */
int fl_store_csat_reason_list(fl_tx *tx, int active_only, fl_arena *a, struct fl_csat_reason **out,
			      size_t *n);
int fl_store_csat_reason_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_csat_reason *out);
int fl_store_csat_reason_count(fl_tx *tx, int64_t *n);
/* Writes r (checked by fl_csat_reason_check), setting r->id. */
int fl_store_csat_reason_insert(fl_tx *tx, struct fl_csat_reason *r);
int fl_store_csat_reason_update(fl_tx *tx, const struct fl_csat_reason *r);
/* Deletes reason id; the ratings that gave it keep their score and lose
 * the reason. */
int fl_store_csat_reason_delete(fl_tx *tx, int64_t id);

#endif
