/* Live chat (issue 17; docs/chat.md, docs/internals/chat.md): a visitor on the
 * company's site talks with an agent in real time, and every chat IS a
 * ticket on the chat channel.
 *
 * - A visitor is a row of its own (chat_visitors), known to the widget by a
 *   signed token (portal/link.h, purpose FL_CHAT_TOKEN_PURPOSE, a = the
 *   visitor, expiry one year). The end user a chat's ticket is requested by
 *   is found or made when the visitor starts their first chat: by the
 *   e-mail given (found or made, like the portal's form; unverified to
 *   agents), else a new end user named by the visitor's name or
 *   "Visitor N". The visitor keeps that user for later chats.
 * - Starting a chat creates the ticket through fl_ticket_intake (channel
 *   chat, quiet: the chat answers by itself), the chat (queued), its first
 *   message, and offers it (routing) — one transaction.
 * - Every message is a chat_messages row (seq 1, 2, … a chat) and a ticket
 *   comment written in the same transaction, quiet: the customer is not
 *   e-mailed what they just read in the widget. A message carries the
 *   client's id; a repeat of one returns the stored message (a reconnect
 *   resends what it did not see acknowledged).
 * - States: queued -> active (an agent accepted, or answered an offer) ->
 *   ended; queued or active with no agent message yet -> missed when it
 *   ends; offline is a message left while nobody chats (a ticket, no live
 *   chat, acknowledged by mail like the portal's form).
 * - Live events go through fl_store_notify ("chat.queued", "chat.offered"
 *   — agent_id 0 when an offer is withdrawn (declined, lapsed) —,
 *   "chat.updated", "chat.message", "chat.typing", "chat.read"), each JSON
 *   starting with "chat_id":N; they only say what changed, clients fetch
 *   the rest.
 *
 * Who acts is a struct fl_chat_who: a visitor (their id: every function
 * loads the chat with it and answers FL_ENOTFOUND for another visitor's
 * chat, so a handler cannot forget the check), an agent (their actor) or
 * the system (the jobs).
 *
 * Functions taking a tx run inside the caller's transaction (a write one
 * when they write) and return 0 or a negative FL_E… code with e naming the
 * field; out parameters are written only on success, strings in them are
 * in the arena given. Plain C over the store: nothing here knows HTTP or
 * SQL. */
#ifndef FL_CHAT_CHAT_H
#define FL_CHAT_CHAT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "store/store.h"
#include "tickets/intake.h"
#include "tickets/ticket.h"
#include "users/contract.h"
#include "users/tier.h"
#include "users/user.h"

struct fl_job;

#define FL_CHAT_BODY_MAX 4000      /* characters of a message */
#define FL_CHAT_CLIENT_ID_MAX 64   /* bytes of a client id: [A-Za-z0-9._:-] */
#define FL_CHAT_CAPACITY_DEFAULT 3 /* concurrent chats an agent takes */
#define FL_CHAT_CAPACITY_MAX 20    /* … at most */
#define FL_CHAT_NAME_MAX 100       /* characters of a visitor's name */
#define FL_CHAT_TOPIC_MAX 40       /* bytes of a topic's key */
#define FL_CHAT_TOPICS_MAX 20      /* topics the pre-chat form offers */
#define FL_CHAT_LABEL_MAX 100      /* characters of a title, topic label */
#define FL_CHAT_GREETING_MAX 500   /* characters of a greeting */
#define FL_CHAT_ORIGINS_MAX 20     /* allowed_origins */
#define FL_CHAT_ORIGIN_MAX 200     /* bytes of one origin */
#define FL_CHAT_NOTE_MAX 1000      /* characters of a transfer's note */
#define FL_CHAT_UPLOADS_MAX 10     /* files with one message */
#define FL_CHAT_MESSAGES_PAGE 200  /* messages one fetch returns at most */
#define FL_CHAT_LIST_MAX 100       /* chats one list returns at most */
#define FL_CHAT_OFFER_SECONDS 30   /* the default offer_seconds */
#define FL_CHAT_OFFER_MIN 5        /* offer_seconds' bounds */
#define FL_CHAT_OFFER_MAX 600
/* The offer job's period: an offer not taken moves on within
 * offer_seconds + this. */
