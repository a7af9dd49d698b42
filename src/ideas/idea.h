/* The suggestion box (docs/ideas.md): customers — in the portal, or
 * through an agent who types for them from a ticket — submit ideas;
 * signed-in people vote (once each) and comment; agents move an idea
 * through new → under review → planned → done (or declined) with a public
 * answer, and link the tickets that asked for it. When the status
 * changes, the idea's author and voters are told by mail, each in their
 * own language, by a job (fl_idea_notify_job), not in the request.
 *
 * Who sees what: anyone, signed in or not, reads public ideas and their
 * comments; an idea that is not public (an agent's choice, for one that
 * holds a customer's private details or is spam) only agents and its
 * author. The viewer role reads and writes nothing. Only agents change an idea's status, answer, title, details or
 * visibility, or link tickets. Plain C over the store: nothing here knows
 * HTTP or SQL. Ownership: results point into the arena given. Writes run
 * in the caller's write transaction and check everything before writing. */
#ifndef FL_IDEAS_IDEA_H
#define FL_IDEAS_IDEA_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "store/ideas.h"
#include "store/jobs.h"

struct fl_tx;
struct fl_actor;

enum fl_idea_status {
	FL_IDEA_NEW,
	FL_IDEA_UNDER_REVIEW,
	FL_IDEA_PLANNED,
	FL_IDEA_DONE,
	FL_IDEA_DECLINED,
	FL_IDEA__MAX
};

#define FL_IDEA_TITLE_MAX 200     /* characters */
#define FL_IDEA_DETAILS_MAX 10000 /* characters */
#define FL_IDEA_ANSWER_MAX 10000  /* characters */
#define FL_IDEA_COMMENT_MAX 5000  /* characters */
#define FL_IDEA_NOTIFY_BATCH 100  /* people a notify job writes to, then queues the rest */

/* "new", "under_review", "planned", "done", "declined"; NULL when out of range. */
const char *fl_idea_status_name(int status);
/* The status named s, or -1. */
int fl_idea_status_parse(fl_str s);

/* An idea as a request gives it: what is set is in has_*. */
struct fl_idea_in {
	const char *title, *details, *locale, *answer;
	int64_t author_id, ticket_id;
	int status, public;
	int has_title, has_details, has_locale, has_answer, has_author_id, has_ticket_id,
		has_status, has_public;
};

/* Whether actor may read idea i: public ones anyone; others agents and
 * its author. */
int fl_idea_visible(const struct fl_actor *actor, const struct fl_idea *i);

/* Idea id as actor sees it; FL_ENOTFOUND when there is none or actor may
 * not read it. */
int fl_idea_get(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *a,
		struct fl_idea *out);

/* A new idea. A customer submits their own (author_id, if given, must be
 * theirs; always public); an agent submits one on a customer's behalf
 * (author_id required: an active person; submitted_by is the agent), may
 * make it private, and may link ticket_id (a ticket the agent sees) in
 * the same write. The author's vote is counted. locale: the language it
 * is written in (uk, ru, lt, en), else the author's, else en. FL_EINVAL
 * naming the field for a blank or too long title, too long details, an
 * unknown author or ticket. */
int fl_idea_create(struct fl_tx *tx, const struct fl_actor *actor, const struct fl_idea_in *in,
		   int64_t now, fl_arena *a, struct fl_idea *out, struct fl_err *e);

/* Changes idea id by in (agents). A new status or answer records who
 * answered and when; a new status queues the job that tells the author
 * and voters (fl_idea_notify_job), in this transaction. */
int fl_idea_update(struct fl_tx *tx, const struct fl_actor *actor, int64_t id,
		   const struct fl_idea_in *in, int64_t now, fl_arena *a, struct fl_idea *out,
		   struct fl_err *e);

/* actor's vote for idea id (signed-in people only). FL_EDUPLICATE naming
 * "vote" when they have voted for it already: nothing is counted twice. */
int fl_idea_vote(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, int64_t now,
		 struct fl_err *e);
/* Takes actor's vote back; FL_ENOTFOUND when they had none. */
int fl_idea_unvote(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, int64_t now,
		   struct fl_err *e);

/* A comment by actor on idea id; FL_EINVAL naming "body" when blank or
 * over FL_IDEA_COMMENT_MAX characters. */
int fl_idea_comment(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, const char *body,
		    int64_t now, fl_arena *a, struct fl_idea_comment *out, struct fl_err *e);

/* Removes comment comment_id from idea id (agents: an abusive one), the
 * idea's comment count with it. FL_ENOTFOUND when the idea has no such
 * comment. */
int fl_idea_comment_delete(struct fl_tx *tx, const struct fl_actor *actor, int64_t id,
			   int64_t comment_id);

/* Links ticket_id to idea id (agents; linking twice is once). FL_EINVAL
 * naming "ticket_id" for a ticket that does not exist. */
int fl_idea_link(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, int64_t ticket_id,
		 int64_t now, struct fl_err *e);
int fl_idea_unlink(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, int64_t ticket_id,
		   struct fl_err *e);

/* The mail telling a person that idea i is now in its status (its public
 * answer i->answer, when there is one, quoted), in lang (uk, ru, lt, else
 * en); url: the idea's page in the portal, unsub_url: the person's
 * unsubscribe link (either NULL: left out). author: they submitted it
 * (else they voted for it). */
int fl_idea_notice_text(const char *lang, const struct fl_idea *i, int author, const char *url,
			const char *unsub_url, fl_arena *a, const char **subject,
			const char **body);

/* The "idea-notify" job (payload {"idea_id", "status", "after"}): tells
 * the next FL_IDEA_NOTIFY_BATCH of the idea's author and voters with ids
 * after "after" about its status, through fl_message_send, and queues
 * itself for the rest. Nothing is sent once the idea's status is no
 * longer the one the job was queued for (a later change has a job of its
 * own), nor when that status was the last one announced (a toggle back
 * and forth is no news), nor to a person who unsubscribed or whose
 * address bounces. A private idea's news goes to its author only. */
int fl_idea_notify_job(struct fl_tx *tx, const struct fl_job *job, struct fl_err *e);

/* The CSV of the report: a header line, then one line an idea. Cells are
 * quoted and a leading =, +, - or @ is defused (a spreadsheet runs none). */
int fl_idea_report_csv(const struct fl_idea *ideas, size_t n, fl_buf *out);

#endif
