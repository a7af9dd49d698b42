/* Settings: defaults, then a config file, then FRONTLINE_* environment
 * variables, then command-line flags — each layer overrides the one before.
 *
 * The file holds `key = value` lines; '#' starts a comment. Keys are the
 * lower-case names below (data, listen, body_limit, threads, sync,
 * log_requests, log_format, rate_limit, admin_email, login_attempts, public_url,
 * cookie_secure, db, db_pool, db_writers, job_lease, attachments,
 * attachment_limit, imap_poll, sla_tick, webhook_backoff, automation_tick,
 * task_remind, web_dir, connections_per_address,
 * header_timeout, body_timeout, body_min_rate, mail_parse_memory,
 * mail_parse_time, mail_parse_jobs); the environment variable for a
 * key is FRONTLINE_ plus the key in upper case. */
#ifndef FL_CORE_CONFIG_H
#define FL_CORE_CONFIG_H

#include <stddef.h>

#include "core/err.h"

struct fl_config {
	char data[512];          /* data folder */
	char db[512];            /* postgres://…; empty: SQLite in the data folder */
	unsigned db_pool;        /* read connections at most (0: one per thread) */
	unsigned db_writers;     /* PostgreSQL writer connections (0: 4) */
	char attachments[512];   /* a folder every node shares; empty: in the database */
	size_t attachment_limit; /* bytes of one uploaded file */
	unsigned job_lease;    /* seconds a job's claim lasts (a dead node's jobs wait this long) */
	unsigned imap_poll;    /* seconds between polls of the IMAP mailboxes */
	unsigned sla_tick;     /* seconds between looks for SLA warnings and breaches due */
	unsigned task_remind;  /* seconds between looks for tasks due and check-ins to send */
	char listen[128];      /* HOST:PORT */
	size_t body_limit;     /* bytes in a request body */
	unsigned threads;      /* HTTP worker threads (default: 4 per core) */
	int sync_full;         /* 1: fsync every commit (synchronous=FULL) */
	int log_requests;      /* 1: a log line per request */
	int log_format;        /* enum fl_log_format: "text" (the default) or "json" */
	unsigned rate_limit;   /* API requests a minute per token, user or address; 0: any */
	char admin_email[256]; /* the first admin's e-mail on a new data folder */
	unsigned login_attempts; /* failed logins per address per minute before 429 */
	char public_url[256]; /* "https://help.example.com": links in answers; empty: from Host */
	char web_dir[512];    /* serve the browser apps from here, not the binary (development) */
	int cookie_secure;    /* 1: session cookie is Secure and __Host- (behind TLS) */
	/* slow and greedy clients (src/http/guard.c) */
	unsigned conns_per_address; /* open connections one address (IPv6: /64) may hold; 0: any */
	unsigned header_timeout;    /* seconds from a connection's start, or its previous
				     * answer, to the end of a request's headers */
	unsigned body_timeout;      /* seconds for a request body, plus one for each
				     * body_min_rate bytes received */
	unsigned body_min_rate;     /* bytes a second a body must keep up, on average */
	/* the mail parser's children (src/mail/parser.h) */
	unsigned mail_parse_memory; /* MiB of address space a child may add */
	unsigned mail_parse_time;   /* seconds of CPU and of wall clock for one message */
	unsigned mail_parse_jobs;   /* children at most */

	/* seconds before a webhook's first retry (webhooks/webhook.h) */
	unsigned webhook_backoff;
	unsigned automation_tick; /* seconds between the automations' passes */
};

void fl_config_defaults(struct fl_config *c);
/* Sets one key from text; FL_EINVAL (with e filled) for an unknown key or a
 * bad value. */
int fl_config_set(struct fl_config *c, const char *key, const char *value, struct fl_err *e);
/* Reads a config file; a missing file is not an error when optional. */
int fl_config_load_file(struct fl_config *c, const char *path, int optional, struct fl_err *e);
/* Applies FRONTLINE_<KEY> variables from the environment. */
int fl_config_load_env(struct fl_config *c, struct fl_err *e);

#endif
