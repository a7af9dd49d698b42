/* The mail parser in a child process, and the format its answer comes
 * back in (mail/parser.h tells the rules). */
#include "mail/parser.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/str.h"

extern char **environ;

#define MAGIC "FLM1"
#define TRAILER "END!"
#define NULL_LEN 0xFFFFFFFFu
/* An answer is at most the decoded parts (FL_MAIL_MAX_DECODED) with the
 * text and HTML grown by their conversion to UTF-8 (3 bytes for one at
 * worst): four times the largest message is room for every real one. */
#define ANSWER_MAX (4 * (size_t)FL_MAIL_MAX_BYTES)
#define PARSERS_MAX 256 /* children at most, whatever the configuration says */

/* ---- the format ------------------------------------------------------ */

static int put_u32(fl_buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	return fl_buf_add(b, x, 4);
}

static int put_u64(fl_buf *b, uint64_t v)
{
	int rc = put_u32(b, (uint32_t)v);
	return rc ? rc : put_u32(b, (uint32_t)(v >> 32));
}

static int put_bytes(fl_buf *b, const char *p, size_t n)
{
	int rc;
	if (!p)
		return put_u32(b, NULL_LEN);
	if (n >= NULL_LEN)
		return FL_ETOOBIG;
	if ((rc = put_u32(b, (uint32_t)n)) || (rc = fl_buf_add(b, p, n)))
		return rc;
	return fl_buf_addc(b, 0);
}

static int put_str(fl_buf *b, const char *z)
{
	return put_bytes(b, z, z ? strlen(z) : 0);
}

static int put_addrs(fl_buf *b, const struct fl_mail_addr *a, size_t n)
{
	int rc = put_u32(b, (uint32_t)n);
	for (size_t i = 0; !rc && i < n; i++)
		if (!(rc = put_str(b, a[i].name)))
			rc = put_str(b, a[i].email);
	return rc;
}

static int put_mail(fl_buf *b, const struct fl_mail *m)
{
	int rc = 0;

#define TRY(x)                     \
	do {                       \
		if ((rc = (x)))    \
			return rc; \
	} while (0)
	TRY(put_str(b, m->from.name));
	TRY(put_str(b, m->from.email));
	TRY(put_addrs(b, m->to, m->nto));
	TRY(put_addrs(b, m->cc, m->ncc));
	TRY(put_str(b, m->reply_to));
	TRY(put_str(b, m->subject));
	TRY(put_str(b, m->message_id));
	TRY(put_str(b, m->in_reply_to));
	TRY(put_u32(b, (uint32_t)m->nrefs));
	for (size_t i = 0; i < m->nrefs; i++)
		TRY(put_str(b, m->refs[i]));
	TRY(put_u64(b, (uint64_t)m->date));
	TRY(put_str(b, m->text));
	TRY(put_str(b, m->html));
	TRY(put_u32(b, (uint32_t)m->nfiles));
	for (size_t i = 0; i < m->nfiles; i++) {
		const struct fl_mail_file *f = &m->files[i];
		TRY(put_str(b, f->file_name));
		TRY(put_str(b, f->content_type));
		TRY(put_str(b, f->content_id));
		TRY(put_bytes(b, f->data, f->n));
	}
	TRY(put_u64(b, m->files_dropped));
	TRY(put_u32(b, (uint32_t)m->automatic));
	TRY(put_u32(b, (uint32_t)m->report));
	TRY(put_str(b, m->report_recipient));
	TRY(put_str(b, m->report_status));
	TRY(put_str(b, m->report_message_id));
	TRY(put_u32(b, (uint32_t)m->truncated));
	TRY(put_u64(b, m->addrs_refused));
	TRY(put_u32(b, (uint32_t)m->nauth_results));
	for (size_t i = 0; i < m->nauth_results; i++)
		TRY(put_str(b, m->auth_results[i]));
#undef TRY
	return rc;
}