#define FL_CHAT_OFFER_PERIOD 5
#define FL_CHAT_OFFER_JOB "chat-offers"
/* A queued chat whose visitor was not seen (stream open, any request) for
 * this long is missed: its ticket stays open, so it is answered by mail. */
#define FL_CHAT_GONE_SECONDS 120
/* A transcript is mailed at most once in this long a chat. */
#define FL_CHAT_TRANSCRIPT_EVERY 600
/* Messages a chat holds at most (its seqs): past them a post is refused,
 * so that a visitor cannot keep one queued chat growing forever. */
#define FL_CHAT_MESSAGES_MAX 2000
/* Bytes of conversation one transcript mail carries at most; the rest is
 * left out, with a line that says so. */
#define FL_CHAT_TRANSCRIPT_MAX (256 * 1024)
#define FL_CHAT_TOKEN_PURPOSE "chat-visitor"
#define FL_CHAT_TOKEN_TTL (366 * 86400)
/* A visitor's link to one file of their chat (portal/link.h, a = the
 * chat, b = the attachment): what an <img> or a new tab opens, so the
 * year-long token never travels in a URL. It works until the hour after
 * now + FL_CHAT_FILE_TTL - 3600 starts, at least FL_CHAT_FILE_TTL - 1 h:
 * one hour's links are the same text, so the widget's pictures stay
 * cached across fetches. */
#define FL_CHAT_FILE_PURPOSE "chat-file"
#define FL_CHAT_FILE_TTL (4 * 3600)
#define FL_CHAT_SETTINGS_KEY "chat.settings"
#define FL_CHAT_SETTINGS_MAX 65536 /* bytes of the settings' JSON */
/* The window the widget's expected wait reads answered chats from. */
#define FL_CHAT_WAIT_WINDOW (2 * 3600)

/* Stored as these numbers (chats.state). */
enum fl_chat_state {
	FL_CHAT_QUEUED,
	FL_CHAT_ACTIVE,
	FL_CHAT_ENDED,
	FL_CHAT_MISSED,
	FL_CHAT_OFFLINE,
	FL_CHAT_STATE__MAX
};
/* "queued", "active", "ended", "missed", "offline"; NULL / -1 otherwise. */
const char *fl_chat_state_name(int state);
int fl_chat_state_parse(const char *z);
/* Whether a chat in state is live: queued or active. */
int fl_chat_state_live(int state);

/* Who wrote a message, ended a chat (stored by name). */
enum fl_chat_author { FL_CHAT_VISITOR, FL_CHAT_AGENT, FL_CHAT_SYSTEM, FL_CHAT_AUTHOR__MAX };
/* "visitor", "agent", "system"; NULL / -1 otherwise. */
const char *fl_chat_author_name(int author);
int fl_chat_author_parse(const char *z);

/* Who acts: kind FL_CHAT_VISITOR with visitor_id, FL_CHAT_AGENT with the
 * agent's actor (an agent or admin), or FL_CHAT_SYSTEM (a job). */
struct fl_chat_who {
	int kind;
	int64_t visitor_id;
	const struct fl_actor *agent;
};

/* ---- rows ------------------------------------------------------------------- */

struct fl_chat_visitor {
	int64_t id;
	int64_t user_id; /* the end user of their chats; 0 until the first */
	char *name, *email, *locale;
	int64_t created_at;
};

