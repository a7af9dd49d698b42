/* The one intake: what a customer sends on any channel — a mail, the
 * portal's form, an agent's API call for them, the demo, and the chat, SMS,
 * messenger and phone channels to come — becomes a ticket, or a comment on
 * the ticket it continues, by one set of rules. Each channel keeps its own
 * trust decisions (mail: bounces, quarantine, Authentication-Results, who
 * may add to a ticket) and tells the intake what it decided; the intake
 * obeys:
 *
 * - The customer is found by the sender's identity, or made an end user
 *   (named by the display name, else the address's local part; speaking
 *   the language hint). A deactivated or suspended customer is refused
 *   (FL_EINVAL naming the channel's field). E-mail addresses are stored
 *   as identities; a chat visitor is the end user the chat channel keeps
 *   for them; the other kinds are refused, FL_EINVAL naming the field,
 *   until they have storage. CC'd people are found or
 *   made the same way (inactive ones are left out).
 * - thread_id (the ticket the channel says this continues, when the
 *   channel trusts that) makes a comment on that ticket, when it exists:
 *   the text as given (the channel cuts a reply's quoted history), a
 *   customer's answer reopens a pending or solved ticket, and new CCs join
 *   the ones there. Else a new ticket on the channel, through
 *   fl_ticket_create (which writes it and its Create audit).
 * - files are stored as the writer's uploads, and the comment takes them.
 *   Their bytes were put away by fl_intake_file_prepare before the
 *   transaction.
 * - quiet (the channel answers by itself, as the chat does) goes on the
 *   ticket write: no notice, and no trigger's mail to the requester
 *   (rules/trigger.h), tells the customer what they just read.
 * - A new ticket is acknowledged (tickets/notice.h) unless the channel
 *   says it was automatic or suspicious, or asks for quiet, and only while
 *   its requester opened at most FL_INTAKE_ACKS_AN_HOUR tickets in the
 *   last hour, on any channel (fl_store_ticket_recent): no loop or flood
 *   makes us write to someone all day.
 * Plain C over the store: nothing here knows HTTP, SQL or a channel. */
#ifndef FL_TICKETS_INTAKE_H
#define FL_TICKETS_INTAKE_H

#include <stddef.h>
#include <stdint.h>

#include "attachments/attachment.h"
#include "store/store.h"
#include "tickets/ticket.h"

#define FL_INTAKE_ACKS_AN_HOUR 5
#define FL_INTAKE_MAX_TAGS 8

/* How a channel knows who is writing. */
enum fl_sender_kind {
	FL_SENDER_EMAIL,     /* an e-mail address: stored as a user's identity */
	FL_SENDER_PHONE,     /* an E.164 number (SMS, voice): no storage yet */
	FL_SENDER_MESSENGER, /* a messenger's user id: no storage yet */
	/* a web chat visitor: value is the id (decimal) of the end user the
	 * chat channel keeps as theirs (chat_visitors.user_id, chat/chat.h) */
	FL_SENDER_VISITOR,
	FL_SENDER__MAX
};

struct fl_sender {
	int kind;          /* enum fl_sender_kind */
	const char *value; /* the address (normalized: fl_email_normalize), number, id or token */
	const char *name;  /* the display name; NULL or "": the address's local part */
};

/* A file a customer sent, ready to store: fl_intake_file_prepare fills it. */
struct fl_intake_file {
	const char *data;
	size_t n;
	char name[FL_ATTACHMENT_NAME_MAX + 1]; /* cleaned (fl_attachment_name) */
	char type[128];                        /* cleaned (fl_attachment_type) */
	char digest[65];                       /* SHA-256, hex */
	char token[33];                        /* the upload's */
	int in_db;                             /* the bytes go into the database */
};

/* Names, types and hashes n bytes at data as an upload, with a fresh token,
 * and puts the bytes in s's attachments folder when it has one (before the
 * rows that name them commit; a rolled-back write leaves bytes that the
 * upload purge forgets). name and type are what the sender declared (NULL:
 * "attachment", application/octet-stream). f keeps data, not a copy. Call
 * it outside any transaction. */
int fl_intake_file_prepare(fl_store *s, struct fl_intake_file *f, const char *name,
			   const char *type, const char *data, size_t n, struct fl_err *e);

/* One request, as its channel hands it over. Strings are borrowed. */
struct fl_intake {
	int channel;                /* enum fl_channel */
	const struct fl_actor *via; /* who writes: an integration or agent for the
				      * customer; NULL: the customer themself */
	struct fl_sender from;
	const char *field;   /* the input field that named the sender, for errors */
	const char *lang;    /* a new customer's language; NULL: en */
	const char *subject; /* NULL: the text's first line */
	const char *text;    /* the words; required */
	const char *html;    /* safe HTML to show (already sanitized); NULL: from text */
	struct fl_intake_file *files;
	size_t nfiles;     /* at most FL_COMMENT_MAX_UPLOADS */
	int64_t thread_id; /* the ticket this continues, 0: none */
	int64_t group_id;  /* a new ticket's group, 0: none */
	struct fl_sender cc[FL_TICKET_MAX_CCS];
	size_t ncc;
	const char *tags[FL_INTAKE_MAX_TAGS]; /* normalized (fl_tags_normalize) */
	size_t ntags;
	const char *external_id;
	const char *recipient; /* the address it was sent to (e-mail), or NULL */
	int64_t author_id;     /* who wrote the text: 0 the sender; else that user */
	/* the rest of a new ticket as an agent sets it (the API: status,
	 * assignee, priority, uploads, a private first comment …), taken as
	 * fl_ticket_create takes it; the fields above come first. NULL: none */
	const struct fl_ticket_patch *more;
	int automatic;  /* a machine sent it: no acknowledgement */
	int suspicious; /* the channel doubts the sender: no acknowledgement */
	int quiet;      /* the channel answers by itself: no acknowledgement */
};

struct fl_intake_result {
	struct fl_ticket ticket; /* as written; strings in the caller's arena */
	int64_t requester_id;    /* the sender's user */
	int created;             /* a new ticket (else a comment on thread_id) */
	int acknowledged;        /* an acknowledgement was asked of the notice queue */
	int64_t comment_id;      /* the comment this intake wrote (not a trigger's) */
};

/* Takes in in a write transaction: the customer, the files, the ticket or
 * comment, the acknowledgement. *out is written only on success; its
 * strings are in a. */
int fl_ticket_intake(struct fl_tx *tx, const struct fl_intake *in, fl_arena *a,
		     struct fl_intake_result *out, struct fl_err *e);

/* The customer s names, by the one rule above: found, else (with create)
 * made, else FL_ENOTFOUND; FL_EINVAL naming field for a kind with no
 * storage, or a deactivated or suspended customer. lang: a new one's
 * language. *out's strings are in a. */
int fl_intake_customer(struct fl_tx *tx, const struct fl_sender *s, const char *field,
		       const char *lang, int create, fl_arena *a, struct fl_user *out,
		       struct fl_err *e);

#endif
