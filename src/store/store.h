/* The store: everything Frontline keeps, behind one narrow interface.
 *
 * Work runs in transactions given as callbacks. fl_store_read runs one on
 * this thread against a pooled read connection (a consistent snapshot).
 * Writes go to the single writer thread, which gathers the transactions
 * waiting at that moment into one database transaction (each in its own
 * savepoint, so one failure rolls back only its own work) and commits them
 * with one fsync: group commit. A write call returns, or its done callback
 * runs, only after the commit is durable. A callback must not touch the
 * network or reply to anyone: it may be retried.
 *
 * Query functions return 0, FL_ENOTFOUND, FL_ECONFLICT (uniqueness) or a
 * storage error; strings they return are copied into the arena given. */
#ifndef FL_STORE_STORE_H
#define FL_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "attachments/attachment.h"
#include "search/query.h"
#include "tickets/ticket.h"
#include "users/user.h"
#include "views/view.h"

typedef struct fl_store fl_store;
typedef struct fl_tx fl_tx;
typedef int (*fl_tx_fn)(fl_tx *tx, void *arg);

struct fl_store_opts {
	const char *target; /* the SQLite file, or a postgres:// URI */
	int sync_full;      /* fsync every commit (on PostgreSQL: wait for the WAL) */
	size_t pool;        /* read connections at most (0: 64) */
	size_t writers;     /* writer threads where the database takes several
			     * (PostgreSQL; 0: 4); SQLite has one */
	const char *files;  /* the folder for attachments' bytes; NULL or "":
			     * in the database */
};

int fl_store_open(fl_store **out, const struct fl_store_opts *o, struct fl_err *e);
/* Waits for queued writes to commit, then closes. Accepts NULL. */
void fl_store_free(fl_store *s);

int fl_store_read(fl_store *s, fl_tx_fn fn, void *arg);
int fl_store_write(fl_store *s, fl_tx_fn fn, void *arg);
/* Queues fn; done(done_arg, rc) runs on the writer thread after commit (or
 * failure). Returns FL_EBUSY when the store is closing. */
int fl_store_write_async(fl_store *s, fl_tx_fn fn, void *arg,
			 void (*done)(void *done_arg, int rc), void *done_arg);

/* Attachments' bytes in the folder (fl_store_opts.files): written and
 * fsynced under their digest before the row that names them commits;
 * opened for reading (*fd is the caller's to close). fl_store_files_in_db
 * says whether there is no folder. */
int fl_store_files_in_db(const fl_store *s);
int fl_store_file_put(fl_store *s, const char *digest, const void *p, size_t n,
		      struct fl_err *e);
int fl_store_file_open(fl_store *s, const char *digest, int *fd, size_t *size);
/* Forgets uploads no comment claimed that came before before: their rows,
 * their bytes, and folder files no attachment names any more; *n says how
 * many. At most 1000 a call. */
int fl_store_upload_purge(fl_store *s, int64_t before, int64_t *n);

/* attachments: x->in_db says whether data goes into the database */
int fl_store_attachment_insert(fl_tx *tx, struct fl_attachment *x, const void *data, size_t n);
int fl_store_attachment_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_attachment *out);
/* The bytes of an attachment kept in the database, copied into a. */
int fl_store_attachment_data(fl_tx *tx, int64_t id, fl_arena *a, void **p, size_t *n);
/* Gives the upload with token, if uploader_id uploaded it and no comment
 * has it yet, to comment_id of ticket_id; FL_ENOTFOUND otherwise. */
int fl_store_attachment_claim(fl_tx *tx, const char *token, int64_t uploader_id,
			      int64_t ticket_id, int64_t comment_id);
/* The attachments of a ticket's comments, in order. */
int fl_store_attachment_list(fl_tx *tx, int64_t ticket_id, fl_arena *a,
			     struct fl_attachment **out, size_t *n);

/* e-mail threading: the ticket a Message-ID (without <>) is on
 * (FL_ENOTFOUND when none), and recording one */