struct fl_chat {
	int64_t id, visitor_id, ticket_id, requester_id;
	int state; /* enum fl_chat_state */
	int64_t group_id, agent_id;
	int64_t offered_to, offered_at; /* the agent offered it now and since when; 0: none */
	char *topic;                    /* a topic's key, "" for none */
	char *locale;                   /* the visitor's language: uk, ru, lt or en */
	int64_t created_at, accepted_at, first_answer_at, ended_at;
	int ended_by; /* enum fl_chat_author; -1 while live */
	int64_t last_seq, visitor_read_seq, agent_read_seq;
	int64_t visitor_seen_at, transcript_sent_at;
	int rated;
	/* loaded with the chat, never written by it: the visitor's name and
	 * e-mail as given, the agent's name ("" for none), the ticket's
	 * status (enum fl_ticket_status) */
	char *name, *email, *agent_name;
	int ticket_status;
};

/* What a message's attachment says (chat_messages.attachments holds a
 * JSON array of these). */
struct fl_chat_file {
	int64_t id; /* the attachment's */
	char *token;
	char *name, *type;
	int64_t size;
};

struct fl_chat_message {
	int64_t id, chat_id, seq;
	int author;        /* enum fl_chat_author */
	int64_t author_id; /* the visitor's id, the agent's user id, 0 for the system */
	char *author_name; /* the visitor's name or "Visitor", the agent's name */
	char *client_id;
	char *body;
	int64_t comment_id;
	char *attachments; /* the JSON array text, or NULL for none */
	int64_t created_at;
};

/* ---- pure checks ------------------------------------------------------------ */

/* Checks a message's text: valid UTF-8 (so emoji, 4-byte sequences, pass
 * whole), no control characters but tab and line breaks, at most
 * FL_CHAT_BODY_MAX characters, and not blank unless empty_ok (a message
 * that carries files). FL_EINVAL naming field ("InvalidValue", "TooLong",
 * "Blank"). */
int fl_chat_body_check(const char *body, int empty_ok, const char *field, struct fl_err *e);
/* Checks a client's id: 1..FL_CHAT_CLIENT_ID_MAX bytes of A-Z a-z 0-9 . _
 * : -. FL_EINVAL naming "client_id". The desk's own ids (a system line's
 * "system#SEQ", an offline message's "offline#CHAT") have a '#', which
 * this refuses: no client can take one first. */
int fl_chat_client_id_check(const char *id, struct fl_err *e);
/* Checks a visitor's name: NULL or "" is none; else at most
 * FL_CHAT_NAME_MAX characters of text, no control characters. FL_EINVAL
 * naming field. */
int fl_chat_name_check(const char *name, const char *field, struct fl_err *e);
/* One of uk, ru, lt, en for a locale ("uk-UA" -> "uk"), en for anything
 * else or NULL. Static. */
const char *fl_chat_lang(const char *locale);

/* ---- settings --------------------------------------------------------------- */

enum fl_chat_prechat { FL_CHAT_FIELD_OFF, FL_CHAT_FIELD_OPTIONAL, FL_CHAT_FIELD_REQUIRED };
/* "off", "optional", "required"; NULL / -1 otherwise. */
const char *fl_chat_prechat_name(int v);
int fl_chat_prechat_parse(const char *z);

/* A text in each of the desk's four languages; "" falls back to en. */
struct fl_chat_words {
	char *uk, *ru, *lt, *en;
};
/* w's text in lang (uk, ru, lt or en; others en); "" falls back to en. */
const char *fl_chat_words_in(const struct fl_chat_words *w, const char *lang);

struct fl_chat_topic {
	char *key; /* 1..FL_CHAT_TOPIC_MAX bytes of a-z 0-9 - _ */
	struct fl_chat_words label;
};

struct fl_chat_settings {
	int enabled;
	char *color; /* "#rrggbb" */
	struct fl_chat_words title, greeting;
	int prechat_name, prechat_email, prechat_topic; /* enum fl_chat_prechat */
	struct fl_chat_topic topics[FL_CHAT_TOPICS_MAX];
	size_t ntopics;
	int64_t schedule_id; /* business hours (sla/schedule.h); 0: always open */
	int64_t group_id;    /* the chats' tickets' group; 0: none */
	int64_t offer_seconds;
	char *origins[FL_CHAT_ORIGINS_MAX]; /* allowed_origins; none: any site */
	size_t norigins;
};