int fl_mail_encode(fl_buf *b, int rc, const struct fl_mail *m, const struct fl_err *e)
{
	int r;

	if ((r = fl_buf_add(b, MAGIC, 4)) || (r = put_u32(b, (uint32_t)rc)))
		return r;
	if (rc)
		r = put_str(b, e ? e->field : "");
	if (rc && !r)
		r = put_str(b, e ? e->reason : "");
	if (rc && !r)
		r = put_str(b, e ? e->msg : "");
	if (!rc)
		r = put_mail(b, m);
	return r ? r : fl_buf_add(b, TRAILER, 4);
}

/* Reading: every step checks what is left; the first failure sticks. */
struct rd {
	char *p;
	size_t n, off;
	int bad;
};

static uint32_t get_u32(struct rd *r)
{
	const unsigned char *x = (const unsigned char *)r->p + r->off;
	if (r->bad || r->n - r->off < 4) {
		r->bad = 1;
		return 0;
	}
	r->off += 4;
	return (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24;
}

static uint64_t get_u64(struct rd *r)
{
	uint64_t lo = get_u32(r);
	return lo | (uint64_t)get_u32(r) << 32;
}

/* A count of at most max. */
static size_t get_count(struct rd *r, size_t max)
{
	uint32_t v = get_u32(r);
	if (v > max)
		r->bad = 1;
	return r->bad ? 0 : v;
}

/* A flag: 0 or 1. */
static int get_flag(struct rd *r)
{
	return (int)get_count(r, 1);
}

/* Bytes and their NUL, pointing into the answer; NULL for a NULL. With
 * text, a NUL inside refuses the answer (a C string would end there). */
static char *get_bytes(struct rd *r, size_t *len, int text)
{
	uint32_t n = get_u32(r);
	char *s;

	*len = 0;
	if (r->bad || n == NULL_LEN)
		return NULL;
	if (r->n - r->off < (size_t)n + 1 || r->p[r->off + n] != 0 ||
	    (text && memchr(r->p + r->off, 0, n))) {
		r->bad = 1;
		return NULL;
	}
	s = r->p + r->off;
	r->off += (size_t)n + 1;
	*len = n;
	return s;
}

/* A string; with utf8, one that must also be valid UTF-8. */
static char *get_str(struct rd *r, int utf8)
{
	size_t n;
	char *s = get_bytes(r, &n, 1);
	if (s && utf8 && !fl_utf8_valid(s, n))
		r->bad = 1;
	return r->bad ? NULL : s;
}

/* An address as fl_mail_parse keeps them: an addr-spec that
 * fl_email_normalize accepts and leaves as it is (lower case, trimmed). */
static char *get_email(struct rd *r, int optional)
{
	char *s = get_str(r, 1);
	size_t n = s ? strlen(s) : 0;

	if (r->bad || (!s && optional))
		return NULL;
	for (size_t i = 0; s && i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s = NULL;
	if (!s || fl_email_normalize(s) || strlen(s) != n)
		r->bad = 1;
	return r->bad ? NULL : s;
}

static size_t get_addrs(struct rd *r, struct fl_mail_addr *a)
{
	size_t n = get_count(r, FL_MAIL_MAX_ADDRS);
	for (size_t i = 0; i < n; i++) {
		a[i].name = get_str(r, 1);
		a[i].email = get_email(r, 0);
	}
	return r->bad ? 0 : n;
}

static void get_mail(struct rd *r, struct fl_mail *m)
{
	m->from.name = get_str(r, 1);
	m->from.email = get_email(r, 0);
	m->nto = get_addrs(r, m->to);
	m->ncc = get_addrs(r, m->cc);
	m->reply_to = get_email(r, 1);
	m->subject = get_str(r, 1);
	m->message_id = get_str(r, 1);
	m->in_reply_to = get_str(r, 1);
	m->nrefs = get_count(r, FL_MAIL_MAX_REFS);
	for (size_t i = 0; i < m->nrefs; i++)
		if (!(m->refs[i] = get_str(r, 1)))
			r->bad = 1;
	m->date = (int64_t)get_u64(r);
	m->text = get_str(r, 1);
	m->html = get_str(r, 1);
	if (!m->subject || !m->text)
		r->bad = 1;
	m->nfiles = get_count(r, FL_MAIL_MAX_FILES);
	for (size_t i = 0; i < m->nfiles; i++) {
		struct fl_mail_file *f = &m->files[i];
		f->file_name = get_str(r, 1);
		f->content_type = get_str(r, 1);
		f->content_id = get_str(r, 1);
		f->data = get_bytes(r, &f->n, 0);
		if (!f->data || !f->content_type)
			r->bad = 1;
	}
	m->files_dropped = (size_t)get_u64(r);
	m->automatic = get_flag(r);
	m->report = get_flag(r);
	/* read from a report's text as it came: not always UTF-8 */
	m->report_recipient = get_str(r, 0);
	m->report_status = get_str(r, 0);
	m->report_message_id = get_str(r, 1);
	m->truncated = get_flag(r);
	m->addrs_refused = (size_t)get_u64(r);
	m->nauth_results = get_count(r, FL_MAIL_MAX_AUTHRES);
	for (size_t i = 0; i < m->nauth_results; i++)
		if (!(m->auth_results[i] = get_str(r, 1)))
			r->bad = 1;
}

/* Copies an error string into one of struct fl_err's arrays. */
static void get_err_str(struct rd *r, char *dst, size_t cap)
{
	size_t n;
	char *s = get_bytes(r, &n, 1);
	if (!s || n >= cap)
		r->bad = 1;
	else
		memcpy(dst, s, n + 1);
}

int fl_mail_decode(char *p, size_t n, int *rc, struct fl_mail *m, struct fl_err *e)
{
	struct rd r = {p, n, 0, 0};
	struct fl_mail mail = {0};
	struct fl_err err = {0};
	int32_t code;

	if (n < 4 || memcmp(p, MAGIC, 4))
		return FL_EMALFORMED;
	r.off = 4;
	code = (int32_t)get_u32(&r);
	if (code > 0 || code <= FL_E__MIN)
		return FL_EMALFORMED;
	if (code) {
		err.code = code;
		get_err_str(&r, err.field, sizeof err.field);
		get_err_str(&r, err.reason, sizeof err.reason);
		get_err_str(&r, err.msg, sizeof err.msg);
	} else {
		get_mail(&r, &mail);
	}
	if (r.bad || r.n - r.off != 4 || memcmp(p + r.off, TRAILER, 4))
		return FL_EMALFORMED;
	*rc = code;
	if (code && e)
		*e = err;
	if (!code)
		*m = mail;
	return 0;
}

/* ---- the limits -------------------------------------------------------- */

/* The server's configuration (set at its start, before any mail). */
static struct fl_mail_limits configured = {1024, 30, 4};

void fl_mail_parse_configure(const struct fl_mail_limits *l)
{
	configured = *l;
	if (configured.jobs > PARSERS_MAX)
		configured.jobs = PARSERS_MAX;
}

/* ---- the child ----------------------------------------------------------- */

/* Bytes of address space mapped now (VmSize), or 0 when unknown. */
static size_t mapped_now(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	size_t kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmSize:", 7)) {
			kb = strtoull(line + 7, NULL, 10);
			break;
		}
	fclose(f);
	return kb * 1024;
}

/* Sets a limit no looser than the one the server was started under
 * (ulimit, systemd's Limit…=): an unprivileged process cannot raise a hard
 * limit, and asking to makes setrlimit fail. */
static int limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit now, rl;

	if (getrlimit(resource, &now))
		return -1;
	rl.rlim_max = hard < now.rlim_max ? hard : now.rlim_max;
	rl.rlim_cur = soft < rl.rlim_max ? soft : rl.rlim_max;
	return setrlimit(resource, &rl);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads exactly n bytes; 1 at a clean end before the first byte, -1 on an
 * error or an end in the middle. */
static int read_all(int fd, char *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, p + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k == 0 && got == 0 ? 1 : -1;
		got += (size_t)k;
	}
	return 0;
}

