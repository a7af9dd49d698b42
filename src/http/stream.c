/* Streamed answers (http.h, fl_req_stream): a libmicrohttpd response read
 * from a callback. When there is nothing to send, the connection is
 * suspended, so a thousand idle listeners hold no thread; fl_stream_wake
 * resumes it. */
#include <pthread.h>
#include <stdlib.h>

#include "http/http_int.h"

struct fl_stream {
	struct fl_server *srv;
	struct MHD_Connection *conn;
	pthread_mutex_t lock;
	int suspended; /* the connection waits for a wake */
	int pending;   /* woken since the last read began */
	long (*read)(void *arg, char *buf, size_t cap);
	void (*done)(void *arg);
	void *arg;
};

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct fl_stream *st = cls;
	long n;
	(void)pos;

	pthread_mutex_lock(&st->lock);
	st->pending = 0;
	pthread_mutex_unlock(&st->lock);
	n = st->read(st->arg, buf, max);
	if (n < 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n > 0)
		return n;
	/* a wake between the read and here must not be lost */
	pthread_mutex_lock(&st->lock);
	if (!st->pending) {
		st->suspended = 1;
		MHD_suspend_connection(st->conn);
	}
	pthread_mutex_unlock(&st->lock);
	return 0;
}

void fl_stream_wake(struct fl_stream *st)
{
	pthread_mutex_lock(&st->lock);
	st->pending = 1;
	if (st->suspended) {
		st->suspended = 0;
		MHD_resume_connection(st->conn);
	}
	pthread_mutex_unlock(&st->lock);
}

static void gone(void *cls)
{
	struct fl_stream *st = cls;
	struct fl_server *srv = st->srv;

	if (st->done)
		st->done(st->arg);
	pthread_mutex_destroy(&st->lock);
	free(st);
	srv->streams--;
}

int fl_req_stream(struct fl_req *r, const char *content_type,
		  long (*read)(void *arg, char *buf, size_t cap), void (*done)(void *arg),
		  void *arg, struct fl_stream **out)
{
	struct fl_stream *st = calloc(1, sizeof *st);
	struct MHD_Response *resp;

	if (!st)
		return FL_ENOMEM;
	st->srv = r->server;
	st->conn = r->conn;
	st->read = read;
	st->done = done;
	st->arg = arg;
	pthread_mutex_init(&st->lock, NULL);
	*out = st;
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, st, gone);
	if (!resp) {
		pthread_mutex_destroy(&st->lock);
		free(st);
		return FL_ENOMEM;
	}
	r->server->streams++;
	r->status = 200;
	MHD_add_response_header(resp, "Content-Type", content_type);
	MHD_add_response_header(resp, "X-Accel-Buffering", "no"); /* proxies: pass it on at once */
	if (fl_req_queue(r, resp) != MHD_YES) {
		st->done = NULL;            /* the caller cleans up after a failure */
		MHD_destroy_response(resp); /* frees st through gone() */
		return FL_EIO;
	}
	MHD_destroy_response(resp);
	return FL_PENDING;
}
