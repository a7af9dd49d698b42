/* Stubs until the real bodies land (chat-core step 2). */
#include "chat/chat.h"

const char *fl_chat_state_name(int state)
{
	(void)state;
	return NULL;
}

int fl_chat_state_parse(const char *z)
{
	(void)z;
	return FL_EINVAL;
}

int fl_chat_state_live(int state)
{
	(void)state;
	return FL_EINVAL;
}

const char *fl_chat_author_name(int author)
{
	(void)author;
	return NULL;
}

int fl_chat_author_parse(const char *z)
{
	(void)z;
	return FL_EINVAL;
}

int fl_chat_body_check(const char *body, int empty_ok, const char *field, struct fl_err *e)
{
	(void)body;
	(void)empty_ok;
	(void)field;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_client_id_check(const char *id, struct fl_err *e)
{
	(void)id;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_name_check(const char *name, const char *field, struct fl_err *e)
{
	(void)name;
	(void)field;
	(void)e;
	return FL_EINVAL;
}

const char *fl_chat_lang(const char *locale)
{
	(void)locale;
	return NULL;
}

const char *fl_chat_prechat_name(int v)
{
	(void)v;
	return NULL;
}

int fl_chat_prechat_parse(const char *z)
{
	(void)z;
	return FL_EINVAL;
}

const char *fl_chat_words_in(const struct fl_chat_words *w, const char *lang)
{
	(void)w;
	(void)lang;
	return NULL;
}

void fl_chat_settings_defaults(struct fl_chat_settings *s)
{
	(void)s;
}

int fl_chat_settings_parse(const char *json, size_t n, fl_arena *a, struct fl_chat_settings *out,
			   struct fl_err *e)
{
	(void)json;
	(void)n;
	(void)a;
	(void)out;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_settings_check(const struct fl_chat_settings *s, struct fl_err *e)
{
	(void)s;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_settings_json(const struct fl_chat_settings *s, fl_buf *out)
{
	(void)s;
	(void)out;
	return FL_EINVAL;
}

int fl_chat_settings_get(fl_tx *tx, fl_arena *a, struct fl_chat_settings *out)
{
	(void)tx;
	(void)a;
	(void)out;
	return FL_EINVAL;
}

int fl_chat_settings_put(fl_tx *tx, const struct fl_chat_settings *s, struct fl_err *e)
{
	(void)tx;
	(void)s;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_origin_allowed(const struct fl_chat_settings *s, const char *origin)
{
	(void)s;
	(void)origin;
	return FL_EINVAL;
}

int fl_chat_visitor_new(fl_tx *tx, const char *lang, int64_t now, int64_t *visitor_id)
{
	(void)tx;
	(void)lang;
	(void)now;
	(void)visitor_id;
	return FL_EINVAL;
}

int fl_chat_visitor_token(fl_tx *tx, int64_t visitor_id, int64_t now, fl_arena *a, char **token)
{
	(void)tx;
	(void)visitor_id;
	(void)now;
	(void)a;
	(void)token;
	return FL_EINVAL;
}

int fl_chat_visitor_read(fl_tx *tx, const char *token, int64_t now, int64_t *visitor_id,
			 struct fl_err *e)
{
	(void)tx;
	(void)token;
	(void)now;
	(void)visitor_id;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_visitor_get(fl_tx *tx, int64_t visitor_id, fl_arena *a, struct fl_chat_visitor *out)
{
	(void)tx;
	(void)visitor_id;
	(void)a;
	(void)out;
	return FL_EINVAL;
}

int fl_chat_visitor_seen(fl_tx *tx, int64_t visitor_id, int64_t now)
{
	(void)tx;
	(void)visitor_id;
	(void)now;
	return FL_EINVAL;
}

int fl_chat_upload(fl_tx *tx, int64_t visitor_id, const struct fl_intake_file *f, int64_t now,
		   fl_arena *a, struct fl_chat_file *out, struct fl_err *e)
{
	(void)tx;
	(void)visitor_id;
	(void)f;
	(void)now;
	(void)a;
	(void)out;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_start(fl_tx *tx, int64_t visitor_id, const struct fl_chat_start_in *in, int64_t now,
		  fl_arena *a, struct fl_chat *chat, struct fl_chat_message *msg, struct fl_err *e)
{
	(void)tx;
	(void)visitor_id;
	(void)in;
	(void)now;
	(void)a;
	(void)chat;
	(void)msg;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_post(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id,
		 const struct fl_chat_post_in *in, int64_t now, fl_arena *a,
		 struct fl_chat_message *out, int *dup, struct fl_err *e)
{
	(void)tx;
	(void)who;
	(void)chat_id;
	(void)in;
	(void)now;
	(void)a;
	(void)out;
	(void)dup;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_system_message(fl_tx *tx, int64_t chat_id, const char *body, int64_t now)
{
	(void)tx;
	(void)chat_id;
	(void)body;
	(void)now;
	return FL_EINVAL;
}

int fl_chat_accept(fl_tx *tx, const struct fl_actor *agent, int64_t chat_id, int64_t now,
		   struct fl_err *e)
{
	(void)tx;
	(void)agent;
	(void)chat_id;
	(void)now;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_decline(fl_tx *tx, const struct fl_actor *agent, int64_t chat_id, int64_t now,
		    struct fl_err *e)
{
	(void)tx;
	(void)agent;
	(void)chat_id;
	(void)now;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_transfer(fl_tx *tx, const struct fl_actor *agent, int64_t chat_id, int64_t to_agent_id,
		     int64_t to_group_id, const char *note, int64_t now, struct fl_err *e)
{
	(void)tx;
	(void)agent;
	(void)chat_id;
	(void)to_agent_id;
	(void)to_group_id;
	(void)note;
	(void)now;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_end(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, int solve, int64_t now,
		fl_arena *a, struct fl_chat *out, struct fl_err *e)
{
	(void)tx;
	(void)who;
	(void)chat_id;
	(void)solve;
	(void)now;
	(void)a;
	(void)out;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_typing(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, int typing,
		   struct fl_err *e)
{
	(void)tx;
	(void)who;
	(void)chat_id;
	(void)typing;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_read(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, int64_t seq,
		 struct fl_err *e)
{
	(void)tx;
	(void)who;
	(void)chat_id;
	(void)seq;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_transcript(fl_tx *tx, int64_t visitor_id, int64_t chat_id, const char *email,
		       int64_t now, struct fl_err *e)
{
	(void)tx;
	(void)visitor_id;
	(void)chat_id;
	(void)email;
	(void)now;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_rate(fl_tx *tx, int64_t visitor_id, int64_t chat_id, int score, const char *comment,
		 int64_t now, struct fl_err *e)
{
	(void)tx;
	(void)visitor_id;
	(void)chat_id;
	(void)score;
	(void)comment;
	(void)now;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_offline(fl_tx *tx, int64_t visitor_id, const struct fl_chat_offline_in *in, int64_t now,
		    int64_t *ticket_id, struct fl_err *e)
{
	(void)tx;
	(void)visitor_id;
	(void)in;
	(void)now;
	(void)ticket_id;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_load(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, fl_arena *a,
		 struct fl_chat *out)
{
	(void)tx;
	(void)who;
	(void)chat_id;
	(void)a;
	(void)out;
	return FL_EINVAL;
}

int fl_chat_messages(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, int64_t after,
		     size_t limit, fl_arena *a, struct fl_chat_message **out, size_t *n)
{
	(void)tx;
	(void)who;
	(void)chat_id;
	(void)after;
	(void)limit;
	(void)a;
	(void)out;
	(void)n;
	return FL_EINVAL;
}

int fl_chat_visitor_chats(fl_tx *tx, int64_t visitor_id, fl_arena *a, struct fl_chat **out,
			  size_t *n)
{
	(void)tx;
	(void)visitor_id;
	(void)a;
	(void)out;
	(void)n;
	return FL_EINVAL;
}

int fl_chat_list(fl_tx *tx, const struct fl_chat_filter *f, fl_arena *a, struct fl_chat **out,
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

int fl_chat_context(fl_tx *tx, const struct fl_chat *chat, fl_arena *a, struct fl_chat_context *out)
{
	(void)tx;
	(void)chat;
	(void)a;
	(void)out;
	return FL_EINVAL;
}

int fl_chat_capacity_get(fl_tx *tx, int64_t user_id, int64_t *capacity)
{
	(void)tx;
	(void)user_id;
	(void)capacity;
	return FL_EINVAL;
}

int fl_chat_capacity_set(fl_tx *tx, int64_t user_id, int64_t capacity, int64_t now,
			 struct fl_err *e)
{
	(void)tx;
	(void)user_id;
	(void)capacity;
	(void)now;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_route(fl_tx *tx, int64_t chat_id, int64_t now)
{
	(void)tx;
	(void)chat_id;
	(void)now;
	return FL_EINVAL;
}

int fl_chat_route_all(fl_tx *tx, int64_t now, size_t *n)
{
	(void)tx;
	(void)now;
	(void)n;
	return FL_EINVAL;
}

int fl_chat_offer_job(fl_tx *tx, const struct fl_job *job, struct fl_err *e)
{
	(void)tx;
	(void)job;
	(void)e;
	return FL_EINVAL;
}

int fl_chat_status(fl_tx *tx, int64_t agent_id, int64_t now, struct fl_chat_status *out)
{
	(void)tx;
	(void)agent_id;
	(void)now;
	(void)out;
	return FL_EINVAL;
}

const char *fl_chat_by_name(int by)
{
	(void)by;
	return NULL;
}

int fl_chat_by_parse(const char *z)
{
	(void)z;
	return FL_EINVAL;
}

int fl_chat_stats(fl_tx *tx, int by, int64_t start, int64_t end, fl_arena *a,
		  struct fl_chat_stats_row **out, size_t *n, struct fl_chat_stats_row *all)
{
	(void)tx;
	(void)by;
	(void)start;
	(void)end;
	(void)a;
	(void)out;
	(void)n;
	(void)all;
	return FL_EINVAL;
}

int64_t fl_chat_percentile(const int64_t *sorted, size_t n, int q)
{
	(void)sorted;
	(void)n;
	(void)q;
	return FL_EINVAL;
}

int64_t fl_chat_peak(int64_t *starts, int64_t *ends, size_t n)
{
	(void)starts;
	(void)ends;
	(void)n;
	return FL_EINVAL;
}
