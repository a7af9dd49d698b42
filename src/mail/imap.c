/* Polling IMAP mailboxes with libcurl (mail/imap.h tells the rules). */
#include "mail/imap.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/time.h"
#include "mail/deliver.h"
#include "store/jobs.h"
#include "store/mail.h"

/* The IMAP keywords: taken (in a committed transaction), or refused for
 * good (not a message, too large): never fetched again either way. */
#define TAKEN "FrontlineTaken"
#define REFUSED "FrontlineRefused"

struct buf {
	char *p;
	size_t n, cap;
	int over; /* more than FL_MAIL_MAX_BYTES came */
};

static size_t collect(char *p, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t n = size * nmemb;

	if (b->n + n > FL_MAIL_MAX_BYTES) {
		b->over = 1;
		return n; /* read on, keep nothing more */
	}
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *q = realloc(b->p, cap);
		if (!q)
			return 0;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = 0;
	return n;
}

/* Runs one command (custom, or a fetch when cmd is NULL) on folder's URL
 * (with ";UID=n" for a fetch); the answer in b. */
static CURLcode run(CURL *c, const struct fl_mailbox *mb, const char *cmd, long uid, struct buf *b)
{
	char url[1024];

	b->n = 0;
	b->over = 0;
	if (uid)
		snprintf(url, sizeof url, "%s/%s;UID=%ld", mb->url, mb->folder, uid);
	else
		snprintf(url, sizeof url, "%s/%s", mb->url, mb->folder);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, cmd);
	return curl_easy_perform(c);
}

/* Opens the folder read-write (SELECT) or read-only (EXAMINE, RFC 3501
 * section 6.3.2). libcurl fetches with BODY[], which sets \Seen on a
 * folder opened read-write (section 6.4.5), and it has no BODY.PEEK[]: a
 * fetch in a folder we EXAMINEd marks nothing, so a message whose ticket
 * is not committed (the parser's child died, the disk is full) stays
 * unseen. libcurl keeps the folder it selected and does not select it
 * again while the connection lives. */
static CURLcode open_folder(CURL *c, const struct fl_mailbox *mb, int writable, struct buf *b)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "%s \"%s\"", writable ? "SELECT" : "EXAMINE", mb->folder);
	return run(c, mb, cmd, 0, b);
}

/* Marks uid with keyword (and seen), and moves it when the mailbox says. */
static CURLcode mark(CURL *c, const struct fl_mailbox *mb, long uid, const char *keyword,
		     struct buf *b)
{
	char cmd[300];
	CURLcode cc;

	snprintf(cmd, sizeof cmd, "UID STORE %ld +FLAGS (%s \\Seen)", uid, keyword);
	cc = open_folder(c, mb, 1, b);
	if (cc == CURLE_OK)
		cc = run(c, mb, cmd, 0, b);
	if (cc == CURLE_OK && mb->move_to && *mb->move_to) {
		snprintf(cmd, sizeof cmd, "UID MOVE %ld \"%s\"", uid, mb->move_to);
		cc = run(c, mb, cmd, 0, b);
	}
	return cc;
}

int fl_imap_poll(fl_store *s, const struct fl_mailbox *mb, size_t max, size_t *taken,
		 struct fl_err *e)
{
	struct buf b = {0};
	long uids[FL_IMAP_BATCH];
	size_t nuids = 0;
	CURLcode cc;
	CURL *c = curl_easy_init();
	int rc = 0;

