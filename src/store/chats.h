/* The store's live chats (src/store/chats.c; chat/chat.h tells the
 * rules): visitors, chats, their messages, the agents' chat capacity,
 * transfers and visitors' uploads. Strings and arrays returned are copied
 * into the arena given. */
#ifndef FL_STORE_CHATS_H
#define FL_STORE_CHATS_H

#include <stddef.h>
#include <stdint.h>

#include "chat/chat.h"
#include "store/store.h"

/* ---- visitors ---- */

/* Writes v (name, email, locale, created_at; user_id 0), setting v->id. */
int fl_store_chat_visitor_insert(fl_tx *tx, struct fl_chat_visitor *v);
int fl_store_chat_visitor_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_chat_visitor *out);
/* Sets visitor id's user, name, e-mail and locale (NULL: keep each text). */
int fl_store_chat_visitor_update(fl_tx *tx, int64_t id, int64_t user_id, const char *name,
				 const char *email, const char *locale);
/* The visitors made so far (for "Visitor N"). */
int fl_store_chat_visitor_count(fl_tx *tx, int64_t *n);

/* ---- chats ---- */

/* Writes c (every column but id, last_seq 0), setting c->id. */
int fl_store_chat_insert(fl_tx *tx, struct fl_chat *c);
/* Chat id with its visitor's name and e-mail and its agent's name. */
int fl_store_chat_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_chat *out);
/* The same, only when visitor_id's: FL_ENOTFOUND otherwise. */
int fl_store_chat_get_visitor(fl_tx *tx, int64_t id, int64_t visitor_id, fl_arena *a,
			      struct fl_chat *out);
/* Writes c's state, group, agent, offer, times, ended_by, read seqs,
 * transcript_sent_at and rated over chat c->id (its last_seq is the
 * messages' business). */
int fl_store_chat_update(fl_tx *tx, const struct fl_chat *c);
/* visitor_id's live chat (queued or active), FL_ENOTFOUND when none. */
int fl_store_chat_live_of_visitor(fl_tx *tx, int64_t visitor_id, int64_t *chat_id);
/* The live chat (queued or active) of ticket_id, FL_ENOTFOUND when none. */
int fl_store_chat_live_of_ticket(fl_tx *tx, int64_t ticket_id, int64_t *chat_id);
/* A visitor's chats, newest first, at most max. */
int fl_store_chat_list_visitor(fl_tx *tx, int64_t visitor_id, size_t max, fl_arena *a,
			       struct fl_chat **out, size_t *n);
/* The chats f matches (chat.h), and how many in all. */
int fl_store_chat_list(fl_tx *tx, const struct fl_chat_filter *f, fl_arena *a, struct fl_chat **out,
		       size_t *n, int64_t *total);
/* Sets the visitor's visitor_seen_at on their live chats to now when it
 * is older than now - min_gap. */
int fl_store_chat_seen(fl_tx *tx, int64_t visitor_id, int64_t now, int64_t min_gap);

/* The queued chats, for routing: ids of those not offered (with
 * unoffered; else all), the requester's tier position first (a higher
 * tier, a lower position, first; none last), then oldest, at most max. */
int fl_store_chat_queued(fl_tx *tx, int unoffered, size_t max, fl_arena *a, int64_t **ids,
			 size_t *n);
/* Queued chats offered before before (their offer lapsed), at most max. */
int fl_store_chat_offers_lapsed(fl_tx *tx, int64_t before, size_t max, fl_arena *a, int64_t **ids,
				size_t *n);
/* Queued chats whose visitor was last seen before before, at most max. */
int fl_store_chat_gone(fl_tx *tx, int64_t before, size_t max, fl_arena *a, int64_t **ids,
		       size_t *n);
/* Counts: live chats (queued or active) held by agent user_id — offered
 * to them or theirs active; queued chats. */
int fl_store_chat_agent_load(fl_tx *tx, int64_t user_id, int64_t *n);
int fl_store_chat_queue_len(fl_tx *tx, int64_t *n);
/* The waits (first_answer_at - created_at) of chats answered in
 * [since, now), sorted, at most max. */
