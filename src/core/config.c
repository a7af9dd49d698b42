#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/quota.h"
#include "core/str.h"

void fl_config_defaults(struct fl_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->data, sizeof c->data, "var");
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
	c->body_limit = 1u << 20;
	/* reads block in pread(2) on pages outside SQLite's cache: four workers
	 * a core keep the cores busy (measured: 2 workers on 2 cores served
	 * 15,000 ticket reads/s, 8 served 40,000, 16 no more) */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	c->threads = cores < 1 ? 4 : cores > 16 ? 64 : (unsigned)(4 * cores);
	c->sync_full = 1;
	c->log_requests = 1;
	c->log_format = FL_LOG_TEXT;
	/* Zendesk's Team plan's; the API's clients are written for such
	 * limits, and an agent's browser makes a few requests a minute */
	c->rate_limit = 700;
	snprintf(c->admin_email, sizeof c->admin_email, "admin@frontline.local");
	c->login_attempts = 10;
	c->job_lease = 300;
	c->imap_poll = 60;
	c->sla_tick = 10;
	c->webhook_backoff = 10;
	c->task_remind = 30;
	c->automation_tick = 300;
	c->attachment_limit = 20u << 20;
	/* as Apache's mod_reqtimeout ships (header=20-40,MinRate=500
	 * body=20,MinRate=500); 128 connections an address leave room for an
	 * office of agents behind one NAT address, each browser holding its
	 * six connections and an event stream, and take 1/32 of the 4,096 */
	c->conns_per_address = 128;
	c->header_timeout = 20;
	c->body_timeout = 20;
	c->body_min_rate = 500;
	c->mail_parse_memory = 1024;
	c->mail_parse_time = 30;
	c->mail_parse_jobs = 4;
}

static int parse_size(const char *v, size_t lo, size_t hi, size_t *out)
{
	int64_t n;
	if (fl_str_to_i64(fl_str_c(v), &n) || n < (int64_t)lo || (uint64_t)n > hi)
		return -1;
	*out = (size_t)n;
	return 0;
}