/* The settings of a desk that set none: disabled, "#1f73b7", titles and
 * greetings in the four languages, name optional, e-mail optional, topic
 * off, no topics, always open, no group, FL_CHAT_OFFER_SECONDS, any
 * origin. Strings are static. */
void fl_chat_settings_defaults(struct fl_chat_settings *s);
/* Parses the settings' JSON (the stored value, or an admin's PUT) over the
 * defaults: fields left out keep their default, unknown fields are
 * ignored. FL_EMALFORMED for text that is not a JSON object; FL_EINVAL
 * naming the field ("color", "title.uk", "prechat.email", "topics[2].key",
 * "offer_seconds", "allowed_origins[0]", …) for a value of the wrong type;
 * then fl_chat_settings_check. Strings in a. */
int fl_chat_settings_parse(const char *json, size_t n, fl_arena *a, struct fl_chat_settings *out,
			   struct fl_err *e);
/* Checks s: color "#rrggbb"; titles and labels at most FL_CHAT_LABEL_MAX
 * characters, greetings FL_CHAT_GREETING_MAX, text without control
 * characters; topic keys well formed and unique; offer_seconds within
 * FL_CHAT_OFFER_MIN..MAX; origins "http(s)://host[:port]" without a path;
 * ids not negative. FL_EINVAL naming the field. Existence of the schedule
 * and group is fl_chat_settings_put's. The origins' check is the only one:
 * the browser enforces them (the frame's CSP frame-ancestors lists them as
 * they are), and every settings value read passes through here. */
int fl_chat_settings_check(const struct fl_chat_settings *s, struct fl_err *e);
/* s as the JSON object the settings are stored and served as, into out. */
int fl_chat_settings_json(const struct fl_chat_settings *s, fl_buf *out);
/* The desk's settings (the defaults when none are stored). */
int fl_chat_settings_get(fl_tx *tx, fl_arena *a, struct fl_chat_settings *out);
/* Checks s (and that its schedule and group exist: FL_EINVAL naming
 * "schedule_id", "group_id") and stores it. */
int fl_chat_settings_put(fl_tx *tx, const struct fl_chat_settings *s, struct fl_err *e);

/* ---- visitors and their token ----------------------------------------------- */

/* Makes a visitor speaking lang (fl_chat_lang) at now, *visitor_id. */
int fl_chat_visitor_new(fl_tx *tx, const char *lang, int64_t now, int64_t *visitor_id);
/* The visitor's token, signed with the store's link key, working
 * FL_CHAT_TOKEN_TTL from now; *token in a. */
int fl_chat_visitor_token(fl_tx *tx, int64_t visitor_id, int64_t now, fl_arena *a, char **token);
/* The visitor token names, when the desk signed it for a chat visitor and
 * it has not expired and the visitor exists: FL_EAUTH naming "token"
 * otherwise (forged, cut, another purpose's, expired, unknown). That is
 * fl_chat_visitor_check with the store's key, then
 * fl_chat_visitor_known. */
int fl_chat_visitor_read(fl_tx *tx, const char *token, int64_t now, int64_t *visitor_id,
			 struct fl_err *e);
/* The visitor token names as key (the store's link key, portal/link.h
 * fl_link_key) signed it: for a chat visitor, not expired. FL_EAUTH
 * naming "token" otherwise. Pure (an HMAC): a handler checks a stranger's
 * token before it costs a transaction or a place in a rate limit. */
int fl_chat_visitor_check(const char *key, const char *token, int64_t now, int64_t *visitor_id,
			  struct fl_err *e);
/* 0 when visitor_id exists; FL_EAUTH naming "token" when it is gone. */
int fl_chat_visitor_known(fl_tx *tx, int64_t visitor_id, struct fl_err *e);
int fl_chat_visitor_get(fl_tx *tx, int64_t visitor_id, fl_arena *a, struct fl_chat_visitor *out);
/* Notes that the visitor was there at now (their stream is open, or a
 * request came): what keeps their queued chats from being missed. Writes
 * at most once in 15 seconds a visitor. */
