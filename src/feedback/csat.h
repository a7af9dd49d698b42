/* Customer satisfaction (docs/feedback.md "CSAT"), Zendesk's satisfaction
 * ratings: when a ticket is solved its requester is asked "How would you
 * rate the support you received?", good or bad, with an optional comment
 * and, for bad, a reason from the admin's list.
 *
 * - One rating a ticket. The solved notice offers it (fl_csat_offer: the
 *   row is written "offered" when the notice is queued) and, once the mail
 *   with the question has gone, it counts as asked (fl_csat_asked): a
 *   notice the send dropped asked nobody. The question goes to the
 *   requester alone (mail/outbound.c); the requester, an end user,
 *   answers through a signed link in that mail (purpose
 *   FL_CSAT_LINK_PURPOSE, portal/link.h: a = the ticket, b = the
 *   requester), on the portal or through the API, and may change the
 *   answer while the ticket is solved. A closed ticket's rating stands.
 * - A rating is an event rules act on: a new one, or one whose score
 *   changed, runs the triggers with the condition "satisfaction_score" set
 *   (rules/trigger.h); a comment changed alone does not.
 * - The report: CSAT = good ÷ (good + bad), the response rate = rated ÷
 *   asked, by agent, group, channel or tier and by week or month; a
 *   deleted ticket's rating counts nowhere.
 *
 * Plain C over the store: nothing of HTTP or SQL. Strings a struct here
 * holds point into the caller's arena or input. */
#ifndef FL_FEEDBACK_CSAT_H
#define FL_FEEDBACK_CSAT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"
#include "tickets/ticket.h"

#define FL_CSAT_COMMENT_MAX 2000    /* characters of a comment */
#define FL_CSAT_REASON_NAME_MAX 200 /* characters of a reason's name */
#define FL_CSAT_REASONS_MAX 100     /* reasons a desk keeps */
#define FL_CSAT_LINK_PURPOSE "csat"
/* How long a rating link works after the solved notice: the ticket
 * closing ends it sooner (a closed ticket's rating cannot change). */
#define FL_CSAT_LINK_TTL (14 * 86400)

enum fl_csat_score { FL_CSAT_OFFERED, FL_CSAT_GOOD, FL_CSAT_BAD, FL_CSAT__MAX };
/* "offered", "good", "bad"; NULL / -1 otherwise. */
const char *fl_csat_score_name(int score);
int fl_csat_score_parse(const char *z);

struct fl_csat_rating {
	int64_t id, ticket_id;
	int score; /* enum fl_csat_score */
	char *comment;
	int64_t reason_id; /* 0: none */
	int64_t requester_id, assignee_id, group_id, tier_id;
	char *channel; /* the ticket's (fl_channel_name) */
	int64_t created_at, rated_at, updated_at;
	int64_t asked_at; /* when the mail asking went; 0: not (yet) */
};

/* An admin's reason for a bad rating, named in each of the desk's four
 * languages (name_en is required; another left "" falls back to it). */
struct fl_csat_reason {
	int64_t id;
	char *name_en, *name_uk, *name_ru, *name_lt;
	int position, active;
	int64_t created_at, updated_at;
};
/* r's name in lang (uk, ru, lt or en; anything else en). */
const char *fl_csat_reason_name(const struct fl_csat_reason *r, const char *lang);
/* Checks r: name_en 1..FL_CSAT_REASON_NAME_MAX characters of text
 * ("value"), the others at most that ("translations.uk", …). */
int fl_csat_reason_check(const struct fl_csat_reason *r, struct fl_err *e);

/* A customer's answer. */
struct fl_csat_in {
	int score;           /* good or bad; anything else is refused */
	const char *comment; /* NULL: keep the one given before ("" clears it) */
	int64_t reason_id;   /* 0: none; kept only for a bad rating */
	int keep_reason;     /* reason_id left out: keep the one given before */
};

/* In the transaction that queues the solved notice: writes ticket t's
 * rating "offered" unless it has one (an answer is never undone by a
 * second solve), when its requester is an end user. 0 or the store's
 * error. */
int fl_csat_offer(fl_tx *tx, const struct fl_ticket *t, int64_t now);

/* The mail with ticket_id's question went at now: its rating counts as
 * asked (the first time only). 0 or the store's error. */
int fl_csat_asked(fl_tx *tx, int64_t ticket_id, int64_t now);