/* One message: its length (u64, little-endian) and bytes in, the answer's
 * length and bytes out. 1 when the server closed its end. */
static int serve_one(unsigned seconds)
{
	unsigned char len[8];
	uint64_t n = 0;
	struct rusage ru;
	struct fl_err e = {0};
	struct fl_mail m;
	char *raw;
	fl_arena a;
	fl_buf out;
	int rc = read_all(0, (char *)len, sizeof len);

	if (rc)
		return rc;
	for (int i = 7; i >= 0; i--)
		n = n << 8 | len[i];
	if (n > FL_MAIL_MAX_BYTES)
		return -1; /* the server never sends one: not ours to read */
	if (!(raw = malloc(n ? n : 1)) || read_all(0, raw, n)) {
		free(raw);
		return -1;
	}
	/* this message's CPU: what the child used so far, plus its share; a
	 * child that cannot limit itself parses nothing */
	if (getrusage(RUSAGE_SELF, &ru) ||
	    limit(RLIMIT_CPU, (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1 + seconds),
		  RLIM_INFINITY)) {
		free(raw);
		return -1;
	}
	fl_arena_init(&a, 0);
	fl_buf_init(&out, ANSWER_MAX);
	rc = fl_mail_parse(raw, n, &a, &m, &e);
	if (fl_buf_add(&out, "\0\0\0\0\0\0\0\0", 8) || fl_mail_encode(&out, rc, &m, &e)) {
		fl_buf_reset(&out);
		fl_err_set(&e, FL_ETOOBIG, NULL, NULL,
			   "the message's parts are too large once decoded");
		rc = fl_buf_add(&out, "\0\0\0\0\0\0\0\0", 8) ||
		     fl_mail_encode(&out, FL_ETOOBIG, NULL, &e);
	} else {
		rc = 0;
	}
	if (!rc) {
		for (size_t i = 0, k = out.n - 8; i < 8; i++, k >>= 8)
			out.p[i] = (char)(k & 0xff);
		rc = write_all(1, out.p, out.n);
	}
	fl_buf_free(&out);
	fl_arena_free(&a);
	free(raw);
	/* what a big message made malloc keep goes back, so the address
	 * space limit meets the next message as it met the first */
	malloc_trim(0);
	return rc ? -1 : 0;
}

