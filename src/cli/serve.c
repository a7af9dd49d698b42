/* frontline serve */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "attachments/attachment.h"
#include "cli/cli.h"
#include "core/input.h"
#include "core/log.h"
#include "core/random.h"
#include "core/str.h"
#include "chat/chat.h"
#include "events/hub.h"
#include "http/http.h"
#include "feedback/nps.h"
#include "jobs/jobs.h"
#include "ideas/idea.h"
#include "kb/deflect.h"
#include "kb/hc_api.h"
#include "kb/kb.h"
#include "tasks/task.h"
#include "mail/imap.h"
#include "mail/outbound.h"
#include "mail/parser.h"
#include "portal/link.h"
#include "portal/site.h"
#include "routing/routing.h"
#include "rules/automation.h"
#include "sla/refresh.h"
#include "webhooks/webhook.h"
#include "auth/auth.h"
#include "views/queue.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline serve [--data DIR] [--db postgres://…] [--listen HOST:PORT]\n"
		"                       [--config FILE] [--threads N] [--body-limit BYTES]\n"
		"                       [--web-dir DIR] [--quiet] [--log-format text|json]\n"
		"                       [--rate-limit N]\n"
		"\n"
		"Serves the help desk API on HOST:PORT (default 127.0.0.1:8080) with its\n"
		"data in DIR (default ./var). An empty store gets a first admin, whose\n"
		"e-mail and one-time password are printed.\n"
		"\n"
		"  --data DIR          the data folder (FRONTLINE_DATA)\n"
		"  --db URI            keep the data in PostgreSQL, not SQLite in DIR\n"
		"                      (FRONTLINE_DB; postgres://USER@HOST:PORT/DB); several\n"
		"                      nodes may serve one database\n"
		"  --listen HOST:PORT  where to listen; port 0 picks a free one (FRONTLINE_LISTEN)\n"
		"  --config FILE       a key = value settings file (FRONTLINE_CONFIG)\n"
		"  --threads N         HTTP worker threads (FRONTLINE_THREADS, default 4 per core)\n"
		"  --body-limit BYTES  largest request body (FRONTLINE_BODY_LIMIT, default 1 MiB)\n"
		"  --web-dir DIR       serve the browser apps from DIR (tools/web.py's output,\n"
		"                      e.g. build/web) instead of the copy built in (FRONTLINE_WEB_DIR)\n"
		"  --quiet             no log line per request (FRONTLINE_LOG_REQUESTS=0)\n"
		"  --log-format F      text (the default) or json: one JSON object a line\n"
		"                      (FRONTLINE_LOG_FORMAT)\n"
		"  --rate-limit N      API requests a minute per token, user or address;\n"
		"                      0: no limit (FRONTLINE_RATE_LIMIT, default 700)\n"
		"\n"
		"Stops cleanly on SIGTERM or SIGINT: in-flight requests finish first.\n");
}

/* The SLA's kinds (sla/refresh.h), on both of a node's runners. */
static int register_sla(struct fl_jobs *j, const struct fl_config *cfg)
{
	return fl_jobs_register_tx(j, "sla-tick", NULL, fl_sla_tick_job, cfg->sla_tick) ||
	       fl_jobs_register_tx(j, "sla-tick-more", NULL, fl_sla_tick_job, 0) ||
	       fl_jobs_register(j, "sla-recompute", fl_sla_recompute_job, 0);
}

/* The background jobs this node runs, named "host:pid:nonce" in leases:
 * out[0] runs every kind; out[1], "host:pid:nonce:sla", only the SLA's, so
 * that a warning or a breach is never late behind a backlog of mail (jobs
 * are claimed in the order they fall due). */
