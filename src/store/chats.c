/* Stubs until the real bodies land (chat-core step 2). */
#include "store/chats.h"
#include "store/store_int.h"

int fl_store_chat_visitor_insert(fl_tx *tx, struct fl_chat_visitor *v)
{
	(void)tx;
	(void)v;
	return FL_EINVAL;
}

int fl_store_chat_visitor_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_chat_visitor *out)
{
	(void)tx;
	(void)id;
	(void)a;
	(void)out;
	return FL_EINVAL;
}

int fl_store_chat_visitor_update(fl_tx *tx, int64_t id, int64_t user_id, const char *name,
				 const char *email, const char *locale)
{
	(void)tx;
	(void)id;
	(void)user_id;
	(void)name;
	(void)email;
	(void)locale;
	return FL_EINVAL;
}

int fl_store_chat_visitor_count(fl_tx *tx, int64_t *n)
{
	(void)tx;
	(void)n;
	return FL_EINVAL;
}

int fl_store_chat_insert(fl_tx *tx, struct fl_chat *c)
{
	(void)tx;
	(void)c;
	return FL_EINVAL;
}

int fl_store_chat_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_chat *out)
{
	(void)tx;
	(void)id;
	(void)a;
	(void)out;
	return FL_EINVAL;
}

int fl_store_chat_get_visitor(fl_tx *tx, int64_t id, int64_t visitor_id, fl_arena *a,
			      struct fl_chat *out)
{
	(void)tx;
	(void)id;
	(void)visitor_id;
	(void)a;
	(void)out;
	return FL_EINVAL;
}

int fl_store_chat_update(fl_tx *tx, const struct fl_chat *c)
{
	(void)tx;
	(void)c;
	return FL_EINVAL;
}

int fl_store_chat_live_of_visitor(fl_tx *tx, int64_t visitor_id, int64_t *chat_id)
{
	(void)tx;
	(void)visitor_id;
	(void)chat_id;
	return FL_EINVAL;
}

int fl_store_chat_list_visitor(fl_tx *tx, int64_t visitor_id, size_t max, fl_arena *a,
			       struct fl_chat **out, size_t *n)
{
	(void)tx;
	(void)visitor_id;
	(void)max;
	(void)a;
	(void)out;
	(void)n;
	return FL_EINVAL;
}

int fl_store_chat_list(fl_tx *tx, const struct fl_chat_filter *f, fl_arena *a, struct fl_chat **out,
		       size_t *n, int64_t *total)
{
	(void)tx;
	(void)f;
	(void)a;
	(void)out;
	(void)n;
	(void)total;
	return FL_EINVAL;
}

int fl_store_chat_seen(fl_tx *tx, int64_t visitor_id, int64_t now, int64_t min_gap)
{
	(void)tx;
	(void)visitor_id;
	(void)now;
	(void)min_gap;
	return FL_EINVAL;
}

int fl_store_chat_queued(fl_tx *tx, int unoffered, size_t max, fl_arena *a, int64_t **ids,
			 size_t *n)
{
	(void)tx;
	(void)unoffered;
	(void)max;
	(void)a;
	(void)ids;
	(void)n;
	return FL_EINVAL;
}

int fl_store_chat_offers_lapsed(fl_tx *tx, int64_t before, size_t max, fl_arena *a, int64_t **ids,
				size_t *n)
{
	(void)tx;
	(void)before;
	(void)max;
	(void)a;
	(void)ids;
	(void)n;
	return FL_EINVAL;
}

int fl_store_chat_gone(fl_tx *tx, int64_t before, size_t max, fl_arena *a, int64_t **ids, size_t *n)
{
	(void)tx;
	(void)before;
	(void)max;
	(void)a;
	(void)ids;
	(void)n;
	return FL_EINVAL;
}

int fl_store_chat_agent_load(fl_tx *tx, int64_t user_id, int64_t *n)
{
	(void)tx;
	(void)user_id;
	(void)n;
	return FL_EINVAL;
}