int fl_mail_parse_child(size_t memory_mb, unsigned seconds)
{
	int rc;

	/* nothing of the server's (its database, its sockets) stays open here */
	close_range(3, ~0u, 0);
	/* address space: what the program maps at start (its libraries, and a
	 * sanitizer's shadow in a test build) plus the budget; CPU is set per
	 * message (serve_one) */
	if (limit(RLIMIT_AS, (rlim_t)(mapped_now() + (memory_mb << 20)), RLIM_INFINITY) ||
	    limit(RLIMIT_FSIZE, 0, 0) || limit(RLIMIT_CORE, 0, 0) || limit(RLIMIT_NOFILE, 64, 64)) {
		fprintf(stderr, "frontline mail-parse: setrlimit: %s\n", strerror(errno));
		return 1;
	}
	while ((rc = serve_one(seconds)) == 0)
		;
	return rc == 1 ? 0 : 1;
}

/* ---- the server's side ------------------------------------------------- */

/* The parsers: up to `jobs` children, each kept for PARSER_MESSAGES
 * messages. Starting one costs some 14 ms of CPU (the dynamic linker,
 * GMime's start): a child a message capped mail at ~150 messages/s on two
 * cores, against the thousands it takes in process. A child that fails —
 * crashes, hits a limit, misses its deadline, answers garbage — is killed
 * and the slot starts a new one for the next message; one kept too long
 * could grow fragmented, so it is retired after PARSER_MESSAGES. A slot is
 * taken (busy) for one message at a time; the lock guards the table only,
 * never an exchange. */
#define PARSER_MESSAGES 1000

struct parser {
	pid_t pid; /* 0: none running */
	int fd;
	int busy;
	unsigned served;
	size_t memory_mb; /* the limits it was started with */
	unsigned seconds;
};

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cv;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static struct parser pool[PARSERS_MAX];

/* The condition waits on the monotonic clock, as the deadlines are: a
 * step of the wall clock neither cuts nor stretches a wait. */
static void pool_init(void)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pool_cv, &ca);
	pthread_condattr_destroy(&ca);
}

