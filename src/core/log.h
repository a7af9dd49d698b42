/* Logging: one line per event on stderr, written with a single write(2) so
 * lines from different threads never interleave. Only the edges log (the HTTP
 * layer, the job runner, the CLI); domain and store code return errors.
 *
 * A line is a time, a level ("info", "warn", "error"), a message and
 * fields, in one of two formats (fl_log_set_format):
 *
 *   text  2026-12-07T03:23:00Z info GET /x 200 request_id=ab client=::1
 *   json  {"time":"2026-12-07T03:23:00.123Z","level":"info","msg":"GET /x 200",
 *          "request_id":"ab","client":"::1"}
 *
 * Each thread has a log context: the id of the request it works for. The
 * HTTP edge sets it while a request's handler and transactions run, the
 * job runner while it runs a job that a request queued. Every line the
 * thread writes meanwhile carries it as the field request_id, and a job
 * queued meanwhile keeps it (store/jobs.h), so that what a request caused
 * can be found from its X-Request-Id. */
#ifndef FL_CORE_LOG_H
#define FL_CORE_LOG_H

#include <stddef.h>
#include <stdint.h>

enum fl_log_format { FL_LOG_TEXT, FL_LOG_JSON };

/* What a field holds: text (a JSON string), an integer, or microseconds
 * written as milliseconds with three decimals. */
enum fl_log_kind { FL_LOG_STR, FL_LOG_INT, FL_LOG_US_AS_MS };

struct fl_log_field {
	const char *key; /* [a-z_]+: written as it is */
	enum fl_log_kind kind;
	const char *text; /* FL_LOG_STR; NULL is written as "" */
	int64_t num;      /* the others */
};

/* A line whose message is fmt's, with the context's request_id if any. */
void fl_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line with msg and n fields (at most 16 are written), then the
 * context's request_id when no field is named so. */
void fl_log_fields(const char *level, const char *msg, const struct fl_log_field *f, size_t n);
void fl_log_quiet(int quiet); /* 1: drop "info" lines (keeps "warn"/"error") */
/* The format of every line from now on; set it once, before threads start. */
void fl_log_set_format(enum fl_log_format f);

/* Sets the calling thread's request id (NULL: none) and returns the one
 * it had, for the caller to put back. id is not copied: it must live until
 * it is replaced. */
const char *fl_log_set_request(const char *id);
/* The calling thread's request id, or NULL. */
const char *fl_log_request(void);

/* Renders one line into out (cap bytes, at least 64) and returns its
 * length, "\n" included; no NUL is added. Text: values with a blank, a
 * quote or '=' are quoted, control characters become '?'. JSON (RFC 8259):
 * text is escaped (section 7), control characters as \uXXXX, and bytes
 * that are not UTF-8 (RFC 3629 section 3: no overlong forms, no
 * surrogates, nothing past U+10FFFF) each become U+FFFD, so that any bytes
 * make valid JSON. A line longer than cap is cut inside a value, between
 * characters, and the fields after it are dropped: a JSON line stays one
 * valid object. Pure; allocates nothing. */
size_t fl_log_render(char *out, size_t cap, enum fl_log_format format, const char *time,
		     const char *level, const char *msg, const struct fl_log_field *f, size_t n);

#endif