static int start_jobs(fl_store *store, const struct fl_config *cfg, struct fl_jobs *out[2])
{
	char host[64] = "localhost", owner[96], sla_owner[100], nonce[9];
	struct fl_jobs *jobs = NULL, *sla = NULL;

	/* host and pid say where a job runs; the nonce keeps two nodes that
	 * look alike (containers sharing a host name and pid) apart */
	gethostname(host, sizeof host - 1);
	fl_random_hex(nonce, 8);
	snprintf(owner, sizeof owner, "%s:%ld:%s", host, (long)getpid(), nonce);
	snprintf(sla_owner, sizeof sla_owner, "%s:sla", owner);
	if (fl_jobs_new(&jobs, store, owner) || fl_jobs_new(&sla, store, sla_owner))
		goto fail;
	fl_jobs_set_lease(jobs, cfg->job_lease);
	fl_jobs_set_lease(sla, cfg->job_lease);
	fl_jobs_only(sla, "sla-");
	if (fl_jobs_register(jobs, "session-purge", fl_auth_purge_job, FL_AUTH_PURGE_PERIOD) ||
	    fl_jobs_register(jobs, "upload-purge", fl_attachments_purge_job,
			     FL_UPLOAD_PURGE_PERIOD) ||
	    fl_jobs_register(jobs, "mail-send", fl_mail_send_job, 0) ||
	    fl_jobs_register(jobs, "webhook-send", fl_webhook_send_job, 0) ||
	    fl_jobs_register(jobs, "nps-send", fl_nps_send_job, 0) ||
	    fl_jobs_register(jobs, "imap-poll", fl_imap_poll_job, cfg->imap_poll) ||
	    fl_jobs_register_tx(jobs, "probe", fl_jobs_probe_hold, fl_jobs_probe, 0) ||
	    fl_jobs_register_tx(jobs, "task-remind", NULL, fl_task_remind_job, cfg->task_remind) ||
	    fl_jobs_register_tx(jobs, "counts-compact", NULL, fl_queue_compact_job,
				FL_QUEUE_COMPACT_PERIOD) ||
	    fl_jobs_register_tx(jobs, "routing-drain", NULL, fl_routing_drain_job,
				FL_ROUTING_DRAIN_PERIOD) ||
	    fl_jobs_register(jobs, "automations", fl_automations_job, cfg->automation_tick) ||
	    fl_jobs_register_tx(jobs, "kb-search-purge", NULL, fl_kb_search_purge_job,
				FL_KB_SEARCH_PURGE_PERIOD) ||
	    fl_jobs_register_tx(jobs, "idea-notify", NULL, fl_idea_notify_job, 0) ||
	    fl_jobs_register_tx(jobs, FL_CHAT_OFFER_JOB, NULL, fl_chat_offer_job,
				FL_CHAT_OFFER_PERIOD) ||
	    register_sla(jobs, cfg) || register_sla(sla, cfg) || fl_jobs_start(jobs) ||
	    fl_jobs_start(sla))
		goto fail;
	out[0] = jobs;
	out[1] = sla;
	return 0;
fail:
	fl_jobs_free(sla);
	fl_jobs_free(jobs);
	fprintf(stderr, "frontline: cannot start the background jobs\n");
	return 1;
}

/* The server holds up to 4,096 connections (http/daemon.c), each a file
 * descriptor, besides the database's and the mail's: a soft limit of
 * 1,024 (systemd's and many shells' default) would refuse connections long
 * before the per-address cap and the deadlines could do their work. The
 * soft limit goes up to the hard one, which only the operator can raise. */
static void raise_open_files(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			fl_log("warn", "cannot raise the open files limit: %s", strerror(errno));
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 8192)
		fl_log("warn",
		       "open files are limited to %llu: fewer connections than the 4,096 the "
		       "server can hold will fit (raise LimitNOFILE)",
		       (unsigned long long)rl.rlim_cur);
}

struct site {
	const char *configured;
	char fallback[300];
	fl_arena a;
	char *url;
};

static int tx_site(fl_tx *tx, void *arg)
{
	struct site *si = arg;
	int rc = fl_site_url_init(tx, si->configured, si->fallback, &si->a, &si->url);
	/* and the keys the contact form's suggestions and mail's one-click
	 * links are signed with */
	if (!rc)
		rc = fl_deflect_key_init(tx);
	return rc ? rc : fl_link_key_init(tx);
}

