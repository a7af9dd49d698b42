/* Tickets: the one model for a customer's request on every channel, its
 * comments (public replies and internal notes) and its audit trail. */
#ifndef FL_TICKETS_TICKET_H
#define FL_TICKETS_TICKET_H

#include <stddef.h>
#include <stdint.h>

#include "attachments/attachment.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "tickets/filter.h"
#include "users/user.h"

struct fl_tx;

/* Ordered as Zendesk orders them, so that status<solved works. */
enum fl_status {
	FL_STATUS_NEW,
	FL_STATUS_OPEN,
	FL_STATUS_PENDING,
	FL_STATUS_HOLD,
	FL_STATUS_SOLVED,
	FL_STATUS_CLOSED,
	FL_STATUS__MAX
};

/* 0 means "not set" (JSON null). */
enum fl_priority {
	FL_PRIORITY_NONE,
	FL_PRIORITY_LOW,
	FL_PRIORITY_NORMAL,
	FL_PRIORITY_HIGH,
	FL_PRIORITY_URGENT,
	FL_PRIORITY__MAX
};
enum fl_type {
	FL_TYPE_NONE,
	FL_TYPE_QUESTION,
	FL_TYPE_INCIDENT,
	FL_TYPE_PROBLEM,
	FL_TYPE_TASK,
	FL_TYPE__MAX
};
enum fl_channel {
	FL_CHANNEL_WEB,
	FL_CHANNEL_EMAIL,
	FL_CHANNEL_API,
	FL_CHANNEL_PHONE,
	FL_CHANNEL_CHAT,
	FL_CHANNEL_SMS,
	FL_CHANNEL_MESSENGER,
	FL_CHANNEL__MAX
};

#define FL_TICKET_MAX_TAGS 64
#define FL_TICKET_MAX_CCS 48
#define FL_TICKET_MAX_FOLLOWERS 48
#define FL_TICKET_STAMP_LEN 25 /* "2026-11-22T08:24:40.123Z" and its NUL */

struct fl_ticket {
	int64_t id;
	char *subject;
	char *description; /* the first comment's text */
	int status, priority, type, channel;
	int64_t requester_id, submitter_id, assignee_id, group_id, organization_id;
	char *tags[FL_TICKET_MAX_TAGS];
	size_t ntags;
	int64_t ccs[FL_TICKET_MAX_CCS]; /* collaborators (CC'd users) */
	size_t nccs;
	int64_t followers[FL_TICKET_MAX_FOLLOWERS]; /* agents following it */
	size_t nfollowers;
	char *custom_fields; /* JSON array text [{"id":…,"value":…}] */
	char *external_id;
	char *recipient;    /* the address the request was sent to, or NULL */
	int64_t problem_id; /* an incident's problem ticket, or 0 */
	/* a complaint's reason (tickets/complaint.h); 0: not a complaint */
	int64_t complaint_reason_id;
	int64_t created_at, updated_at, solved_at, deleted_at, due_at;
	/* milliseconds since the epoch of the last write, made larger by
	 * every write even within one millisecond: what safe_update compares */
	int64_t updated_stamp;
	char *requester_email; /* loaded with the ticket, never written by it */
	/* loaded with the ticket: the soonest breach_at of an active SLA
	 * metric (sla/refresh.h), INT64_MAX for none */
	int64_t sla_next_breach_at;
	char *snippet; /* search results only: HTML-escaped, <em> marks hits */
};

struct fl_comment {
	int64_t id, ticket_id, author_id;
	int public;
	char *body;      /* plain text */
	char *html_body; /* safe HTML rendered from body */
	int channel;
	int64_t created_at;
};

/* One audit is one change set (a create or an update) by one author; its
 * events say what changed. Audits are append-only. */
enum fl_event_kind {
	FL_EVENT_CREATE,
	FL_EVENT_CHANGE,
	FL_EVENT_COMMENT,
	FL_EVENT_DELETE,
	FL_EVENT__MAX
};

struct fl_event {
	int64_t id;
	int kind;
	const char *field;
	char *value, *previous;
	int64_t comment_id;
};