int fl_store_chat_recent_waits(fl_tx *tx, int64_t since, size_t max, fl_arena *a, int64_t **out,
			       size_t *n);

/* The latest tickets requested by requester_id (not deleted), newest
 * first, at most max. */
int fl_store_chat_requester_tickets(fl_tx *tx, int64_t requester_id, size_t max, fl_arena *a,
				    int64_t **ids, size_t *n);

/* ---- declined offers (not offered the same chat again) ---- */

int fl_store_chat_skip_add(fl_tx *tx, int64_t chat_id, int64_t user_id);
/* The agents who let chat_id pass, at most max. */
int fl_store_chat_skips(fl_tx *tx, int64_t chat_id, size_t max, fl_arena *a, int64_t **ids,
			size_t *n);
int fl_store_chat_skips_clear(fl_tx *tx, int64_t chat_id);

/* ---- messages ---- */

/* Writes m as chat m->chat_id's next message: seq = last_seq + 1 (the
 * chat's last_seq moves with it), setting m->id and m->seq. FL_ECONFLICT
 * when the chat has m->client_id already. */
int fl_store_chat_message_insert(fl_tx *tx, struct fl_chat_message *m);
/* Chat chat_id's message with client_id: FL_ENOTFOUND when none. */
int fl_store_chat_message_by_client(fl_tx *tx, int64_t chat_id, const char *client_id, fl_arena *a,
				    struct fl_chat_message *out);
/* Sets message id's comment and attachments (JSON text or NULL). */
int fl_store_chat_message_set_comment(fl_tx *tx, int64_t id, int64_t comment_id,
				      const char *attachments);
/* Up to max messages of chat_id with seq > after, by seq, with their
 * authors' names. */
int fl_store_chat_messages(fl_tx *tx, int64_t chat_id, int64_t after, size_t max, fl_arena *a,
			   struct fl_chat_message **out, size_t *n);
/* Whether chat_id has a message by an agent (*yes). */
int fl_store_chat_agent_wrote(fl_tx *tx, int64_t chat_id, int *yes);

/* ---- agents' capacity ---- */

/* user_id's chat capacity: FL_ENOTFOUND when never set. */
int fl_store_chat_capacity_get(fl_tx *tx, int64_t user_id, int64_t *capacity);
int fl_store_chat_capacity_set(fl_tx *tx, int64_t user_id, int64_t capacity, int64_t now);

/* Writes user_id's chat_agents row (made with the default capacity when
 * there is none) with updated_at now: every offer and acceptance does,
 * so that two writers giving one agent a chat at once conflict
 * (PostgreSQL) instead of both passing the capacity. */
int fl_store_chat_agent_touch(fl_tx *tx, int64_t user_id, int64_t now);

/* ---- transfers ---- */

struct fl_chat_transfer {
	int64_t id, chat_id, from_agent_id, to_agent_id, to_group_id;
	char *note;
	int64_t created_at;
};
int fl_store_chat_transfer_insert(fl_tx *tx, struct fl_chat_transfer *t);

/* ---- visitors' uploads ---- */

/* Notes that attachment_id (token) is visitor_id's upload. */
int fl_store_chat_upload_insert(fl_tx *tx, const char *token, int64_t visitor_id,
				int64_t attachment_id, int64_t now);
/* The attachment behind token when visitor_id uploaded it and no comment
 * has claimed it: FL_ENOTFOUND otherwise. */
int fl_store_chat_upload_get(fl_tx *tx, const char *token, int64_t visitor_id,
			     int64_t *attachment_id);

/* Whether attachment_id went with a message of chat_id (FL_ENOTFOUND
 * when not). */
int fl_store_chat_file_of(fl_tx *tx, int64_t chat_id, int64_t attachment_id);

/* ---- reports ---- */

/* A chat as the report reads it. */
struct fl_store_chat_fact {
	int64_t agent_id, group_id;
	int state;
	int64_t created_at, accepted_at, first_answer_at, ended_at;
};
/* The chats started in [start, end), at most max (FL_ETOOBIG beyond). */
int fl_store_chat_facts(fl_tx *tx, int64_t start, int64_t end, size_t max, fl_arena *a,
			struct fl_store_chat_fact **out, size_t *n);

#endif