/* Records requester_id's answer on ticket_id at now, in a write
 * transaction, then runs the triggers when the score is new or changed.
 * FL_ENOTFOUND when there is no such ticket (or it is deleted);
 * FL_EFORBIDDEN when requester_id is not its requester, or is not an end
 * user (an agent filing for themselves is never asked, nor rates);
 * FL_EINVAL naming "score" (not good or bad), "comment" (too long or not
 * text), "reason_id" (no such active reason) or "ticket" (reason
 * "Closed": a closed ticket's rating cannot change; "NotSolved": only a
 * solved ticket is rated). Nothing is written when it fails. *out is the
 * rating as written. */
int fl_csat_rate(fl_tx *tx, int64_t ticket_id, int64_t requester_id, const struct fl_csat_in *in,
		 int64_t now, fl_arena *a, struct fl_csat_rating *out, struct fl_err *e);

/* The question for ticket t's solved notice, in lang: *text the plain
 * text (the question, then a line each for good and bad with its link),
 * *html the same as an HTML paragraph, escaped. The links are the public
 * page FL_CSAT_PAGE_PATH with a token signed for the ticket and its
 * requester, working FL_CSAT_LINK_TTL seconds from now, and
 * "?score=good" or "?score=bad". In a. A requester who unsubscribed
 * (feedback/unsub.h) is not asked: 0 with *text and *html NULL. */
#define FL_CSAT_PAGE_PATH "/csat/"
int fl_csat_ask(fl_tx *tx, const struct fl_ticket *t, const char *lang, int64_t now, fl_arena *a,
		char **text, char **html);

/* ---- the report (pure) ------------------------------------------------------ */

/* What the report counts for a group of ratings: asked is every rating
 * asked (its mail went) or answered, good and bad the answers. */
struct fl_csat_counts {
	int64_t asked, good, bad;
};
/* good ÷ (good + bad) as a percentage rounded to 0.1; -1 when nobody
 * answered (the API's null). */
double fl_csat_pct(const struct fl_csat_counts *c);
/* (good + bad) ÷ asked as a percentage rounded to 0.1; -1 when nobody was
 * asked. */
double fl_csat_response_rate(const struct fl_csat_counts *c);

enum fl_csat_period { FL_CSAT_WEEK, FL_CSAT_MONTH, FL_CSAT_PERIOD__MAX };
/* "week", "month"; NULL / -1 otherwise. */
const char *fl_csat_period_name(int period);
int fl_csat_period_parse(const char *z);
/* The start (00:00 UTC) of the week (Monday) or month that day (days since
 * 1970-01-01, may be negative) is in, as a day number. */
int32_t fl_csat_period_start(int period, int32_t day);
/* The day after the period that starts on start ends. */
int32_t fl_csat_period_next(int period, int32_t start);

enum fl_csat_by {
	FL_CSAT_BY_AGENT,
	FL_CSAT_BY_GROUP,
	FL_CSAT_BY_CHANNEL,
	FL_CSAT_BY_TIER,
	FL_CSAT_BY__MAX
};
/* "agent", "group", "channel", "tier"; NULL / -1 otherwise. */
const char *fl_csat_by_name(int by);
int fl_csat_by_parse(const char *z);

/* ---- words ------------------------------------------------------------------ */

/* What the customer reads, in one language (fl_csat_words: uk, ru, lt, en;
 * anything else en). */
struct fl_csat_words {
	const char *lang;
	const char *question;   /* "How would you rate the support you received?" */
	const char *good;       /* "Good, I'm satisfied" */
	const char *bad;        /* "Bad, I'm unsatisfied" */
	const char *title;      /* the page's title: "Rate your request #%s" (%s the id) */
	const char *comment;    /* "Anything you would like to tell us? (optional)" */
	const char *reason;     /* "What went wrong? (optional)" */
	const char *no_reason;  /* "— choose —" */
	const char *send;       /* "Send my rating" */
	const char *thanks;     /* "Thank you: your rating is recorded." */
	const char *yours;      /* "Your rating:" */
	const char *change;     /* "You can change it until the request is closed." */
	const char *closed;     /* "This request is closed: its rating can no longer change." */
	const char *not_solved; /* "This request is open again: rate it once it is solved." */
	const char *bad_link;   /* "This link is not valid. …" */
	const char *expired;    /* "This link has expired. …" */
	const char *too_long;   /* "The comment is too long (at most 2000 characters)." */
	const char *unchosen;   /* "Choose good or bad." */
	const char *too_many;   /* "Too many ratings were sent from your address …" */
};
const struct fl_csat_words *fl_csat_words(const char *lang);

#endif