	*taken = 0;
	if (!c)
		return FL_ENOMEM;
	curl_easy_setopt(c, CURLOPT_USERNAME, mb->username);
	/* nothing but the protocol meant, whatever a stored URL says */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(c, CURLOPT_PASSWORD, mb->password);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	if (mb->starttls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	cc = run(c, mb, "UID SEARCH UNKEYWORD " TAKEN " UNKEYWORD " REFUSED, 0, &b);
	if (cc != CURLE_OK) {
		rc = fl_err_set(e, FL_EBUSY, NULL, NULL, "%s: %s", mb->url, curl_easy_strerror(cc));
		goto out;
	}
	/* "* SEARCH 3 4 7" */
	for (const char *p = b.p ? strstr(b.p, "SEARCH") : NULL;
	     p && nuids < max && nuids < FL_IMAP_BATCH;) {
		char *end;
		long uid;
		p += strcspn(p, "0123456789\r\n");
		if (*p < '0' || *p > '9')
			break;
		uid = strtol(p, &end, 10);
		uids[nuids++] = uid;
		p = end;
	}
	for (size_t i = 0; i < nuids && !rc; i++) {
		fl_arena a;
		struct fl_err why = {0};
		struct fl_delivery *d;
		int parsed;

		cc = open_folder(c, mb, 0, &b);
		if (cc == CURLE_OK)
			cc = run(c, mb, NULL, uids[i], &b);
		if (cc != CURLE_OK) {
			rc = fl_err_set(e, FL_EBUSY, NULL, NULL, "fetching %ld: %s", uids[i],
					curl_easy_strerror(cc));
			break;
		}
		fl_arena_init(&a, 0);
		d = fl_arena_alloc(&a, sizeof *d);
		if (!d) {
			fl_arena_free(&a);
			rc = FL_ENOMEM;
			break;
		}
		*d = (struct fl_delivery){
			.store = s, .via = {mb->owner_id, FL_ROLE_ADMIN}, .arena = &a, .err = &why};
		rc = b.over ? fl_err_set(&why, FL_ETOOBIG, NULL, NULL, "larger than %u bytes",
					 FL_MAIL_MAX_BYTES)
			    : fl_delivery_prepare(d, b.p ? b.p : "", b.n);
		parsed = rc != FL_EBUSY;
		if (!rc)
			rc = fl_store_write(s, fl_delivery_tx, d);
		fl_arena_free(&a);
		if (!parsed) {
			/* the parser's child failed on this one: unseen and unmarked,
			 * tried again next poll; the messages after it go on */
			fl_log("warn", "mailbox %lld: message %ld left for the next poll: %s",
			       (long long)mb->id, uids[i],
			       why.msg[0] ? why.msg : fl_err_describe(rc));
			rc = 0;
			continue;
		}
		if (rc == FL_EINVAL || rc == FL_ETOOBIG) {
			/* never a ticket: set aside, and say so */
			fl_log("warn", "mailbox %lld: message %ld refused: %s", (long long)mb->id,
			       uids[i], why.msg[0] ? why.msg : fl_err_describe(rc));
			rc = 0;
			cc = mark(c, mb, uids[i], REFUSED, &b);
		} else if (!rc) {
			/* committed: now, and only now, it is taken */
			(*taken)++;
			cc = mark(c, mb, uids[i], TAKEN, &b);
		} else {
			fl_err_set(e, rc, NULL, NULL, "message %ld: %s", uids[i],
				   why.msg[0] ? why.msg : fl_err_describe(rc));
			break;
		}
		if (cc != CURLE_OK) /* taken again next time: the Message-ID keeps it once */
			rc = fl_err_set(e, FL_EBUSY, NULL, NULL, "flagging %ld: %s", uids[i],
					curl_easy_strerror(cc));
	}
out:
	free(b.p);
	curl_easy_cleanup(c);
	return rc;
}

struct boxes {
	fl_arena *a;
	struct fl_mailbox *list;
	size_t n;
};

static int tx_boxes(fl_tx *tx, void *arg)
{
	struct boxes *b = arg;
	return fl_store_mailbox_list(tx, 1, b->a, &b->list, &b->n);
}

struct polled {
	int64_t id;
	const char *error;
};

static int tx_polled(fl_tx *tx, void *arg)
{
	struct polled *p = arg;
	return fl_store_mailbox_polled(tx, p->id, fl_now(), p->error);
}

int fl_imap_poll_job(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	fl_arena a;
	struct boxes b = {&a, NULL, 0};
	int rc;

	(void)job;
	(void)e;
	fl_arena_init(&a, 0);
	rc = fl_store_read(s, tx_boxes, &b);
	for (size_t i = 0; !rc && i < b.n; i++) {
		struct fl_err why = {0};
		size_t taken;
		int r = fl_imap_poll(s, &b.list[i], FL_IMAP_BATCH, &taken, &why);
		struct polled p = {b.list[i].id,
				   r ? (why.msg[0] ? why.msg : fl_err_describe(r)) : NULL};
		/* one mailbox's trouble is its own: recorded, and the others go on */
		fl_store_write(s, tx_polled, &p);
	}
	fl_arena_free(&a);
	return rc;
}
