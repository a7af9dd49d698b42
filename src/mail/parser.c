/* The mail parser in a child process, and the format its answer comes
 * back in (mail/parser.h tells the rules). */
#include "mail/parser.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

#define TRY(x)                         \
	do {                           \
		if ((rc = (x)))        \
			return rc;     \
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

static unsigned env_unsigned(const char *name, unsigned fallback, unsigned max)
{
	const char *v = getenv(name);
	int64_t x;
	if (!v || fl_str_to_i64(fl_str_c(v), &x) || x < 1 || x > (int64_t)max)
		return fallback;
	return (unsigned)x;
}

void fl_mail_limits_get(struct fl_mail_limits *l)
{
	l->memory_mb = env_unsigned("FRONTLINE_MAIL_PARSE_MEMORY", 1024, 1 << 20);
	l->seconds = env_unsigned("FRONTLINE_MAIL_PARSE_TIME", 30, 3600);
	l->jobs = env_unsigned("FRONTLINE_MAIL_PARSE_JOBS", 4, 256);
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

static int limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = {soft, hard};
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

int fl_mail_parse_child(size_t memory_mb, unsigned seconds)
{
	size_t cap = 1 << 16, n = 0;
	char *raw = NULL;
	struct fl_err e = {0};
	struct fl_mail m;
	fl_arena a;
	fl_buf out;
	int rc;

	/* nothing of the server's (its database, its sockets) stays open here */
	close_range(3, ~0u, 0);
	/* address space: what the program maps at start (its libraries, and a
	 * sanitizer's shadow in a test build) plus the budget */
	if (limit(RLIMIT_AS, (rlim_t)(mapped_now() + (memory_mb << 20)), RLIM_INFINITY) ||
	    limit(RLIMIT_CPU, seconds, seconds + 1) || limit(RLIMIT_FSIZE, 0, 0) ||
	    limit(RLIMIT_CORE, 0, 0) || limit(RLIMIT_NOFILE, 64, 64)) {
		fprintf(stderr, "frontline mail-parse: setrlimit: %s\n", strerror(errno));
		return 1;
	}
	for (;;) {
		ssize_t k;
		if (n == cap || !raw) {
			char *q = cap > FL_MAIL_MAX_BYTES ? NULL : realloc(raw, raw ? cap * 2 : cap);
			if (!q)
				break;
			cap = raw ? cap * 2 : cap;
			raw = q;
		}
		k = read(0, raw + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	fl_arena_init(&a, 0);
	fl_buf_init(&out, ANSWER_MAX);
	if (!raw)
		rc = FL_ENOMEM;
	else if (n > FL_MAIL_MAX_BYTES)
		rc = fl_err_set(&e, FL_ETOOBIG, NULL, NULL, "the message is larger than %u bytes",
				FL_MAIL_MAX_BYTES);
	else
		rc = fl_mail_parse(raw, n, &a, &m, &e);
	if (fl_mail_encode(&out, rc, &m, &e)) {
		fl_buf_reset(&out);
		fl_err_set(&e, FL_ETOOBIG, NULL, NULL, "the message's parts are too large once decoded");
		rc = fl_mail_encode(&out, FL_ETOOBIG, NULL, &e);
	} else {
		rc = 0;
	}
	if (!rc)
		rc = write_all(1, out.p, out.n);
	fl_buf_free(&out);
	fl_arena_free(&a);
	free(raw);
	return rc ? 1 : 0;
}

/* ---- the server's side ------------------------------------------------- */

/* Children at once: a slot is taken before a child starts and given back
 * when it has been reaped. */
static pthread_mutex_t jobs_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_cv = PTHREAD_COND_INITIALIZER;
static unsigned jobs_running;

static int take_slot(unsigned jobs, const struct timespec *deadline)
{
	int rc = 0;
	pthread_mutex_lock(&jobs_mu);
	while (jobs_running >= jobs && rc == 0)
		rc = pthread_cond_timedwait(&jobs_cv, &jobs_mu, deadline);
	if (jobs_running < jobs) {
		jobs_running++;
		rc = 0;
	}
	pthread_mutex_unlock(&jobs_mu);
	return rc ? -1 : 0;
}

static void give_slot(void)
{
	pthread_mutex_lock(&jobs_mu);
	jobs_running--;
	pthread_cond_signal(&jobs_cv);
	pthread_mutex_unlock(&jobs_mu);
}

static int64_t ms_left(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* The environment a child gets: the sanitizers' settings and the locale,
 * never the server's secrets (FRONTLINE_DB holds a password). */
static char **child_env(char **env, size_t cap)
{
	static const char *const keep[] = {"ASAN_OPTIONS=", "UBSAN_OPTIONS=", "LSAN_OPTIONS=",
					   "LANG=", "LC_ALL="};
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

/* Sends raw to the child and reads its answer into *ans (malloc'd) until
 * it closes its end or the deadline passes (-1). */
static int exchange(int fd, const char *raw, size_t n, const struct timespec *deadline,
		    char **ans, size_t *len)
{
	size_t sent = 0, cap = 0, got = 0;
	char *buf = NULL;

	if (!n)
		shutdown(fd, SHUT_WR);
	for (;;) {
		struct pollfd pfd = {fd, (short)(POLLIN | (sent < n ? POLLOUT : 0)), 0};
		int64_t left = ms_left(deadline);
		int k;
		if (left <= 0)
			break;
		k = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
		if (k < 0 && errno != EINTR)
			break;
		if (k <= 0)
			continue;
		if (sent < n && (pfd.revents & POLLOUT)) {
			ssize_t w = send(fd, raw + sent, n - sent < (1 << 16) ? n - sent : (1 << 16),
					 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w > 0 && (sent += (size_t)w) == n)
				shutdown(fd, SHUT_WR);
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				sent = n; /* the child is gone: read what it said */
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r;
			if (got == cap) {
				size_t ncap = cap ? cap * 2 : 1 << 16;
				char *q = ncap > ANSWER_MAX + 1 ? NULL : realloc(buf, ncap);
				if (!q)
					break;
				buf = q;
				cap = ncap;
			}
			r = recv(fd, buf + got, cap - got, MSG_DONTWAIT);
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
				*ans = buf;
				*len = got;
				return 0;
			}
			if (r > 0)
				got += (size_t)r;
		}
	}
	free(buf);
	return -1;
}

/* Waits for the child until the deadline, then kills it; its status. */
static int reap(pid_t pid, const struct timespec *deadline, int kill_now)
{
	int status = 0;
	if (!kill_now)
		while (ms_left(deadline) > 0) {
			pid_t w = waitpid(pid, &status, WNOHANG);
			if (w == pid)
				return status;
			if (w < 0 && errno != EINTR)
				return -1;
			usleep(2000);
		}
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

int fl_mail_parse_isolated(const char *raw, size_t n, fl_arena *a, struct fl_mail *out,
			   struct fl_err *e)
{
	struct fl_mail_limits l;
	struct timespec deadline;
	struct fl_mail m;
	char *ans = NULL;
	size_t len = 0;
	pid_t pid;
	int sv[2], rc, status, child_rc = 0, talked;

	if (n > FL_MAIL_MAX_BYTES)
		return fl_err_set(e, FL_ETOOBIG, NULL, NULL, "the message is larger than %u bytes",
				  FL_MAIL_MAX_BYTES);
	fl_mail_limits_get(&l);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += l.seconds;
	if (take_slot(l.jobs, &deadline))
		return fl_err_set(e, FL_EBUSY, NULL, NULL,
				  "all %u mail parsers stayed busy for %u s", l.jobs, l.seconds);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		give_slot();
		return fl_err_set(e, FL_EBUSY, NULL, NULL, "socketpair: %s", strerror(errno));
	}
	rc = spawn(sv[1], &l, &pid);
	close(sv[1]);
	if (rc) {
		close(sv[0]);
		give_slot();
		return fl_err_set(e, FL_EBUSY, NULL, NULL, "starting the mail parser: %s",
				  strerror(rc));
	}
	talked = exchange(sv[0], raw, n, &deadline, &ans, &len) == 0;
	close(sv[0]);
	status = reap(pid, &deadline, !talked);
	give_slot();
	if (!talked)
		rc = fl_err_set(e, FL_EBUSY, NULL, NULL, "the mail parser took more than %u s",
				l.seconds);
	else if (WIFSIGNALED(status))
		rc = fl_err_set(e, FL_EBUSY, NULL, NULL,
				"the mail parser was killed by signal %d (%s)%s", WTERMSIG(status),
				strsignal(WTERMSIG(status)),
				WTERMSIG(status) == SIGXCPU ? ": over its CPU time"
				: WTERMSIG(status) == SIGABRT || WTERMSIG(status) == SIGSEGV
					? ": out of memory, or a crash"
					: "");
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		rc = fl_err_set(e, FL_EBUSY, NULL, NULL, "the mail parser failed (exit status %d)",
				WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else if (fl_mail_decode(ans, len, &child_rc, &m, e))
		rc = fl_err_set(e, FL_EBUSY, NULL, NULL, "the mail parser's answer does not decode");
	else {
		rc = fl_arena_on_free(a, free, ans); /* *out points into it */
		ans = NULL; /* the arena's now (freed already when rc says so) */
	}
	if (rc || child_rc) {
		free(ans);
		return rc ? rc : child_rc;
	}
	*out = m;
	return 0;
}
