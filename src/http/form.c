/* HTML form bodies (http/form.h), parsed by libmicrohttpd's post
 * processor.
 *
 * The post processor reads the form's encoding and boundary from the
 * Content-Type header of a connection, and only from there: it has no
 * constructor that takes a content type. So that the parser stays a
 * function of the content type and the bytes (one path for requests, unit
 * tests and the fuzzer alike), each parse makes a connection of its own:
 * a daemon with no listening socket and no thread, handed one end of a
 * socketpair by MHD_add_connection, on which the request head
 * "POST / … Content-Type: <content_type>" is written. When libmicrohttpd
 * has read that head it calls us with the connection, and the body — which
 * never goes through the socket — is fed to a post processor made on it.
 * That costs about 12 µs and two descriptors, nothing shared between
 * threads. */
#include "http/form.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/str.h"

#define TYPE_MAX 1000  /* bytes of a Content-Type worth reading */
#define PP_BUFFER 4096 /* the post processor's key buffer; a boundary is at most 70 bytes */
#define RUNS_MAX 8     /* rounds of the private daemon to read a 1 KB head */

struct parse {
	const char *body;
	size_t n;
	const struct fl_form_limits *lim;
	fl_arena *a;
	struct fl_err *e;
	struct fl_form_part *parts;
	size_t nparts;
	fl_buf cur; /* the bytes of parts[nparts - 1] while it arrives */
	int ran;    /* the handler saw the head */
	int rc;
};

int fl_form_type(const char *ct)
{
	static const char *const types[] = {MHD_HTTP_POST_ENCODING_FORM_URLENCODED,
					    MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA};
	for (size_t i = 0; ct && i < sizeof types / sizeof *types; i++) {
		size_t k = strlen(types[i]);
		if (!strncasecmp(ct, types[i], k) && (!ct[k] || ct[k] == ';' || ct[k] == ' '))
			return 1;
	}
	return 0;
}

/* Hands the finished part's bytes to the arena. */
static int flush(struct parse *p)
{
	struct fl_form_part *part;
	char *data;

	if (!p->nparts)
		return 0;
	part = &p->parts[p->nparts - 1];
	if (part->data)
		return 0;
	part->n = p->cur.n;
	data = fl_buf_steal(&p->cur);
	if (!data || fl_arena_on_free(p->a, free, data))
		return FL_ENOMEM;
	part->data = data;
	return 0;
}

static int start(struct parse *p, const char *key, const char *filename, const char *type)
{
	struct fl_form_part *part;
	int rc = flush(p);

	if (rc)
		return rc;
	if (p->nparts == p->lim->max_parts)
		return fl_err_set(p->e, FL_ETOOBIG, "form", "TooLong",
				  "the form has more than %zu fields and files", p->lim->max_parts);
	part = &p->parts[p->nparts++];
	part->name = fl_arena_strdup(p->a, key);
	part->file_name = filename ? fl_arena_strdup(p->a, filename) : NULL;
	part->content_type = filename && type ? fl_arena_strdup(p->a, type) : NULL;
	if (!part->name || (filename && !part->file_name) ||
	    (filename && type && !part->content_type))
		return FL_ENOMEM;
	fl_buf_init(&p->cur, filename ? p->lim->max_file : p->lim->max_value);
	return 0;
}

/* The post processor's iterator: a value or a file comes in pieces, the
 * first at offset 0, each next one where the last ended. */
static enum MHD_Result on_data(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *filename, const char *type, const char *encoding,
			       const char *data, uint64_t off, size_t size)
{
	struct parse *p = cls;
	int rc = 0;
	(void)kind;
	(void)encoding;

	if (p->rc) /* refused already */
		return MHD_NO;
	if (off == 0)
		rc = start(p, key ? key : "", filename, type);
	else if (!p->nparts || off != p->cur.n)
		rc = fl_err_set(p->e, FL_EMALFORMED, NULL, "InvalidRequest",
				"the form's parts are out of order");
	if (!rc && size) {
		rc = fl_buf_add(&p->cur, data, size);
		if (rc == FL_ETOOBIG) {
			const struct fl_form_part *part = &p->parts[p->nparts - 1];
			rc = fl_err_set(p->e, FL_ETOOBIG, part->name, "TooLong",
					part->file_name ? "%.200s: a file is larger than %zu bytes"
							: "%.200s: is longer than %zu bytes",
					part->name,
					part->file_name ? p->lim->max_file : p->lim->max_value);
		}
	}
	p->rc = rc;
	return rc ? MHD_NO : MHD_YES;
}