/* A free slot of the first `jobs`, marked busy; NULL when none frees up
 * before the deadline. */
static struct parser *take_slot(unsigned jobs, const struct timespec *deadline)
{
	struct parser *p = NULL;
	int rc = 0;

	pthread_mutex_lock(&pool_mu);
	while (!p && rc == 0) {
		for (unsigned i = 0; i < jobs && !p; i++)
			if (!pool[i].busy)
				p = &pool[i];
		if (!p)
			rc = pthread_cond_timedwait(&pool_cv, &pool_mu, deadline);
	}
	if (p)
		p->busy = 1;
	pthread_mutex_unlock(&pool_mu);
	return p;
}

static void give_slot(struct parser *p)
{
	pthread_mutex_lock(&pool_mu);
	p->busy = 0;
	pthread_cond_signal(&pool_cv);
	pthread_mutex_unlock(&pool_mu);
}

static int64_t ms_left(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* The environment a child gets: the sanitizers' settings and the locale,
 * never the server's secrets (FRONTLINE_DB holds a password). */
static char **child_env(char **env, size_t cap)
{
	static const char *const keep[] = {
		"ASAN_OPTIONS=", "UBSAN_OPTIONS=", "LSAN_OPTIONS=", "LANG=", "LC_ALL="};
	size_t k = 0;
	for (char **v = environ; v && *v && k + 1 < cap; v++)
		for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
			if (!strncmp(*v, keep[i], strlen(keep[i])))
				env[k++] = *v;
	env[k] = NULL;
	return env;
}

/* Starts the child with fd as its standard input and output. */
static int spawn(int fd, const struct fl_mail_limits *l, pid_t *pid)
{
	char mem[32], secs[32];
	char *argv[] = {"frontline", "mail-parse", "--memory", mem, "--seconds", secs, NULL};
	char *env[8];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int rc;

	snprintf(mem, sizeof mem, "%zu", l->memory_mb);
	snprintf(secs, sizeof secs, "%u", l->seconds);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, 0);
	posix_spawn_file_actions_adddup2(&fa, fd, 1);
	/* what a dying child prints (GLib's "failed to allocate", a sanitizer's
	 * report) is not the server's log: the server logs how it ended */
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&at);
	/* the server ignores SIGPIPE and its threads block signals: the child
	 * starts with neither */
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	rc = posix_spawn(pid, "/proc/self/exe", &fa, &at, argv, child_env(env, 8));
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/* Where an answer of `want` bytes goes: answers up to SPOOL_MIN into one
 * malloc'd buffer; larger ones (a message's attachments, decoded: megabytes)
 * into an unnamed temporary file (-1: none could be made, the heap then).
 * The file is read through a private mapping (fl_mail_parse_isolated), so
 * the attachments' bytes are the page cache's, not the server's heap: the
 * node's resident memory holds the one file being put in the folder
 * (fl_mail_file_release), not the whole answer beside the request body. */
#define SPOOL_MIN (1u << 20)
#define SPOOL_CHUNK (64u << 10) /* bytes of a spooled answer received at once */

static int spool_open(void)
{
	const char *dir = getenv("TMPDIR");
	int fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && dir && *dir)
		fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	return fd;
}

/* Sends raw to the parser, its length first (u64, little-endian), and
 * reads the answer's length and bytes: into *ans (malloc'd), or, when it
 * is over SPOOL_MIN, into the temporary file *spool (*ans NULL; -1 when
 * the answer is in *ans). 0 when all was read, -1 when the child closed
 * its end or failed, -2 when the deadline passed first, -3 when there was
 * no memory for the answer (or no room for it in the file). */
