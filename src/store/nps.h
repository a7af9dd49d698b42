/* The store's NPS surveys, their responses and the unsubscribes
 * (src/store/nps.c, migration 041; the rules are feedback/nps.h and
 * feedback/unsub.h). Thin: rows written as given. Each call runs in the
 * caller's transaction; strings are copied into the arena given. */
#ifndef FL_STORE_NPS_H
#define FL_STORE_NPS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"

#define FL_STORE_NPS_SURVEYS_MAX 500
/* The most answers one report reads (the newest first past it). */
#define FL_STORE_NPS_REPORT_MAX 100000

struct fl_nps_survey {
	int64_t id;
	char *name;
	char *question; /* JSON object {"en": "…", …} or NULL: the built-in words */
	char *audience; /* "solved", "organization", "tier" */
	int audience_days;
	int64_t organization_id, tier_id;
	int cool_off_days;
	char *on_detractor; /* "none", "ticket", "task" */
	char *status;       /* "draft", "sending", "sent" */
	int64_t created_by, created_at, updated_at, sent_at;
	int64_t last_user_id; /* where the sending job is in the audience */
	int64_t sent, skipped_cool_off, skipped_unsubscribed, skipped_bouncing;
	int64_t answered, promoters, detractors; /* read, never written */
};

struct fl_nps_response {
	int64_t id, survey_id, user_id;
	char *locale;
	int64_t sent_at;
	int score; /* -1: not answered */
	char *comment;
	int64_t answered_at;
	int64_t ticket_id, channel, group_id, agent_id, organization_id, tier_id;
	int64_t followup_ticket_id, followup_task_id;
};

/* One person of a survey's audience. */
struct fl_nps_person {
	int64_t id;
	char *email, *locale, *name;
	int64_t organization_id, tier_id;
};

int fl_store_nps_survey_insert(fl_tx *tx, struct fl_nps_survey *s);
/* Writes every column but id, created_by and created_at. */
int fl_store_nps_survey_update(fl_tx *tx, const struct fl_nps_survey *s);
int fl_store_nps_survey_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_nps_survey *out);
/* Newest first, at most FL_STORE_NPS_SURVEYS_MAX. */
int fl_store_nps_survey_list(fl_tx *tx, fl_arena *a, struct fl_nps_survey **out, size_t *n);

/* The next max people of s's audience with an id above after, in id
 * order: active end users with an address (end_user the role bound), for
 * "solved" those whose request was solved at or after since. */
int fl_store_nps_audience(fl_tx *tx, const struct fl_nps_survey *s, int end_user, int64_t since,
			  int64_t after, size_t max, fl_arena *a, struct fl_nps_person **out,
			  size_t *n);
/* When user_id was last asked by a survey other than survey_id (0: never). */
int fl_store_nps_last_asked(fl_tx *tx, int64_t user_id, int64_t survey_id, int64_t *at);
/* The latest solved (or closed) ticket user_id asked for, with who
 * served it; r's ticket_id 0 when there is none. */
int fl_store_nps_last_served(fl_tx *tx, int64_t user_id, struct fl_nps_response *r);
/* Inserts r (setting r->id); FL_ECONFLICT, nothing written, when
 * r->user_id has a row for r->survey_id already. */
int fl_store_nps_response_insert(fl_tx *tx, struct fl_nps_response *r);
int fl_store_nps_response_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_nps_response *out);
/* Records score at now on a response not yet answered: FL_ECONFLICT when
 * it has been (nothing changed). */
int fl_store_nps_response_answer(fl_tx *tx, int64_t id, int score, int64_t now);
/* Records the comment on an answered response that has none:
 * FL_ECONFLICT otherwise. */
int fl_store_nps_response_comment(fl_tx *tx, int64_t id, const char *comment);
int fl_store_nps_response_followup(fl_tx *tx, int64_t id, int64_t ticket_id, int64_t task_id);
/* Records why response id's follow-up could not be made (the first
 * reason stands). */
int fl_store_nps_response_followup_error(fl_tx *tx, int64_t id, const char *error);

/* One answer as the report reads it: the response's score, time and who
 * served the customer, with the names of the groups it falls in. */
struct fl_nps_answer {
	int64_t id, survey_id, user_id;
	int score;
	int64_t answered_at;
	char *comment, *user_name;
	int64_t channel, group_id, agent_id, organization_id, tier_id;
	char *group_name, *agent_name, *organization_name, *tier_name;
};
/* The answers given in [start, end) (UTC seconds), of survey_id unless
 * it is 0, newest first, at most max. */
int fl_store_nps_answers(fl_tx *tx, int64_t survey_id, int64_t start, int64_t end, size_t max,
			 fl_arena *a, struct fl_nps_answer **out, size_t *n);
/* How many were asked in [start, end) (of survey_id unless 0). */
int fl_store_nps_asked(fl_tx *tx, int64_t survey_id, int64_t start, int64_t end, int64_t *n);

/* The closed loop over detractors who answered in [start, end):
 * detractors; followups (a follow-up ticket or task was opened);
 * followups_failed (one could not be made: followup_error); contacted
 * (their follow-up ticket has a public comment by someone other than
 * them, or their follow-up task is done); answered_next (they answered a
 * later survey) and improved (that next answer's score was higher). */
struct fl_nps_loop {
	int64_t detractors, followups, contacted, answered_next, improved, followups_failed;
};
int fl_store_nps_loop(fl_tx *tx, int64_t survey_id, int64_t start, int64_t end,
		      struct fl_nps_loop *out);

/* Unsubscribes user_id (and email, lower case, when given) from what the
 * desk writes of its own accord, at now; again is nothing. */
int fl_store_unsub_add(fl_tx *tx, int64_t user_id, const char *email, int64_t now);
/* *yes when user_id, or their primary address, is unsubscribed. */
int fl_store_unsub_is(fl_tx *tx, int64_t user_id, int *yes);

#endif
