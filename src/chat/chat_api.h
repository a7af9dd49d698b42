/* Rendering chats and their messages, for the visitor's handlers
 * (visitor_api.c) and the agents' (chat_api.c): one shape on both sides,
 * as docs/api.md "Live chat" gives it. */
#ifndef FL_CHAT_CHAT_API_H
#define FL_CHAT_CHAT_API_H

#include <jansson.h>

#include "chat/chat.h"
#include "http/http.h"

/* {"id","ticket_id","state","agent_id","agent_name","group_id","topic",
 * "name","email","email_verified","locale","created_at","accepted_at",
 * "first_answer_at","ended_at","last_seq","visitor_read_seq",
 * "agent_read_seq","wait_seconds","offered_to","rateable"}: wait_seconds
 * from the start to the first answer, or to now while nobody answered a
 * live chat, or to its end; rateable as fl_chat_rateable (the widget
 * offers the rating only then). */
json_t *fl_chat_json(const struct fl_chat *c, int email_verified, int64_t now);
/* The visitor's view of c: fl_chat_json without the desk's user ids
 * (agent_id, offered_to); the agent is known by name only. */
json_t *fl_chat_visitor_json(const struct fl_chat *c, int64_t now);

/* {"id","seq","chat_id","author","author_name","client_id","body",
 * "attachments":[{"id","name","type","size","url"}],"created_at"}. The
 * files' url is the visitor's, with link_key (the store's link key):
 * /chat/api/chats/C/attachments/A?link=L, L a link signed for that file
 * (FL_CHAT_FILE_PURPOSE) working FL_CHAT_FILE_TTL or so from now; else
 * the agents' (/api/v2/attachments/A/content). Upload tokens and the
 * visitor's token are never shown. */
json_t *fl_chat_message_json(struct fl_req *r, const struct fl_chat_message *m,
			     const char *link_key, int64_t now);

/* A page of messages, as both sides fetch it: fl_chat_after_arg reads
 * ?after=SEQ (0 when left out; 400 naming "after" otherwise), and
 * fl_chat_messages_reply answers {"messages":[…]} of the n in m, each
 * fl_chat_message_json's with link_key and now. */
int fl_chat_after_arg(struct fl_req *r, int64_t *after);
int fl_chat_messages_reply(struct fl_req *r, const struct fl_chat_message *m, size_t n,
			   const char *link_key, int64_t now);

/* What a stranger sends, read as the visitor's handlers read it (and the
 * fuzz target, tests/fuzz/fuzz_chat.c): a message {"client_id","body",
 * "uploads":[tokens]} from obj, its client id and text checked
 * (fl_chat_client_id_check, fl_chat_body_check: "" only with uploads),
 * fields named under prefix ("message." within a start, "" alone); a
 * start {"name","email","topic","locale","message":{…}}, the name
 * checked. Strings in a (or borrowed from obj, which must outlive out).
 * FL_EINVAL naming the field; FL_ENOMEM. */
int fl_chat_message_decode(json_t *obj, const char *prefix, fl_arena *a,
			   struct fl_chat_post_in *out, struct fl_err *e);
int fl_chat_start_decode(json_t *obj, fl_arena *a, struct fl_chat_start_in *out, struct fl_err *e);

#endif
