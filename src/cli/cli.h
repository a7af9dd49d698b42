/* The command line: one function per command, and what they share. */
#ifndef FL_CLI_CLI_H
#define FL_CLI_CLI_H

#include <stdio.h>

#include "core/config.h"
#include "store/store.h"

/* Settings given as flags, applied last. */
#define FL_CLI_MAX_FLAGS 16 /* more than any command has */
struct fl_cli_flags {
	const char *config; /* --config FILE */
	const char *key[FL_CLI_MAX_FLAGS];
	const char *value[FL_CLI_MAX_FLAGS];
	int n;
};

void fl_cli_flag(struct fl_cli_flags *f, const char *key, const char *value);
/* Builds the settings: defaults, the config file (--config, else
 * $FRONTLINE_CONFIG, else DATA/frontline.conf if present), the
 * environment, then flags. Prints the problem and returns non-zero when
 * anything is wrong. */
int fl_cli_config(struct fl_config *c, const struct fl_cli_flags *f);
/* Creates the data folder (mode 0700) and opens the store in it. */
int fl_cli_open_store(const struct fl_config *c, fl_store **out);
/* Tells the operator on stderr where fl_store_open copied the database
 * before upgrading it, if it did. */
void fl_cli_upgrade_note(const fl_store *s);
/* Wires what reacts to a ticket write — the notices and messages (mail),
 * the write hooks (SLA, triggers, routing, webhooks) and the SLA's events
 * to the triggers — once per process, before any transaction: the server
 * and every command that changes tickets as the server would (tasks, sla,
 * automations) call it, so that a pass run from the command line mails
 * and fires what the server's own pass would. */
void fl_cli_wire(const struct fl_config *cfg);
/* A command that runs one of the server's passes by hand:
 * `frontline NAME VERB --data DIR [--config FILE] [--now ISO | --times N]
 * [--help]` (tasks remind, sla tick, automations run). */
struct fl_cli_pass {
	const char *const *verbs; /* the verbs it takes, NULL-ended */
	void (*usage)(FILE *f);
	int takes_now;    /* --now ISO: the instant to run at (*now, 0 when not given) */
	int takes_times;  /* --times N, 1..1,000,000 (*times, 0 when not given) */
	const char *verb; /* out: the verb given */
	int64_t now, times;
};
/* Reads argv (argv[1] the verb) into p, then the settings, wires the desk
 * (fl_cli_wire) and opens the store: -1 when the command goes on with
 * *store, else the exit code to return — 0 after --help, 2 for bad usage
 * (usage on stderr), 1 when the settings or the store fail. */
int fl_cli_pass_open(int argc, char **argv, struct fl_cli_pass *p, struct fl_config *cfg,
		     fl_store **store);
/* Prints "frontline: <what>: <why>" to stderr and returns 1. */
int fl_cli_fail(const char *what, const struct fl_err *e);

int fl_cmd_serve(int argc, char **argv);
int fl_cmd_user(int argc, char **argv);
int fl_cmd_token(int argc, char **argv);
int fl_cmd_backup(int argc, char **argv);
int fl_cmd_migrate(int argc, char **argv);
int fl_cmd_mailgate(int argc, char **argv);
int fl_cmd_mailbox(int argc, char **argv);
int fl_cmd_demo(int argc, char **argv);
int fl_cmd_seed(int argc, char **argv);
int fl_cmd_sla(int argc, char **argv);
int fl_cmd_tasks(int argc, char **argv);
int fl_cmd_automations(int argc, char **argv);
int fl_cmd_search(int argc, char **argv);
/* The route table as JSON (cli/routes.c): not listed in the usage. */
int fl_cmd_routes(int argc, char **argv);
/* The server's own mail parser child (mail/parser.h): not listed in the usage. */
int fl_cmd_mail_parse(int argc, char **argv);

/* Creates the first admin on an empty store; prints its e-mail and a
 * one-time password. 0 when there already are users. */
int fl_cli_first_admin(fl_store *s, const struct fl_config *c);

#endif
