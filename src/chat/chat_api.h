/* Rendering chats and their messages, for the visitor's handlers
 * (visitor_api.c) and the agents' (chat_api.c): one shape on both sides,
 * as /tmp design "live chat" fixes it. */
#ifndef FL_CHAT_CHAT_API_H
#define FL_CHAT_CHAT_API_H

#include <jansson.h>

#include "chat/chat.h"
#include "http/http.h"

/* {"id","ticket_id","state","agent_id","agent_name","group_id","topic",
 * "name","email","email_verified","locale","created_at","accepted_at",
 * "first_answer_at","ended_at","last_seq","visitor_read_seq",
 * "agent_read_seq","wait_seconds"}: wait_seconds from the start to the
 * first answer, or to now while nobody answered a live chat, or to its end. */
json_t *fl_chat_json(const struct fl_chat *c, int email_verified, int64_t now);

/* {"id","seq","chat_id","author","author_name","client_id","body",
 * "attachments":[{"id","name","type","size","url"}],"created_at"}. The
 * files' url is the visitor's (/chat/api/chats/C/attachments/A?token=T)
 * with visitor_token, else the agents' (/api/v2/attachments/A/content);
 * upload tokens are never shown. */
json_t *fl_chat_message_json(struct fl_req *r, const struct fl_chat_message *m,
			     const char *visitor_token);

#endif
