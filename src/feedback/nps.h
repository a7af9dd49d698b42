/* NPS surveys (docs/nps.md): "How likely are you to recommend us to a
 * friend or colleague?" 0-10 and "why?", mailed to an audience, answered
 * from one click.
 *
 * - A survey is made as a draft (fl_nps_survey_check names the field that
 *   does not fit) and sent once: fl_nps_send turns it to "sending" and
 *   queues the "nps-send" job in the same transaction; a run of the job
 *   (fl_nps_send_job) asks one batch, FL_NPS_BATCH people in user id
 *   order, in one write transaction, keeps its place in the survey's row
 *   and queues the next batch's job FL_NPS_BATCH_GAP seconds later (so
 *   that the mail of people's own requests is not queued behind a whole
 *   survey's). A job is unique to its survey and place, and a batch whose
 *   place has passed does nothing: a job that dies goes on where it
 *   stopped, nobody is asked twice (one response row per survey and
 *   person), and two batches never run at once (their transactions are
 *   serialized, so the cool-off holds across surveys on PostgreSQL too).
 * - A person is skipped, and counted as such, when a survey other than
 *   this one asked them within its cool-off days, when they unsubscribed
 *   (feedback/unsub.h), or when mail to their address bounced (the mail
 *   channel's "mail.bouncing:ADDRESS" setting). Everyone else gets a
 *   message (tickets/notice.h's fl_message_send) in their language with
 *   eleven links, /nps/{token}?score=0 … 10 (portal/link.h, purpose
 *   "nps", a = the response row, good for FL_NPS_LINK_DAYS), and their
 *   unsubscribe link. The channel, group and agent of their latest solved
 *   request, their organization and tier are kept with the row.
 * - A link's GET records nothing (mail scanners open every link of a
 *   message): its page shows the score chosen with a button, and the
 *   POST of that form records it (feedback/nps_api.c). An answer counts
 *   once: the first score recorded stands. The same score again changes
 *   nothing and shows the "why?" form again; a different score is
 *   refused (FL_ECONFLICT, the page says the first answer stands). The
 *   "why?" comment may be given once, with the score or after it.
 * - The closed loop: a survey's on_detractor "ticket" opens, when a score
 *   of 0-6 is recorded, a follow-up ticket (fl_ticket_create) for the
 *   customer, with an internal note, in the group and for the agent that
 *   last served them; "task" puts a task for that agent on their last
 *   solved request (fl_task_create), or opens the ticket when that cannot
 *   be (the request is closed, nobody served it). The "why?" joins the
 *   follow-up ticket as an internal note. The desk (FL_SYSTEM_USER_ID)
 *   writes both; an agent or group gone since is left out. A follow-up
 *   or note refused still (the customer deactivated, the ticket closed)
 *   is recorded on the response (followup_error): the answer stands. */
#ifndef FL_FEEDBACK_NPS_H
#define FL_FEEDBACK_NPS_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "jobs/jobs.h"
#include "store/nps.h"
#include "store/store.h"
#include "users/user.h"

#define FL_NPS_PURPOSE "nps"
#define FL_NPS_PATH "/nps/"
#define FL_NPS_NAME_MAX 200
#define FL_NPS_QUESTION_MAX 500 /* characters of a question in one language */
#define FL_NPS_COMMENT_MAX 2000
#define FL_NPS_AUDIENCE_DAYS_MAX 366
#define FL_NPS_BATCH 100
#define FL_NPS_BATCH_GAP 20 /* seconds between a survey's batches */
#define FL_NPS_LINK_DAYS 60

/* Checks s as given for a new survey (name, audience and its days,
 * organization or tier, cool-off, on_detractor, question — a JSON object
 * of uk/ru/lt/en → text), filling defaults; FL_EINVAL naming the field.
 * The organization and tier must exist (checked in tx). */
int fl_nps_survey_check(fl_tx *tx, struct fl_nps_survey *s, struct fl_err *e);
/* Creates s (checked) as a draft by actor at now. */
int fl_nps_survey_create(fl_tx *tx, const struct fl_actor *actor, struct fl_nps_survey *s,
			 int64_t now, struct fl_err *e);
/* Starts sending survey id: FL_EINVAL ("status", "AlreadySent") unless it
 * is a draft. *out is the survey as it is now. */
int fl_nps_send(fl_tx *tx, int64_t id, int64_t now, fl_arena *a, struct fl_nps_survey *out,
		struct fl_err *e);
/* The "nps-send" job kind. */
int fl_nps_send_job(fl_store *s, const struct fl_job *job, struct fl_err *e);

/* The mail survey s sends in lang; links made with base and token (the
 * unsubscribe URL unsub), or example ones when token is NULL. */
int fl_nps_mail_text(const struct fl_nps_survey *s, const char *lang, const char *base,
		     const char *token, const char *unsub, fl_arena *a, const char **subject,
		     const char **body);

/* Records score (0-10; else FL_EINVAL on "score") from token's link at
 * now, and opens a detractor's follow-up. *r is the response as it stands
 * after. FL_ECONFLICT when it holds another score already (nothing
 * changed); the same score again is 0. */
int fl_nps_answer(fl_tx *tx, const char *token, int score, int64_t now, fl_arena *a,
		  struct fl_nps_response *r, struct fl_err *e);
/* Reads the response of token's link without changing it. */
int fl_nps_response_of(fl_tx *tx, const char *token, int64_t now, fl_arena *a,
		       struct fl_nps_response *r, struct fl_err *e);
/* Records the "why?" (1-FL_NPS_COMMENT_MAX characters, else FL_EINVAL on
 * "comment"); FL_ECONFLICT when the response has no score yet or has a
 * comment already. */
int fl_nps_comment(fl_tx *tx, const char *token, const char *comment, int64_t now, fl_arena *a,
		   struct fl_nps_response *r, struct fl_err *e);

/* The demo desk's surveys (frontline demo): four waves over the six months
 * before now to the customers with a solved request, by admin_id, most of
 * them having answered, the detractors with a why; the earlier waves' detractors
 * with follow-up tickets, most of them answered and solved, and a customer
 * who was answered scoring better the next time. */
int fl_nps_demo(fl_tx *tx, int64_t admin_id, int64_t now, struct fl_err *e);

/* The public pages' words, in lang (uk, ru, lt, else en). */
struct fl_nps_words {
	const char *title, *thanks, *why, *send, *thanks_comment, *already, *commented, *bad_link,
		*expired, *bad_score, *your_score, *confirm, *confirm_send, *too_many;
};
const struct fl_nps_words *fl_nps_words(const char *lang);

#endif