/* The private daemon's handler: called once the head is read, with the
 * connection the post processor needs. It never answers: MHD_NO closes the
 * connection, which nobody reads. */
static enum MHD_Result on_head(void *cls, struct MHD_Connection *conn, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	struct parse *p = cls;
	struct MHD_PostProcessor *pp;
	int ok;
	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	(void)con_cls;

	*upload_size = 0;
	if (p->ran)
		return MHD_NO;
	p->ran = 1;
	errno = 0;
	pp = MHD_create_post_processor(conn, PP_BUFFER, on_data, p);
	if (!pp && errno == ENOMEM) { /* its calloc failed, not the content type */
		p->rc = FL_ENOMEM;
		return MHD_NO;
	}
	if (!pp) {
		p->rc = fl_err_set(p->e, FL_EMEDIA, NULL, NULL,
				   "Send the form as multipart/form-data (with a boundary) or "
				   "application/x-www-form-urlencoded");
		return MHD_NO;
	}
	ok = MHD_post_process(pp, p->body, p->n) == MHD_YES;
	/* the last value is given to the iterator only now */
	ok = MHD_destroy_post_processor(pp) == MHD_YES && ok;
	if (!ok && !p->rc)
		p->rc = fl_err_set(p->e, FL_EMALFORMED, NULL, "InvalidRequest",
				   "the form's body does not parse as its content type says");
	return MHD_NO;
}

/* Where the line after the one at p starts — lines end with CRLF, LF or
 * CR, as the post processor reads them — or NULL when there is none. */
static const char *next_line(const char *p, const char *end)
{
	while (p < end && *p != '\r' && *p != '\n')
		p++;
	if (p == end)
		return NULL;
	if (*p == '\r' && p + 1 < end && p[1] == '\n')
		p++;
	return p + 1;
}

/* Whether a part of the multipart body is itself multipart (a part
 * header "Content-Type: multipart/…"). RFC 7578 section 4.3 deprecates
 * sending a field's files as a nested multipart/mixed part and browsers
 * never do; libmicrohttpd 0.9.75 keeps each nested part's boundary after
 * the first for good (a leak a body could repeat thousands of times), so
 * such a form is refused before the post processor sees it. This is no
 * parser: it finds the boundary lines as the post processor does (the
 * boundary= parameter, quotes taken off) and reads the header lines after
 * each; -1 when the boundary cannot be found (the post processor refuses
 * that too). */
static int nested_part(const char *ct, const char *body, size_t n)
{
	const char *b = strstr(ct + strlen(MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA), "boundary=");
	const char *p = body, *end = body + n;
	char delim[TYPE_MAX + 3];
	size_t blen, dlen;

	if (!b)
		return -1;
	b += strlen("boundary=");
	blen = strlen(b);
	if (blen >= 2 && b[0] == '"' && b[blen - 1] == '"')
		b++, blen -= 2;
	if (!blen || blen + 2 >= sizeof delim)
		return -1;
	dlen = (size_t)snprintf(delim, sizeof delim, "--%.*s", (int)blen, b);
	while ((p = memmem(p, (size_t)(end - p), delim, dlen))) {
		/* the part's header lines, up to the empty one */
		const char *line = next_line(p + dlen, end);
		while (line && line < end && *line != '\r' && *line != '\n') {
			const char *next = next_line(line, end), *stop = next ? next : end;
			const char *v = line + 13;
			if (stop - line > 13 && !strncasecmp(line, "content-type:", 13)) {
				while (v < stop && (*v == ' ' || *v == '\t'))
					v++;
				if (stop - v >= 10 && !strncasecmp(v, "multipart/", 10))
					return 1;
			}
			line = next;
		}
		p += dlen;
	}
	return 0;
}