/* The public URL links in mail are built on (portal/site.h): the
 * configuration's, else the one stored, else this server's own address
 * (listen, with the port it got); said once at every start. */
static int site_url(fl_store *store, const struct fl_config *cfg, unsigned port)
{
	struct site si = {.configured = cfg->public_url};
	int rc;

	snprintf(si.fallback, sizeof si.fallback, "http://%.*s:%u",
		 (int)(strrchr(cfg->listen, ':') - cfg->listen), cfg->listen, port);
	if (fl_url_base_normalize(si.fallback))
		snprintf(si.fallback, sizeof si.fallback, "http://127.0.0.1:%u", port);
	fl_arena_init(&si.a, 0);
	rc = fl_store_write(store, tx_site, &si);
	if (!rc)
		fl_log("info",
		       "links in mail point to %s (public_url; an admin changes it in the "
		       "workspace, an operator with public_url in the configuration)",
		       si.url);
	if (!rc && (strstr(si.url, "//0.0.0.0") || strstr(si.url, "//[::]")))
		fl_log("warn", "%s is no address a customer can open: set public_url", si.url);
	fl_arena_free(&si.a);
	return rc;
}

/* Listeners of live events hear something this often at least, so that
 * proxies keep idle streams open. */
#define HEARTBEAT_SECONDS 15

/* Where committed events go: credential changes (made on any node) empty
 * this node's cache of verified secrets; the rest is for the agents
 * listening. srv is set once the server runs. */
struct listener {
	struct fl_hub *hub;
	pthread_mutex_t lock; /* holds srv while it is used or changed */
	struct fl_server *srv;
};

static void publish(void *arg, const char *payload)
{
	struct listener *l = arg;

	if (!strcmp(payload, FL_AUTH_CHANGED_EVENT)) {
		pthread_mutex_lock(&l->lock);
		if (l->srv)
			fl_server_forget_credentials(l->srv);
		pthread_mutex_unlock(&l->lock);
		return;
	}
	fl_hub_publish(l->hub, payload);
}

static void set_server(struct listener *l, struct fl_server *srv)
{
	pthread_mutex_lock(&l->lock);
	l->srv = srv;
	pthread_mutex_unlock(&l->lock);
}

/* glibc gives a worker thread's arena back to the kernel (madvise) as soon
 * as more than 128 KB lie free at its top, and faults it in again on the
 * next request: a queue's page (a 56 KB answer built beside the rows) did
 * that on every request, and the page faults and the TLB shootdowns of
 * madvise on the other core cost a third of its time at a million tickets
 * (docs/performance.md). Keeping up to 1 MB free in an arena, and taking
 * blocks under 512 KB from the arenas rather than mmap, ends the churn (8
 * and 4 MB did no better, and the whole bench's peak grew to 86 MB). And
 * an arena a core, not glibc's eight: the workers are four a core, and
 * each arena holds its own free memory (the whole bench's peak: 90.7 MB
 * with eight a core, 81.0 with one; the queue as fast). */
static void tune_malloc(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	mallopt(M_TRIM_THRESHOLD, 1 << 20);
	mallopt(M_MMAP_THRESHOLD, 512 << 10);
	mallopt(M_ARENA_MAX, cores < 2 ? 2 : (int)cores);
}