int fl_chat_visitor_seen(fl_tx *tx, int64_t visitor_id, int64_t now);

/* An upload of a visitor's: its bytes put away by fl_intake_file_prepare
 * before the transaction, then recorded here as the visitor's (only they
 * may send it with a message, within FL_UPLOAD_KEEP). FL_EINVAL naming
 * "file" for an executable (fl_attachment_executable). out->id, token,
 * name, type and size are set (in a). */
int fl_chat_upload(fl_tx *tx, int64_t visitor_id, const struct fl_intake_file *f, int64_t now,
		   fl_arena *a, struct fl_chat_file *out, struct fl_err *e);

/* Attachment attachment_id when it went with a message of chat_id and who
 * may see that chat (fl_chat_load): what a visitor may download.
 * FL_ENOTFOUND otherwise. *out in a (its bytes: the store's attachment
 * reads). */
int fl_chat_file_get(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id,
		     int64_t attachment_id, fl_arena *a, struct fl_attachment *out);

/* ---- the conversation ------------------------------------------------------- */

/* A message as sent: body (may be "" when uploads are given), the client's
 * id, and upload tokens (a visitor's from fl_chat_upload, an agent's from
 * POST /api/v2/uploads). */
struct fl_chat_post_in {
	const char *body;
	const char *client_id;
	const char *uploads[FL_CHAT_UPLOADS_MAX];
	size_t nuploads;
};

/* The pre-chat form and the first message. name, email, topic: NULL or ""
 * when not given; the settings decide which are required (FL_EINVAL
 * naming "name", "email", "topic"). locale: the widget's; NULL or "": the
 * language the visitor was made with (fl_chat_visitor_new). */
struct fl_chat_start_in {
	const char *name, *email, *topic, *locale;
	struct fl_chat_post_in message;
};

/* Starts a chat for visitor_id at now (see the top): FL_ECONFLICT naming
 * "chat" when they have a queued or active chat already (reason "Open")
 * or the schedule is closed (reason "Closed": the widget offers the
 * offline form); FL_EINVAL naming "chat" (reason "Disabled") when chat is
 * off; the message's checks
 * (naming "message.body", "message.client_id", "message.uploads").
 * *chat and *msg as written. */
int fl_chat_start(fl_tx *tx, int64_t visitor_id, const struct fl_chat_start_in *in, int64_t now,
		  fl_arena *a, struct fl_chat *chat, struct fl_chat_message *msg, struct fl_err *e);

/* Posts a message in chat_id by who (a visitor: theirs only; an agent: any
 * live chat; FL_ENOTFOUND otherwise). A client_id the chat has already is
 * the stored message, *dup = 1, nothing written (another writer's id:
 * FL_ECONFLICT naming "client_id"); else *dup = 0 and: the
 * next seq, the ticket comment (visitor: through the intake with
 * thread_id; agent: a public comment by fl_ticket_update, quiet), files
 * claimed, "chat.message". An agent's first message accepts a chat only
 * offered or queued (capacity not checked: answering is accepting) and
 * sets first_answer_at. FL_ECONFLICT naming "chat" for a chat not live,
 * or whose ticket was deleted (reason "Ended"), or that holds
 * FL_CHAT_MESSAGES_MAX messages (reason "TooLong": start a new chat). */
int fl_chat_post(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id,
		 const struct fl_chat_post_in *in, int64_t now, fl_arena *a,
		 struct fl_chat_message *out, int *dup, struct fl_err *e);

/* A system line in the conversation (a transfer), seq and "chat.message"
 * like any; no ticket comment. body is what the visitor reads: the
 * caller writes it in the chat's language (its locale). */
int fl_chat_system_message(fl_tx *tx, int64_t chat_id, const char *body, int64_t now);