static int parse_uint(const char *v, size_t lo, size_t hi, unsigned *out)
{
	size_t n;
	if (parse_size(v, lo, hi, &n))
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
		*out = 1;
	else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int copy(char *dst, size_t cap, const char *v)
{
	if (strlen(v) >= cap || !*v)
		return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int fl_config_set(struct fl_config *c, const char *key, const char *v, struct fl_err *e)
{
	int bad = 0;

	if (!strcmp(key, "data"))
		bad = copy(c->data, sizeof c->data, v);
	else if (!strcmp(key, "listen"))
		bad = copy(c->listen, sizeof c->listen, v);
	else if (!strcmp(key, "db")) {
		/* the URI may hold a password: never echoed in the error */
		if (strncmp(v, "postgres://", 11) && strncmp(v, "postgresql://", 13))
			return fl_err_set(e, FL_EINVAL, key, "InvalidValue",
					  "setting 'db' must be a postgres:// URI");
		bad = copy(c->db, sizeof c->db, v);
	} else if (!strcmp(key, "db_writers")) {
		bad = parse_uint(v, 1, 16, &c->db_writers);
	} else if (!strcmp(key, "db_pool")) {
		bad = parse_uint(v, 1, 64, &c->db_pool);
	} else if (!strcmp(key, "attachments")) {
		if (!strcmp(v, "db"))
			c->attachments[0] = 0;
		else
			bad = v[0] != '/' || copy(c->attachments, sizeof c->attachments, v);
	} else if (!strcmp(key, "attachment_limit")) {
		bad = parse_size(v, 1024, (size_t)1 << 30, &c->attachment_limit);
	} else if (!strcmp(key, "imap_poll")) {
		bad = parse_uint(v, 1, 86400, &c->imap_poll);
	} else if (!strcmp(key, "sla_tick")) {
		bad = parse_uint(v, 1, 3600, &c->sla_tick);
	} else if (!strcmp(key, "automation_tick")) {
		/* at most an hour: an "is N hours" condition holds for one */
		bad = parse_uint(v, 1, 3600, &c->automation_tick);
	} else if (!strcmp(key, "webhook_backoff")) {
		bad = parse_uint(v, 1, 3600, &c->webhook_backoff);
	} else if (!strcmp(key, "task_remind")) {
		bad = parse_uint(v, 1, 3600, &c->task_remind);
	} else if (!strcmp(key, "web_dir")) {
		bad = copy(c->web_dir, sizeof c->web_dir, v);
	} else if (!strcmp(key, "job_lease")) {
		bad = parse_uint(v, 2, 86400, &c->job_lease);
	} else if (!strcmp(key, "admin_email"))
		bad = copy(c->admin_email, sizeof c->admin_email, v);
	else if (!strcmp(key, "body_limit"))
		bad = parse_size(v, 1024, (size_t)1 << 30, &c->body_limit);
	else if (!strcmp(key, "threads")) {
		bad = parse_uint(v, 1, 256, &c->threads);
	} else if (!strcmp(key, "login_attempts")) {
		bad = parse_uint(v, 1, 1000000, &c->login_attempts);
	} else if (!strcmp(key, "sync")) {
		if (!strcmp(v, "full"))
			c->sync_full = 1;
		else if (!strcmp(v, "normal"))
			c->sync_full = 0;
		else
			bad = 1;
	} else if (!strcmp(key, "log_requests")) {
		bad = parse_bool(v, &c->log_requests);
	} else if (!strcmp(key, "log_format")) {
		if (!strcmp(v, "text"))
			c->log_format = FL_LOG_TEXT;
		else if (!strcmp(v, "json"))
			c->log_format = FL_LOG_JSON;
		else
			bad = 1;
	} else if (!strcmp(key, "rate_limit")) {
		bad = parse_uint(v, 0, FL_QUOTA_MAX, &c->rate_limit);
	} else if (!strcmp(key, "cookie_secure")) {
		bad = parse_bool(v, &c->cookie_secure);
	} else if (!strcmp(key, "connections_per_address")) {
		bad = parse_uint(v, 0, 4096, &c->conns_per_address);
	} else if (!strcmp(key, "header_timeout")) {
		bad = parse_uint(v, 1, 3600, &c->header_timeout);
	} else if (!strcmp(key, "body_timeout")) {
		bad = parse_uint(v, 1, 3600, &c->body_timeout);
	} else if (!strcmp(key, "body_min_rate")) {
		bad = parse_uint(v, 1, 1u << 30, &c->body_min_rate);
	} else if (!strcmp(key, "mail_parse_memory")) {
		bad = parse_uint(v, 1, 1u << 20, &c->mail_parse_memory);
	} else if (!strcmp(key, "mail_parse_time")) {
		bad = parse_uint(v, 1, 3600, &c->mail_parse_time);
	} else if (!strcmp(key, "mail_parse_jobs")) {
		bad = parse_uint(v, 1, 256, &c->mail_parse_jobs);
	} else if (!strcmp(key, "public_url")) {
		char url[sizeof c->public_url];
		bad = strlen(v) >= sizeof url;
		if (!bad) {
			memcpy(url, v, strlen(v) + 1);
			bad = fl_url_base_normalize(url) != 0;
		}
		if (!bad)
			memcpy(c->public_url, url, sizeof url);
	} else {
		return fl_err_set(e, FL_EINVAL, key, "Unknown", "unknown setting '%s'", key);
	}
	if (bad)
		return fl_err_set(e, FL_EINVAL, key, "InvalidValue",
				  "invalid value '%s' for setting '%s'", v, key);
	return 0;
}

static char *trim(char *s)
{
	char *end;
	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = 0;
	return s;
}

int fl_config_load_file(struct fl_config *c, const char *path, int optional, struct fl_err *e)
{
	char line[1024];
	int lineno = 0, rc = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		if (optional && errno == ENOENT)
			return 0;
		return fl_err_set(e, FL_EIO, NULL, NULL, "%s: %s", path, strerror(errno));
	}
	while (!rc && fgets(line, sizeof line, f)) {
		char *hash = strchr(line, '#'), *eq, *key;
		lineno++;
		if (hash)
			*hash = 0;
		key = trim(line);
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			rc = fl_err_set(e, FL_EINVAL, NULL, NULL, "%s:%d: expected key = value",
					path, lineno);
			break;
		}
		*eq = 0;
		rc = fl_config_set(c, trim(key), trim(eq + 1), e);
		if (rc && e) {
			char msg[sizeof e->msg + 64];
			snprintf(msg, sizeof msg, "%.48s:%d: %s", path, lineno, e->msg);
			size_t n = strlen(msg);
			n = n < sizeof e->msg ? n : sizeof e->msg - 1;
			memcpy(e->msg, msg, n);
			e->msg[n] = 0;
		}
	}
	fclose(f);
	return rc;
}

int fl_config_load_env(struct fl_config *c, struct fl_err *e)
{
	static const char *keys[] = {"data",
				     "listen",
				     "body_limit",
				     "threads",
				     "sync",
				     "log_requests",
				     "log_format",
				     "rate_limit",
				     "admin_email",
				     "login_attempts",
				     "public_url",
				     "cookie_secure",
				     "db",
				     "db_pool",
				     "db_writers",
				     "job_lease",
				     "attachments",
				     "attachment_limit",
				     "imap_poll",
				     "sla_tick",
				     "webhook_backoff",
				     "task_remind",
				     "automation_tick",
				     "web_dir",
				     "connections_per_address",
				     "header_timeout",
				     "body_timeout",
				     "body_min_rate",
				     "mail_parse_memory",
				     "mail_parse_time",
				     "mail_parse_jobs"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		char name[64];
		size_t k;
		const char *v;
		int rc;

		k = (size_t)snprintf(name, sizeof name, "FRONTLINE_");
		for (const char *p = keys[i]; *p && k < sizeof name - 1; p++)
			name[k++] = (char)toupper((unsigned char)*p);
		name[k] = 0;
		v = getenv(name);
		if (v && (rc = fl_config_set(c, keys[i], v, e)))
			return rc;
	}
	return 0;
}