int fl_store_mail_ticket(fl_tx *tx, const char *message_id, int64_t *ticket_id);
int fl_store_mail_record(fl_tx *tx, const char *message_id, int64_t ticket_id, int outbound,
			 int64_t now);
/* The ticket's last max Message-IDs, oldest first, and the newest one
 * received (NULL when none). */
int fl_store_mail_thread(fl_tx *tx, int64_t ticket_id, fl_arena *a, char **ids, size_t max,
			 size_t *n, char **last_in);

/* Mail trust (mail/inbound.h, mail/outbound.h). fl_store_mail_auto_take
 * takes, for the automatic mail message_id to email, one of the limit an
 * address may get in the 24 hours before now: *taken is 1 when one was
 * left or message_id took it before (a retried send), 0 when they are used
 * up. fl_store_mail_own_address: 0 when email (lower case) is ours — the
 * mail.from setting or an IMAP mailbox's username — else FL_ENOTFOUND. */
int fl_store_mail_auto_take(fl_tx *tx, const char *email, const char *message_id, int64_t limit,
			    int64_t now, int *taken);
int fl_store_mail_own_address(fl_tx *tx, const char *email);
/* Mail kept out of the tickets, and why (GET /api/v2/mail/quarantine). */
struct fl_quarantine {
	int64_t id;
	char *message_id; /* without <>, or NULL */
	char *sender, *subject, *body, *reason;
	int64_t created_at;
};
/* Adds q (q->id set; a Message-ID kept before: nothing, q->id 0). */
int fl_store_quarantine_add(fl_tx *tx, struct fl_quarantine *q);
/* 0 when message_id was quarantined, else FL_ENOTFOUND. */
int fl_store_quarantine_seen(fl_tx *tx, const char *message_id);
/* Up to limit, newest first, those before before_id (0: from the newest). */
int fl_store_quarantine_list(fl_tx *tx, int64_t before_id, size_t limit, fl_arena *a,
			     struct fl_quarantine **out, size_t *n);

/* IMAP mailboxes (mail/imap.h) */
struct fl_mailbox {
	int64_t id;
	char *url, *username, *password, *folder, *move_to; /* move_to: NULL to flag */
	int starttls, active;
	int64_t owner_id;
	int64_t last_polled_at;
	char *last_error;
	int64_t created_at, updated_at;
};
int fl_store_mailbox_insert(fl_tx *tx, struct fl_mailbox *mb);
int fl_store_mailbox_list(fl_tx *tx, int active_only, fl_arena *a, struct fl_mailbox **out,
			  size_t *n);
int fl_store_mailbox_delete(fl_tx *tx, int64_t id);
int fl_store_mailbox_polled(fl_tx *tx, int64_t id, int64_t when, const char *error);

/* Live events. In a write transaction: once it commits, the listener of
 * every node on this database (one on SQLite) gets payload. */
int fl_store_notify(fl_tx *tx, const char *payload);
/* Calls fn(arg, payload), on a thread of the store's, for every event
 * committed from now until fl_store_free; after the connection to the
 * database was lost and found again, with "reset {}" (events may have been
 * missed). One listener a store. */
int fl_store_listen(fl_store *s, void (*fn)(void *arg, const char *payload), void *arg);

int fl_store_backup(fl_store *s, const char *path,
		    void (*progress)(void *arg, int done, int total), void *arg,
		    struct fl_err *e);

/* Copies everything in from into to (frontline migrate), calling
 * progress(done, total) with rows copied. to must hold no data unless
 * resume is set: then the copy goes on after the rows to already has.
 * Stop serving from first. e must not be NULL. */
int fl_store_copy(fl_store *from, fl_store *to, int resume,
		  void (*progress)(void *arg, uint64_t done, uint64_t total), void *arg,
		  struct fl_err *e);

/* One table as fl_store_compare found it in stores a and b. */
struct fl_table_check {
	const char *table;
	int64_t rows_a, rows_b;
	int same; /* the same rows: counts and checksums agree */
};
/* Compares every table of a and b (cap entries in out); 0 when all are the
 * same, FL_ECONFLICT when some differ, else the error (e not NULL). */