/* Agent takes chat_id: queued (or offered to them) -> active, assigned to
 * them, the ticket assigned too. FL_ECONFLICT naming "chat" when it is no
 * longer queued (reason "Taken") or they are at their chat capacity
 * (reason "AtCapacity"). */
int fl_chat_accept(fl_tx *tx, const struct fl_actor *agent, int64_t chat_id, int64_t now,
		   struct fl_err *e);
/* Agent refuses the offer of chat_id: it is offered to the next agent
 * (not them again for this chat while others fit). FL_ECONFLICT when it
 * is not offered to them. */
int fl_chat_decline(fl_tx *tx, const struct fl_actor *agent, int64_t chat_id, int64_t now,
		    struct fl_err *e);
/* Agent (the chat's, or an admin) hands chat_id to to_agent_id (an agent
 * under capacity: FL_EINVAL naming "agent_id") or to_group_id (the chat is
 * queued again in that group and offered there: naming "group_id"),
 * exactly one of them; note (NULL or "": none, at most FL_CHAT_NOTE_MAX)
 * becomes a private comment on the ticket; a chat_transfers row; a system
 * line in the chat's language ("Transferred to Olena", uk "Розмову
 * передано: Olena"). */
int fl_chat_transfer(fl_tx *tx, const struct fl_actor *agent, int64_t chat_id, int64_t to_agent_id,
		     int64_t to_group_id, const char *note, int64_t now, struct fl_err *e);
/* Ends chat_id (a visitor their own; an agent any; the system any):
 * ended, or missed when no agent wrote. solve (agents only): the ticket
 * is solved, quietly (the widget asks for the rating itself); else it
 * stays as it is, for a follow-up by mail. A visitor who ends an active
 * chat (an agent answered and serves it) solves the ticket the same way,
 * by the desk: they are done, and the widget offers the rating. A missed
 * chat's ticket stays open (answered by mail), and so does that of a
 * chat ended while queued again after a transfer to a group. Ending an
 * ended chat is 0 and changes nothing. *out as it is now (may be
 * NULL). */
int fl_chat_end(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, int solve, int64_t now,
		fl_arena *a, struct fl_chat *out, struct fl_err *e);
/* who is typing (or stopped) in chat_id: "chat.typing", nothing written. */
int fl_chat_typing(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, int typing,
		   struct fl_err *e);
/* who has read chat_id up to seq (capped at last_seq; never goes back):
 * visitor_read_seq or agent_read_seq, "chat.read". */
int fl_chat_read(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, int64_t seq,
		 struct fl_err *e);
/* Mails the conversation of visitor_id's chat_id, in the chat's
 * language, through the message deliverer (tickets/notice.h), to the
 * address the chat's customer was found or made by at the start — never
 * to one named only now, and nobody is found or made by it. email (NULL
 * or "": that address) must be that address (FL_EINVAL naming "email",
 * reason "NotYours"); a chat whose customer has no address is refused
 * (FL_EINVAL naming "email", reason "Blank": give it at the start).
 * FL_ERATE naming "chat" when one went less than FL_CHAT_TRANSCRIPT_EVERY
 * ago. *to (to may be NULL): the address mailed, in a, for the caller's
 * limit per address (refusing after this rolls the mail back). The
 * conversation is cut at FL_CHAT_TRANSCRIPT_MAX bytes. */
int fl_chat_transcript(fl_tx *tx, int64_t visitor_id, int64_t chat_id, const char *email,
		       int64_t now, fl_arena *a, char **to, struct fl_err *e);
/* The ticket write hook (tickets/ticket.h fl_ticket_add_hook): a deleted
 * ticket's live chat ends, by the system (missed when nobody answered),
 * so that the visitor's next message is refused (FL_ECONFLICT naming
 * "chat", reason "Ended") instead of making a new ticket. fl_chat_post
 * refuses a message for a chat whose ticket is gone all the same. */