/* Whether ct can stand in a header line: printable ASCII, not too long. */
static int plain_type(const char *ct)
{
	size_t n = ct ? strlen(ct) : 0;
	if (!n || n > TYPE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)ct[i] < 0x20 || (unsigned char)ct[i] > 0x7e)
			return 0;
	return 1;
}

/* What a failed system call's errno means for the client: running out of
 * memory or descriptors passes (503, retry), anything else is our fault. */
static int shortage(int err)
{
	return err == ENOMEM || err == ENOBUFS || err == EMFILE || err == ENFILE ? FL_ENOMEM
										 : FL_EIO;
}

/* Runs the head "POST / … Content-Type: ct" through a private daemon, which
 * calls on_head with its connection. */
static int run_private(struct parse *p, const char *ct)
{
	struct MHD_Daemon *d;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char head[TYPE_MAX + 128];
	int sv[2], len;
	ssize_t w;

	len = snprintf(
		head, sizeof head,
		"POST / HTTP/1.1\r\nHost: form\r\nContent-Type: %s\r\nContent-Length: 0\r\n\r\n",
		ct);
	if (len < 0 || (size_t)len >= sizeof head)
		return FL_EMEDIA;
	d = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET | MHD_USE_EPOLL, 0, NULL, NULL, on_head, p,
			     MHD_OPTION_END);
	if (!d)
		return FL_ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		int rc = shortage(errno);
		MHD_stop_daemon(d);
		return rc;
	}
	/* the head fits the socket's buffer: written before anyone reads */
	errno = 0;
	w = write(sv[1], head, (size_t)len);
	if (w != len)
		close(sv[0]); /* errno is still the write's: close succeeds */
	/* MHD_add_connection closes the socket it could not take */
	else
		errno = 0;
	if (w != len ||
	    MHD_add_connection(d, sv[0], (struct sockaddr *)&sa, sizeof sa) != MHD_YES) {
		int rc = shortage(errno);
		close(sv[1]);
		MHD_stop_daemon(d);
		return rc;
	}
	for (int i = 0; i < RUNS_MAX && !p->ran; i++)
		MHD_run(d);
	close(sv[1]);
	MHD_stop_daemon(d); /* closes sv[0] */
	if (!p->ran)
		return fl_err_set(p->e, FL_EMEDIA, NULL, NULL,
				  "the Content-Type header is not valid");
	return p->rc;
}

int fl_form_parse(const char *content_type, const char *body, size_t n,
		  const struct fl_form_limits *lim, fl_arena *a, struct fl_form *out,
		  struct fl_err *e)
{
	struct parse p = {body, n, lim, a, e, NULL, 0, {0}, 0, 0};
	int rc;

	if (!fl_form_type(content_type) || !plain_type(content_type))
		return fl_err_set(e, FL_EMEDIA, NULL, NULL,
				  "Send the form as multipart/form-data or "
				  "application/x-www-form-urlencoded");
	if (!strncasecmp(content_type, MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA,
			 strlen(MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA))) {
		rc = nested_part(content_type, body, n);
		if (rc < 0)
			return fl_err_set(e, FL_EMEDIA, NULL, NULL,
					  "multipart/form-data needs its boundary parameter");
		if (rc > 0)
			return fl_err_set(e, FL_EMALFORMED, "form", "InvalidRequest",
					  "a part of the form is itself multipart (RFC 7578 "
					  "section 4.3 deprecates that): send each file as a part");
	}
	if (!lim->max_parts || !(p.parts = fl_arena_alloc(a, lim->max_parts * sizeof *p.parts)))
		return FL_ENOMEM;
	fl_buf_init(&p.cur, 1);
	rc = run_private(&p, content_type);
	if (!rc)
		rc = flush(&p);
	fl_buf_free(&p.cur);
	if (rc)
		return rc;
	out->parts = p.parts;
	out->nparts = p.nparts;
	return 0;
}