static int exchange(int fd, const char *raw, size_t n, const struct timespec *deadline, char **ans,
		    size_t *len, int *spool)
{
	unsigned char head[8], ahead[8];
	size_t sent = 0, total = n + 8, got = 0, want = 0;
	char *buf = NULL;
	int file = -1, why = -1;

	*spool = -1;
	for (size_t i = 0, k = n; i < 8; i++, k >>= 8)
		head[i] = (unsigned char)(k & 0xff);
	for (;;) {
		struct pollfd pfd = {fd, (short)(POLLIN | (sent < total ? POLLOUT : 0)), 0};
		int64_t left = ms_left(deadline);
		int k;
		if (left <= 0) {
			why = -2;
			break;
		}
		k = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
		if (k < 0 && errno != EINTR)
			break;
		if (k <= 0)
			continue;
		if (sent < total && (pfd.revents & POLLOUT)) {
			const char *from = sent < 8 ? (const char *)head + sent : raw + (sent - 8);
			size_t room = sent < 8 ? 8 - sent : total - sent;
			ssize_t w = send(fd, from, room < (1 << 16) ? room : (1 << 16),
					 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				break;
			if (w > 0)
				sent += (size_t)w;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			/* a spooled answer comes through buf, SPOOL_CHUNK bytes at a time */
			int to_file = got >= 8 && file >= 0;
			char *to = got < 8 ? (char *)ahead + got : to_file ? buf : buf + (got - 8);
			size_t room = got < 8 ? 8 - got : want - (got - 8);
			ssize_t r;
			if (to_file && room > SPOOL_CHUNK)
				room = SPOOL_CHUNK;
			r = recv(fd, to, room, MSG_DONTWAIT);
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
				break;
			if (r < 0)
				continue;
			if (to_file && write_all(file, buf, (size_t)r)) {
				why = -3; /* the temporary folder is full */
				break;
			}
			got += (size_t)r;
			if (got == 8) {
				uint64_t v = 0;
				for (int i = 7; i >= 0; i--)
					v = v << 8 | ahead[i];
				if (v > ANSWER_MAX)
					break;
				want = (size_t)v;
				if (want > SPOOL_MIN)
					file = spool_open();
				if (!(buf = malloc(file >= 0 ? SPOOL_CHUNK : want ? want : 1))) {
					why = -3;
					break;
				}
			}
			if (got >= 8 && got - 8 == want) {
				if (file >= 0) {
					free(buf);
					buf = NULL;
				}
				*ans = buf;
				*len = want;
				*spool = file;
				return 0;
			}
		}
	}
	free(buf);
	if (file >= 0)
		close(file);
	return why;
}

/* Starts a parser in slot p with the limits l, on one end of a socket pair. */
static int start(struct parser *p, const struct fl_mail_limits *l)
{
	int sv[2], rc;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return errno;
	rc = spawn(sv[1], l, &p->pid);
	close(sv[1]);
	if (rc) {
		close(sv[0]);
		p->pid = 0;
		return rc;
	}
	p->fd = sv[0];
	p->served = 0;
	p->memory_mb = l->memory_mb;
	p->seconds = l->seconds;
	return 0;
}

/* Ends the parser in slot p (idle, failed or dead already: a killed zombie
 * keeps its status) and returns its wait status. */
static int stop(struct parser *p)
{
	int status = 0;

	close(p->fd);
	kill(p->pid, SIGKILL);
	while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
		;
	p->pid = 0;
	return status;
}

void fl_mail_parse_stop(void)
{
	pthread_mutex_lock(&pool_mu);
	for (size_t i = 0; i < PARSERS_MAX; i++)
		if (!pool[i].busy && pool[i].pid)
			stop(&pool[i]);
	pthread_mutex_unlock(&pool_mu);
}

/* What a failed exchange says: our shortage, the deadline, or how the
 * child ended. */
static int failed(struct fl_err *e, int why, int status, unsigned seconds)
{
	if (why == -3)
		return fl_err_set(e, FL_ENOMEM, NULL, NULL,
				  "no memory for the mail parser's answer");
	if (why == -2)
		return fl_err_set(e, FL_EBUSY, NULL, NULL, "the mail parser took more than %u s",
				  seconds);
	if (WIFSIGNALED(status))
		return fl_err_set(e, FL_EBUSY, NULL, NULL,
				  "the mail parser was killed by signal %d (%s)%s",
				  WTERMSIG(status), strsignal(WTERMSIG(status)),
				  WTERMSIG(status) == SIGXCPU ? ": over its CPU time"
				  : WTERMSIG(status) == SIGABRT || WTERMSIG(status) == SIGSEGV
					  ? ": out of memory, or a crash"
					  : "");
	return fl_err_set(e, FL_EBUSY, NULL, NULL, "the mail parser failed (exit status %d)",
			  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* A spooled answer's mapping, unmapped when the arena is freed. */
struct mapped {
	void *p;
	size_t n;
};

static void unmap(void *arg)
{
	struct mapped *m = arg;
	munmap(m->p, m->n);
	free(m);
}

/* Maps the n bytes of the spooled answer in fd (closed here) privately:
 * the decoder checks addresses in place, and what it writes stays ours. */
static char *map_answer(int fd, size_t n, fl_arena *a)
{
	struct mapped *m = malloc(sizeof *m);
	void *p = m ? mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) : MAP_FAILED;

	close(fd);
	if (p == MAP_FAILED) {
		free(m);
		return NULL;
	}
	m->p = p;
	m->n = n;
	return fl_arena_on_free(a, unmap, m) ? NULL : p;
}

void fl_mail_file_release(const struct fl_mail *m, size_t i)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t from, to;

	if (!m->spooled || i >= m->nfiles || page <= 0)
		return;
	/* the whole pages inside the file's bytes only: the pages at its ends
	 * may hold the strings around it, which are still read */
	from = ((uintptr_t)m->files[i].data + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	to = ((uintptr_t)m->files[i].data + m->files[i].n) & ~((uintptr_t)page - 1);
	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
}

int fl_mail_parse_isolated(const char *raw, size_t n, fl_arena *a, struct fl_mail *out,
			   struct fl_err *e)
{
	struct fl_mail_limits l;
	struct timespec deadline;
	struct fl_mail m;
	struct parser *p;
	char *ans = NULL;
	size_t len = 0;
	int rc, why, child_rc = 0, spool = -1;

	if (n > FL_MAIL_MAX_BYTES)
		return fl_err_set(e, FL_ETOOBIG, NULL, NULL, "the message is larger than %u bytes",
				  FL_MAIL_MAX_BYTES);
	l = configured;
	pthread_once(&pool_once, pool_init);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += l.seconds;
	if (!(p = take_slot(l.jobs, &deadline)))
		return fl_err_set(e, FL_EBUSY, NULL, NULL,
				  "all %u mail parsers stayed busy for %u s", l.jobs, l.seconds);
	/* the parse has its whole time, however long it waited for a slot */
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += l.seconds;
	/* a parser that served its share, or was started under other limits,
	 * makes way for a new one */
	if (p->pid && (p->served >= PARSER_MESSAGES || p->memory_mb != l.memory_mb ||
		       p->seconds != l.seconds))
		stop(p);
	if (!p->pid && (rc = start(p, &l))) {
		give_slot(p);
		return fl_err_set(e, FL_EBUSY, NULL, NULL, "starting the mail parser: %s",
				  strerror(rc));
	}
	if ((why = exchange(p->fd, raw, n, &deadline, &ans, &len, &spool))) {
		rc = failed(e, why, stop(p), l.seconds);
	} else if (spool >= 0 && !(ans = map_answer(spool, len, a))) {
		/* the answer was whole: the child may serve the next message */
		rc = fl_err_set(e, FL_ENOMEM, NULL, NULL, "no memory for the mail parser's answer");
	} else if (fl_mail_decode(ans, len, &child_rc, &m, e)) {
		stop(p); /* it answers what no parser of ours writes */
		rc = fl_err_set(e, FL_EBUSY, NULL, NULL,
				"the mail parser's answer does not decode");
	} else {
		p->served++;
		m.spooled = spool >= 0;
		/* *out points into it: a mapping the arena unmaps already */
		rc = spool >= 0 ? 0 : fl_arena_on_free(a, free, ans);
		ans = NULL; /* the arena's now (freed already when rc says so) */
	}
	give_slot(p);
	if (rc || child_rc) {
		if (spool < 0)
			free(ans);
		return rc ? rc : child_rc;
	}
	*out = m;
	return 0;
}