int fl_store_compare(fl_store *a, fl_store *b, struct fl_table_check *out, size_t cap,
		     size_t *n, struct fl_err *e);

/* Microseconds spent in transactions and their count, for /metrics. */
void fl_store_stats(fl_store *s, uint64_t *tx_us, uint64_t *tx_count,
		    uint64_t *commits, uint64_t *batched);

/* 1 once the store is fenced: a failed fsync (or another write failure
 * after which what the disk holds is unknown) of the database or the
 * attachments folder stopped every write for the life of the process.
 * Writes then fail with FL_EFENCED at once, without reaching the database;
 * reads go on. *why gets a sentence for the operator (the store's, fixed
 * from then on) and *since when it happened (unix seconds). 0 otherwise,
 * and the out parameters are left alone. Costs an atomic load. */
int fl_store_fenced(fl_store *s, const char **why, int64_t *since);

/* settings (key/value) */
int fl_store_setting_get(fl_tx *tx, const char *key, fl_arena *a, char **out);
int fl_store_setting_set(fl_tx *tx, const char *key, const char *value);

/* users and identities */
int fl_store_user_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_user *out);
int fl_store_user_by_email(fl_tx *tx, const char *email, fl_arena *a,
			   struct fl_user *out);
int fl_store_user_insert(fl_tx *tx, struct fl_user *u);
int fl_store_user_update(fl_tx *tx, const struct fl_user *u);
int fl_store_user_set_password(fl_tx *tx, int64_t id, const char *hash, int must_change);
int fl_store_user_touch_login(fl_tx *tx, int64_t id, int64_t when);
int fl_store_user_list(fl_tx *tx, int role, const char *text, int64_t org_id,
		       size_t offset, size_t limit, fl_arena *a,
		       struct fl_user **out, size_t *n, int64_t *total);
int fl_store_identity_add(fl_tx *tx, struct fl_identity *id);
/* Gives user from's identities and ticket CCs to user into. */
int fl_store_user_absorb(fl_tx *tx, int64_t from, int64_t into);
int fl_store_identity_list(fl_tx *tx, int64_t user_id, fl_arena *a,
			   struct fl_identity **out, size_t *n);
int fl_store_user_count(fl_tx *tx, int64_t *n);

/* organizations and groups */
int fl_store_org_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_org *out);
int fl_store_org_insert(fl_tx *tx, struct fl_org *o);
int fl_store_org_update(fl_tx *tx, const struct fl_org *o);
int fl_store_org_delete(fl_tx *tx, int64_t id);
int fl_store_org_list(fl_tx *tx, const char *text, size_t offset, size_t limit,
		      fl_arena *a, struct fl_org **out, size_t *n, int64_t *total);
int fl_store_group_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_group *out);
int fl_store_group_insert(fl_tx *tx, struct fl_group *g);
/* The live group called name; FL_ENOTFOUND when none. */
int fl_store_group_by_name(fl_tx *tx, const char *name, int64_t *id);
int fl_store_group_update(fl_tx *tx, const struct fl_group *g);
int fl_store_group_list(fl_tx *tx, size_t offset, size_t limit, fl_arena *a,
			struct fl_group **out, size_t *n, int64_t *total);
int fl_store_group_member_add(fl_tx *tx, int64_t group_id, int64_t user_id);

/* API tokens and browser sessions: a public selector finds the row, the
 * caller compares the verifier hash in constant time. */
struct fl_secret_row {
	int64_t id, user_id;
	char *verifier; /* hex hash */
	char *csrf;     /* sessions only */
	int64_t expires_at;
};
int fl_store_token_insert(fl_tx *tx, int64_t user_id, const char *selector,
			  const char *verifier, const char *description, int64_t *id);
int fl_store_token_find(fl_tx *tx, const char *selector, fl_arena *a,
			struct fl_secret_row *out);