int fl_store_chat_queue_len(fl_tx *tx, int64_t *n)
{
	(void)tx;
	(void)n;
	return FL_EINVAL;
}

int fl_store_chat_recent_waits(fl_tx *tx, int64_t since, size_t max, fl_arena *a, int64_t **out,
			       size_t *n)
{
	(void)tx;
	(void)since;
	(void)max;
	(void)a;
	(void)out;
	(void)n;
	return FL_EINVAL;
}

int fl_store_chat_skip_add(fl_tx *tx, int64_t chat_id, int64_t user_id)
{
	(void)tx;
	(void)chat_id;
	(void)user_id;
	return FL_EINVAL;
}

int fl_store_chat_skips(fl_tx *tx, int64_t chat_id, size_t max, fl_arena *a, int64_t **ids,
			size_t *n)
{
	(void)tx;
	(void)chat_id;
	(void)max;
	(void)a;
	(void)ids;
	(void)n;
	return FL_EINVAL;
}

int fl_store_chat_skips_clear(fl_tx *tx, int64_t chat_id)
{
	(void)tx;
	(void)chat_id;
	return FL_EINVAL;
}

int fl_store_chat_message_insert(fl_tx *tx, struct fl_chat_message *m)
{
	(void)tx;
	(void)m;
	return FL_EINVAL;
}

int fl_store_chat_message_by_client(fl_tx *tx, int64_t chat_id, const char *client_id, fl_arena *a,
				    struct fl_chat_message *out)
{
	(void)tx;
	(void)chat_id;
	(void)client_id;
	(void)a;
	(void)out;
	return FL_EINVAL;
}

int fl_store_chat_message_set_comment(fl_tx *tx, int64_t id, int64_t comment_id,
				      const char *attachments)
{
	(void)tx;
	(void)id;
	(void)comment_id;
	(void)attachments;
	return FL_EINVAL;
}

int fl_store_chat_messages(fl_tx *tx, int64_t chat_id, int64_t after, size_t max, fl_arena *a,
			   struct fl_chat_message **out, size_t *n)
{
	(void)tx;
	(void)chat_id;
	(void)after;
	(void)max;
	(void)a;
	(void)out;
	(void)n;
	return FL_EINVAL;
}

int fl_store_chat_agent_wrote(fl_tx *tx, int64_t chat_id, int *yes)
{
	(void)tx;
	(void)chat_id;
	(void)yes;
	return FL_EINVAL;
}

int fl_store_chat_capacity_get(fl_tx *tx, int64_t user_id, int64_t *capacity)
{
	(void)tx;
	(void)user_id;
	(void)capacity;
	return FL_EINVAL;
}

int fl_store_chat_capacity_set(fl_tx *tx, int64_t user_id, int64_t capacity, int64_t now)
{
	(void)tx;
	(void)user_id;
	(void)capacity;
	(void)now;
	return FL_EINVAL;
}

int fl_store_chat_transfer_insert(fl_tx *tx, struct fl_chat_transfer *t)
{
	(void)tx;
	(void)t;
	return FL_EINVAL;
}

int fl_store_chat_upload_insert(fl_tx *tx, const char *token, int64_t visitor_id,
				int64_t attachment_id, int64_t now)
{
	(void)tx;
	(void)token;
	(void)visitor_id;
	(void)attachment_id;
	(void)now;
	return FL_EINVAL;
}

int fl_store_chat_upload_get(fl_tx *tx, const char *token, int64_t visitor_id,
			     int64_t *attachment_id)
{
	(void)tx;
	(void)token;
	(void)visitor_id;
	(void)attachment_id;
	return FL_EINVAL;
}

int fl_store_chat_facts(fl_tx *tx, int64_t start, int64_t end, size_t max, fl_arena *a,
			struct fl_store_chat_fact **out, size_t *n)
{
	(void)tx;
	(void)start;
	(void)end;
	(void)max;
	(void)a;
	(void)out;
	(void)n;
	return FL_EINVAL;
}