#define FL_AUDIT_MAX_EVENTS 160

struct fl_audit {
	int64_t id, ticket_id, author_id;
	int channel;
	int64_t created_at;
	struct fl_event events[FL_AUDIT_MAX_EVENTS];
	size_t nevents;
};

const char *fl_status_name(int v);
const char *fl_priority_name(int v); /* NULL for none */
const char *fl_type_name(int v);     /* NULL for none */
const char *fl_channel_name(int v);
int fl_status_parse(fl_str s); /* -1 when unknown */
int fl_priority_parse(fl_str s);
int fl_type_parse(fl_str s);
int fl_channel_parse(fl_str s);

/* What a create or an update asks for: each has_* says the field was given.
 * Strings are borrowed from the caller. */
struct fl_ticket_patch {
	int has_subject, has_status, has_priority, has_type, has_requester, has_assignee, has_group,
		has_organization, has_tags, has_ccs, has_custom_fields, has_external_id,
		has_channel, has_due_at, has_recipient, has_problem, has_followers, has_add_tags,
		has_remove_tags, has_cc_changes, has_follower_changes, has_complaint;
	const char *subject;
	int status, priority, type, channel;
	int64_t requester_id, assignee_id, group_id, organization_id, problem_id;
	int64_t due_at;
	/* has_complaint: the complaint's reason, 0 for "not a complaint";
	 * agents only, an active reason (tickets/complaint.h) */
	int64_t complaint_reason_id;
	const char *tags[FL_TICKET_MAX_TAGS];
	size_t ntags;
	/* on update: tags added to and removed from those the ticket has */
	const char *add_tags[FL_TICKET_MAX_TAGS];
	size_t nadd_tags;
	const char *remove_tags[FL_TICKET_MAX_TAGS];
	size_t nremove_tags;
	int64_t ccs[FL_TICKET_MAX_CCS];
	size_t nccs;
	/* CCs added to and removed from the ticket's (Zendesk's email_ccs) */
	int64_t cc_add[FL_TICKET_MAX_CCS];
	size_t ncc_add;
	int64_t cc_remove[FL_TICKET_MAX_CCS];
	size_t ncc_remove;
	int64_t followers[FL_TICKET_MAX_FOLLOWERS];
	size_t nfollowers;
	/* followers added and removed (Zendesk's followers) */
	int64_t follower_add[FL_TICKET_MAX_FOLLOWERS];
	size_t nfollower_add;
	int64_t follower_remove[FL_TICKET_MAX_FOLLOWERS];
	size_t nfollower_remove;
	const char *custom_fields;
	const char *external_id;
	const char *recipient;
	/* safe_update: refuse (FL_ECONFLICT) unless the ticket's stamp is
	 * still updated_stamp (fl_ticket_stamp's text) */
	int safe_update;
	const char *updated_stamp;
	/* the comment to add, when comment_body is set */
	const char *comment_body;
	int comment_public;
	int64_t comment_author_id; /* 0: the actor */
	const char *comment_html;  /* safe HTML to show; NULL: made from the body */
	/* upload tokens (the actor's) whose files go with the comment */
	const char *uploads[FL_COMMENT_MAX_UPLOADS];
	size_t nuploads;
	/* an event to record beside the changes (a merge's "merged_into",
	 * the macros applied, the rule that made it), and, on update,
	 * whether to tell the requester nothing (a merge tells them once,
	 * tickets/merge.c) */
	const char *event_field, *event_value;
	int quiet;
	/* when set, gets the id of the comment this write adds (0: none):
	 * the write's own, never one a trigger adds inside the same call */
	int64_t *made_comment;
};

/* One ticket write, as the write hooks see it. Everything is borrowed and
 * lives until the hook returns. */
struct fl_ticket_write {
	int kind;                        /* FL_EVENT_CREATE, _CHANGE or _DELETE */
	const struct fl_ticket *t;       /* as written */
	const struct fl_ticket *before;  /* as it was; NULL for a create */
	const struct fl_actor *actor;    /* who wrote it */
	const struct fl_ticket_patch *p; /* what was asked; NULL for a delete */
	const struct fl_audit *audit;    /* the change set recorded; NULL for a delete */
	int64_t comment_id;              /* the comment the write added, or 0 */
	int comment_public;              /* … and whether it is public */
	int64_t now;                     /* the write's time */
};