struct fl_token_info {
	int64_t id, user_id, created_at;
	char *description;
};
/* The tokens of user_id (0: everyone's), newest first, at most 1000. */
int fl_store_token_list(fl_tx *tx, int64_t user_id, fl_arena *a,
			struct fl_token_info **out, size_t *n);
/* Deletes token id if it belongs to user_id (0: anyone); FL_ENOTFOUND if not. */
int fl_store_token_delete(fl_tx *tx, int64_t id, int64_t user_id);
int fl_store_session_insert(fl_tx *tx, int64_t user_id, const char *selector,
			    const char *verifier, const char *csrf, int64_t expires_at);
int fl_store_session_find(fl_tx *tx, const char *selector, fl_arena *a,
			  struct fl_secret_row *out);
int fl_store_session_delete(fl_tx *tx, const char *selector);
/* Deletes sessions that expired before now. */
int fl_store_session_purge(fl_tx *tx, int64_t now);
/* Ends every session of user_id but the one with keep_selector (may be NULL). */
int fl_store_session_delete_user(fl_tx *tx, int64_t user_id, const char *keep_selector);

/* Sign-in links e-mailed to customers (portal/magic.h): the selector finds
 * the row, the caller compares the hash in constant time. */
struct fl_magic_row {
	int64_t id, user_id;
	char *token_hash; /* hex */
	int64_t expires_at;
	int64_t used_at;  /* 0: not used */
};
int fl_store_magic_insert(fl_tx *tx, int64_t user_id, const char *selector,
			  const char *token_hash, int64_t created_at, int64_t expires_at);
int fl_store_magic_find(fl_tx *tx, const char *selector, fl_arena *a, struct fl_magic_row *out);
/* Marks link id used at now; FL_ENOTFOUND when it was used already. */
int fl_store_magic_use(fl_tx *tx, int64_t id, int64_t now);
/* Deletes the links that expired by now. */
int fl_store_magic_purge(fl_tx *tx, int64_t now);

/* tickets */
enum fl_sort { FL_SORT_ID, FL_SORT_CREATED, FL_SORT_UPDATED, FL_SORT_PRIORITY,
	       FL_SORT_STATUS, FL_SORT_RELEVANCE, FL_SORT__MAX };

struct fl_page {
	int sort, desc;
	size_t limit;             /* rows wanted; at most 100 */
	int has_after;            /* keyset cursor: rows after (after_key, after_id) */
	int64_t after_key, after_id;
	size_t offset;            /* offset paging, when there is no cursor */
};

int fl_store_ticket_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_ticket *out);
int fl_store_ticket_insert(fl_tx *tx, struct fl_ticket *t);
int fl_store_ticket_update(fl_tx *tx, const struct fl_ticket *t, int tags_changed,
			   int ccs_changed, int subject_changed);
/* Tickets matching f (live ones only), in page order; loads limit+1 rows so
 * that *n > limit tells the caller there is more. With text terms and
 * relevance sort, fills each ticket's snippet. */
int fl_store_ticket_find(fl_tx *tx, const struct fl_filter *f,
			 const struct fl_page *pg, fl_arena *a,
			 struct fl_ticket **out, size_t *n);
int fl_store_ticket_count(fl_tx *tx, const struct fl_filter *f, int64_t *n);
int64_t fl_store_ticket_sort_key(const struct fl_ticket *t, int sort);

int fl_store_comment_insert(fl_tx *tx, struct fl_comment *c);
/* Tickets requester opened by mail since since. */
int fl_store_ticket_recent(fl_tx *tx, int64_t requester, int64_t since, int64_t *n);
/* Tickets requester opened on channel since since. */
int fl_store_ticket_recent_on(fl_tx *tx, int64_t requester, int64_t since, int channel,
			      int64_t *n);
/* The highest ticket id there is (0 when none). */
int fl_store_ticket_last_id(fl_tx *tx, int64_t *id);
int fl_store_comment_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_comment *out);
int fl_store_comment_list(fl_tx *tx, int64_t ticket_id, int public_only,
			  const struct fl_page *pg, fl_arena *a,
			  struct fl_comment **out, size_t *n);