int fl_chat_ticket_written(fl_tx *tx, const struct fl_ticket_write *w);
/* Whether c may be rated now: it ended (not missed, not offline) and its
 * ticket is solved (an agent's end with solve, or the visitor's end of an
 * active chat); a rating given may change while that holds. What the
 * widget's chat JSON says as "rateable". Pure. */
int fl_chat_rateable(const struct fl_chat *c);
/* The visitor's rating of their chat_id: "good" or "bad" (FL_CSAT_GOOD,
 * FL_CSAT_BAD) with an optional comment, recorded through fl_csat_rate on
 * the ticket (the solve at the end offered it and counted it asked, as no
 * mail asks). FL_ECONFLICT naming "chat" when it is not rateable: reason
 * "Live" (rate it once it ended), "Missed" (nobody answered; an offline
 * message too), "NotSolved" (the agent kept the ticket open for a
 * follow-up by mail, or it was reopened); fl_csat_rate's errors otherwise
 * ("ticket" "Closed", "score", "comment"). */
int fl_chat_rate(fl_tx *tx, int64_t visitor_id, int64_t chat_id, int score, const char *comment,
		 int64_t now, struct fl_err *e);

/* An offline message: email required (FL_EINVAL naming "email"), name,
 * topic and locale as for a chat, body checked like a message's
 * ("message"). A
 * ticket on the chat channel, acknowledged like the portal's form, and a
 * chat row in state offline for the visitor's history. *ticket_id. */
struct fl_chat_offline_in {
	const char *name, *email, *topic, *locale, *body;
};
int fl_chat_offline(fl_tx *tx, int64_t visitor_id, const struct fl_chat_offline_in *in, int64_t now,
		    int64_t *ticket_id, struct fl_err *e);

/* ---- reading ---------------------------------------------------------------- */

/* chat_id as who may see it: a visitor only their own (FL_ENOTFOUND for
 * another's), an agent any. */
int fl_chat_load(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, fl_arena *a,
		 struct fl_chat *out);
/* Up to limit (at most FL_CHAT_MESSAGES_PAGE) messages of chat_id with
 * seq > after, by seq, as fl_chat_load allows. */
int fl_chat_messages(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, int64_t after,
		     size_t limit, fl_arena *a, struct fl_chat_message **out, size_t *n);
/* A visitor's chats, newest first, at most FL_CHAT_LIST_MAX. */
int fl_chat_visitor_chats(fl_tx *tx, int64_t visitor_id, fl_arena *a, struct fl_chat **out,
			  size_t *n);

/* The agents' list: state -1 for any, agent_id 0 for anyone; queued ones
 * oldest first, then the others newest first. */
struct fl_chat_filter {
	int state;
	int64_t agent_id, group_id;
	int64_t offset, limit; /* limit at most FL_CHAT_LIST_MAX */
};
int fl_chat_list(fl_tx *tx, const struct fl_chat_filter *f, fl_arena *a, struct fl_chat **out,
		 size_t *n, int64_t *total);

/* Who the customer is, for the agent's panel: the requester, their tier
 * (id 0: none), their contracts and their latest tickets (at most 10, this
 * chat's too). */
#define FL_CHAT_CONTEXT_TICKETS 10
struct fl_chat_context {
	struct fl_user requester;
	struct fl_tier tier;
	struct fl_contract *contracts;
	size_t ncontracts;
	struct fl_ticket *tickets;
	size_t ntickets;
	int email_verified; /* whether the requester ever proved the address */
};
int fl_chat_context(fl_tx *tx, const struct fl_chat *chat, fl_arena *a,
		    struct fl_chat_context *out);

/* ---- routing, agents, the job ---------------------------------------------- */

/* An agent's chat capacity: FL_CHAT_CAPACITY_DEFAULT when never set. */
int fl_chat_capacity_get(fl_tx *tx, int64_t user_id, int64_t *capacity);
/* Sets user_id's (an agent or admin: FL_EINVAL naming "agent_id")
 * capacity, 0..FL_CHAT_CAPACITY_MAX (FL_EINVAL naming "capacity"); room
 * made drains the queue to them. */