/* Called in the transaction of every ticket write — created, updated (a
 * comment too), deleted — after its audit, in the order added: what is
 * kept from a ticket (its SLA, sla/refresh.h) moves with it, and what
 * reacts to a write (the rules) reacts, or the write fails. A hook may
 * write the ticket again (fl_ticket_update): the hooks then run for that
 * write too, inside the first one's, and the hooks after it see the
 * ticket as it is now; a write that only records an event runs none.
 * Added once at startup (cli/wire.c), before any request; none by default
 * (the unit tests'). At most FL_TICKET_MAX_HOOKS. */
#define FL_TICKET_MAX_HOOKS 8
typedef int (*fl_ticket_hook_fn)(struct fl_tx *tx, const struct fl_ticket_write *w);
int fl_ticket_add_hook(fl_ticket_hook_fn fn);

/* Creates a ticket with its first comment, as actor: fills defaults
 * (requester = actor, status new or open when assigned, channel api), checks
 * that referenced users, groups and organizations exist, writes the ticket,
 * its comment, tags, CCs, search index and a Create audit. *out is
 * allocated in arena. */
int fl_ticket_create(struct fl_tx *tx, const struct fl_actor *actor,
		     const struct fl_ticket_patch *p, fl_arena *arena, struct fl_ticket *out,
		     struct fl_err *e);

/* Applies p to ticket id as actor, recording every changed field and any
 * comment in one audit. End users may only add public comments to tickets
 * they can see (which reopens a solved ticket); agents change everything.
 * FL_ENOTFOUND when the actor cannot see the ticket; with p->safe_update,
 * FL_ECONFLICT (e says "UpdateConflict") when the ticket was written since
 * p->updated_stamp, and nothing is changed. */
int fl_ticket_update(struct fl_tx *tx, const struct fl_actor *actor, int64_t id,
		     const struct fl_ticket_patch *p, fl_arena *arena, struct fl_ticket *out,
		     struct fl_err *e);

/* Tells the agents watching live that actor (an agent) is viewing ticket
 * id ("agent.viewing"), or typing a reply on it ("agent.typing"), so that
 * two agents do not answer one customer twice. FL_ENOTFOUND for a ticket
 * actor may not see. */
int fl_ticket_viewing(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, int typing,
		      struct fl_err *e);
/* Soft-deletes (the audit trail stays); agents and admins only. */
int fl_ticket_delete(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, struct fl_err *e);

/* Loads ticket id if actor may see it: agents and admins see all live
 * tickets; end users those they requested or are CC'd on. This is the one
 * place that decides ticket visibility. */
int fl_ticket_load(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *arena,
		   struct fl_ticket *out);

/* Narrows a ticket filter to what actor may see: for end users, tickets
 * they requested or are CC'd on, matched on public comments only. With
 * fl_ticket_load, this is where ticket visibility is decided. */
int fl_ticket_scope(const struct fl_actor *actor, struct fl_filter *f);

/* Normalizes tags in place: trimmed, ASCII lower case, sorted, without
 * duplicates; a tag with inner whitespace or over 80 characters is
 * FL_EINVAL. */
int fl_tags_normalize(const char **tags, size_t *n, fl_arena *a, struct fl_err *e);

/* Writes t's updated_stamp as ISO 8601 with milliseconds into out: the
 * text a client sends back with safe_update. */
void fl_ticket_stamp(const struct fl_ticket *t, char out[FL_TICKET_STAMP_LEN]);

/* Whether actor may see internal notes (agents and admins). */
int fl_ticket_sees_private(const struct fl_actor *actor);

/* Renders plain text as safe HTML: escaped, paragraphs on blank lines,
 * <br> on single line breaks, http(s) links made clickable. */
int fl_text_to_html(const char *text, fl_buf *out);

#endif