int fl_store_audit_insert(fl_tx *tx, struct fl_audit *au);
int fl_store_audit_list(fl_tx *tx, int64_t ticket_id, fl_arena *a,
			struct fl_audit **out, size_t *n);

/* background jobs (src/jobs/jobs.h runs them) */
enum fl_job_state { FL_JOB_QUEUED, FL_JOB_RUNNING, FL_JOB_DONE, FL_JOB_DEAD };

struct fl_job {
	int64_t id;
	char *kind, *payload;
	int state, attempts, max_attempts;
	int64_t run_at, lease_until;
	char *lease_owner, *last_error, *unique_key;
	int64_t created_at, updated_at;
};

/* Queues a job to run at run_at, with max_attempts (0: 5). With a
 * unique_key that a queued, running or dead job already has, does nothing
 * and returns 0. */
int fl_store_job_enqueue(fl_tx *tx, const char *kind, const char *payload, int64_t run_at,
			 int max_attempts, const char *unique_key, int64_t now);
/* Claims, for owner until lease_until, the job due first: queued with
 * run_at <= now, or running with a lease that ran out (its runner died).
 * Counts an attempt. FL_ENOTFOUND when nothing is due. */
int fl_store_job_claim(fl_tx *tx, const char *owner, int64_t now, int64_t lease_until,
		       fl_arena *a, struct fl_job *out);
/* Marks dead the running jobs whose lease ran out on their last attempt
 * (their runner died each time); *n says how many. */
int fl_store_job_reap(fl_tx *tx, int64_t now, int64_t *n);
/* Deletes a finished job if owner still holds the lease it got for
 * attempt; FL_ENOTFOUND when that lease was lost (the job was taken again,
 * or reaped). */
int fl_store_job_done(fl_tx *tx, int64_t id, const char *owner, int attempt);
/* Records a failure under the same lease: queued again at retry_at, or
 * dead when its attempts are used up. FL_ENOTFOUND when the lease was lost. */
/* A probe's record (see fl_jobs_probe). */
struct fl_job_probe {
	int64_t id, job_id;
	char *runner;
	int attempt;
	int64_t enqueued_at, ran_at;
};
/* Records that job (a probe, claimed by its lease_owner) ran now, and
 * forgets probes older than a week. */
int fl_store_job_probe_add(fl_tx *tx, const struct fl_job *job, int64_t now);
/* The latest probes, newest first. */
int fl_store_job_probe_list(fl_tx *tx, size_t limit, fl_arena *a,
			    struct fl_job_probe **out, size_t *n);
/* Records a failed run of job id (claimed by owner at attempt): queued
 * again at retry_at, or dead when its attempts are used up or final. */
int fl_store_job_fail(fl_tx *tx, int64_t id, const char *owner, int attempt, int final,
		      const char *error, int64_t retry_at, int64_t now);
/* Queues a dead job again with fresh attempts, due now; FL_ENOTFOUND when
 * there is no dead job id. */
int fl_store_job_retry(fl_tx *tx, int64_t id, int64_t now);
/* How many jobs are in each state (indexed by enum fl_job_state). */
int fl_store_job_counts(fl_tx *tx, int64_t counts[4]);
/* Jobs in state (-1: any), the most recently changed first, at most limit. */
int fl_store_job_list(fl_tx *tx, int state, size_t limit, fl_arena *a,
		      struct fl_job **out, size_t *n);

/* views */
int fl_store_view_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_view *out);
int fl_store_view_insert(fl_tx *tx, struct fl_view *v);
int fl_store_view_update(fl_tx *tx, const struct fl_view *v);
int fl_store_view_delete(fl_tx *tx, int64_t id);
int fl_store_view_list(fl_tx *tx, int active_only, fl_arena *a,
		       struct fl_view **out, size_t *n);

#endif