int fl_chat_capacity_set(fl_tx *tx, int64_t user_id, int64_t capacity, int64_t now,
			 struct fl_err *e);

/* Offers chat_id (queued, not offered) to the agent routing picks: of the
 * chat's group's agents (every agent when none), online, under their chat
 * capacity (open = their active chats), with its skills (the visitor's
 * language) — fl_routing_eligible / fl_routing_choose, least open. Which
 * chat first among several is fl_chat_route_all's: the requester's higher
 * tier first, then oldest. Nobody fits: it stays queued (0). */
int fl_chat_route(fl_tx *tx, int64_t chat_id, int64_t now);
/* Offers every queued chat not offered that someone may take, tier first
 * then oldest; *n (may be NULL) gets how many were offered. */
int fl_chat_route_all(fl_tx *tx, int64_t now, size_t *n);
/* The job FL_CHAT_OFFER_JOB, every FL_CHAT_OFFER_PERIOD seconds: offers
 * older than offer_seconds move on (the agent who let it pass is skipped
 * for that chat), queued chats whose visitor was gone over
 * FL_CHAT_GONE_SECONDS become missed (their ticket stays open), then
 * fl_chat_route_all. */
int fl_chat_offer_job(fl_tx *tx, const struct fl_job *job, struct fl_err *e);

/* What the widget and the console show. */
struct fl_chat_status {
	int64_t online;        /* agents online with a chat capacity */
	int64_t room;          /* free places among them */
	int64_t queue;         /* queued chats */
	int64_t expected_wait; /* seconds a new chat may wait: 0 whenever
				 * an online agent has room (a new chat is
				 * offered at once, though chats queued
				 * before may still wait for their answer)
				 * and while nobody is online (open_now is 0
				 * then); else the median answered wait of
				 * the last FL_CHAT_WAIT_WINDOW (60 when
				 * none) x (queue + 1) / online */
	int open_now;          /* enabled, in business hours, someone online */
	int64_t next_open_at;  /* when closed by the schedule; 0 otherwise */
	int64_t capacity;      /* the asking agent's (agent_id given) */
	int64_t active;        /* … and their active chats */
};
/* The status at now; agent_id (0: none) the agent asking. */
int fl_chat_status(fl_tx *tx, int64_t agent_id, int64_t now, struct fl_chat_status *out);

/* ---- reports ---------------------------------------------------------------- */

enum fl_chat_by { FL_CHAT_BY_AGENT, FL_CHAT_BY_GROUP, FL_CHAT_BY_DAY, FL_CHAT_BY__MAX };
/* "agent", "group", "day"; NULL / -1 otherwise. */
const char *fl_chat_by_name(int by);
int fl_chat_by_parse(const char *z);

/* One row of the report: the chats started in the period with this key
 * (an agent's or group's id, 0 for none; or the day, days since
 * 1970-01-01 UTC). Waits from start to the first answer, durations from
 * start to end, seconds; -1 when no chat gives one. Peak: most chats
 * active at once. */
struct fl_chat_stats_row {
	int64_t key;
	int64_t chats, answered, missed, offline;
	int64_t wait_p50, wait_p90, duration_p50;
	int64_t peak;
};
/* The rows by by for chats started in [start, end), by key, and their
 * total (key 0) in *all. At most 1000 rows (FL_ETOOBIG beyond). */
int fl_chat_stats(fl_tx *tx, int by, int64_t start, int64_t end, fl_arena *a,
		  struct fl_chat_stats_row **out, size_t *n, struct fl_chat_stats_row *all);
/* The q-th percentile (0..100, nearest rank) of n sorted values; -1 for
 * none. Pure. */
int64_t fl_chat_percentile(const int64_t *sorted, size_t n, int q);
/* The most intervals [starts[i], ends[i]) that overlap at once (an end of 0
 * is open: counts until forever). Sorts its arrays in place. Pure. */
int64_t fl_chat_peak(int64_t *starts, int64_t *ends, size_t n);

#endif