int fl_cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, 0, 'd'},
		{"db", required_argument, 0, 'D'},
		{"listen", required_argument, 0, 'l'},
		{"config", required_argument, 0, 'c'},
		{"threads", required_argument, 0, 't'},
		{"body-limit", required_argument, 0, 'b'},
		{"quiet", no_argument, 0, 'q'},
		{"web-dir", required_argument, 0, 'w'},
		{"log-format", required_argument, 0, 'f'},
		{"rate-limit", required_argument, 0, 'r'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	struct fl_cli_flags flags = {0};
	struct fl_config cfg;
	struct fl_server *srv;
	struct fl_jobs *jobs[2] = {NULL, NULL};
	struct fl_hub *hub = NULL;
	struct listener listener = {NULL, PTHREAD_MUTEX_INITIALIZER, NULL};
	struct fl_err e = {0};
	struct timespec beat = {HEARTBEAT_SECONDS, 0};
	fl_store *store;
	sigset_t set;
	unsigned long listen_port;
	int opt, sig;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': fl_cli_flag(&flags, "data", optarg); break;
		case 'D': fl_cli_flag(&flags, "db", optarg); break;
		case 'l': fl_cli_flag(&flags, "listen", optarg); break;
		case 'c': flags.config = optarg; break;
		case 't': fl_cli_flag(&flags, "threads", optarg); break;
		case 'b': fl_cli_flag(&flags, "body_limit", optarg); break;
		case 'w': fl_cli_flag(&flags, "web_dir", optarg); break;
		case 'q': fl_cli_flag(&flags, "log_requests", "0"); break;
		case 'f': fl_cli_flag(&flags, "log_format", optarg); break;
		case 'r': fl_cli_flag(&flags, "rate_limit", optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (fl_cli_config(&cfg, &flags))
		return 1;
	fl_mail_parse_configure(&(struct fl_mail_limits){cfg.mail_parse_memory, cfg.mail_parse_time,
							 cfg.mail_parse_jobs});
	fl_log_quiet(!cfg.log_requests);
	fl_log_set_format(cfg.log_format);

	/* signals are taken by sigwait below, not by handlers in any thread */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_open_files();
	tune_malloc();
	fl_input_init(); /* before any thread uses jansson */
	fl_cli_wire(&cfg);

	if (fl_cli_open_store(&cfg, &store))
		return 1;
	if (fl_cli_first_admin(store, &cfg) || fl_routes_init()) {
		fl_store_free(store);
		return 1;
	}
	listener.hub = hub = fl_hub_new();
	if (!hub || fl_store_listen(store, publish, &listener)) {
		fprintf(stderr, "frontline: cannot start live events\n");
		fl_store_free(store);
		fl_hub_free(hub);
		return 1;
	}
	/* the public URL and the signing keys are stored before the first
	 * job runs and the first request is served (one just after /healthz
	 * first answers may mail a link), unless the port is the system's
	 * choice (":0"), which the URL is only known with once listening */
	listen_port = strtoul(strrchr(cfg.listen, ':') + 1, NULL, 10);
	if (listen_port && site_url(store, &cfg, listen_port))
		fl_log("error", "cannot store the public URL: sign-in links will not be mailed");
	if (start_jobs(store, &cfg, jobs)) {
		fl_store_free(store);
		fl_hub_free(hub);
		return 1;
	}
	if (fl_server_start(&srv, &cfg, store, hub, &e)) {
		fl_jobs_free(jobs[1]);
		fl_jobs_free(jobs[0]);
		fl_store_free(store);
		fl_hub_free(hub);
		return fl_cli_fail("starting the server", &e);
	}
	set_server(&listener, srv);
	fl_log("info", "frontline listening on http://%.*s:%u with data in %s",
	       (int)(strrchr(cfg.listen, ':') - cfg.listen), cfg.listen,
	       (unsigned)fl_server_port(srv), cfg.data);
	if (!listen_port && site_url(store, &cfg, fl_server_port(srv)))
		fl_log("error", "cannot store the public URL: sign-in links will not be mailed");
	fflush(stdout);

	while ((sig = sigtimedwait(&set, NULL, &beat)) < 0) {
		fl_hub_heartbeat(hub);
		/* glibc gives back only the free memory at an arena's top (and
		 * keeps 1 MB there: tune_malloc); what a burst freed in the middle
		 * stayed resident for good. A few milliseconds every 15 s. */
		malloc_trim(0);
	}
	fl_log("info", "%s: finishing in-flight requests", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	set_server(&listener, NULL);
	fl_server_stop(srv, 10000);
	fl_hc_views_stop();    /* the help center's views counted since the last flush */
	fl_jobs_free(jobs[1]); /* after its current job */
	fl_jobs_free(jobs[0]);
	fl_mail_parse_stop(); /* no message is being read now */
	fl_store_free(store);
	fl_hub_free(hub); /* the store no longer publishes */
	fl_log("info", "stopped");
	return 0;
}
