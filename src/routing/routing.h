/* Routing: a ticket that reached a group (by a rule or by hand) goes on to
 * one of the group's agents, by round robin or least open work, among the
 * agents who are online, under their capacity and have the skills the
 * ticket needs (a language, a product). Manual assignment always wins.
 *
 * The choice is a pure function over a list of candidates
 * (fl_routing_choose); the rest reads and writes through the store inside
 * the caller's transaction: the ticket write hook, the drain of waiting
 * tickets when an agent comes online or has room again, and the periodic
 * job "routing-drain". */
#ifndef FL_ROUTING_ROUTING_H
#define FL_ROUTING_ROUTING_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"

struct fl_tx;
struct fl_ticket_write;
struct fl_job;

/* Stored as these numbers (store schema 26). */
enum fl_agent_status { FL_AGENT_OFFLINE, FL_AGENT_ONLINE, FL_AGENT_AWAY, FL_AGENT__MAX };
enum fl_routing_method {
	FL_ROUTING_NONE,
	FL_ROUTING_ROUND_ROBIN,
	FL_ROUTING_LEAST_OPEN,
	FL_ROUTING__MAX
};

#define FL_SKILLS_MAX 32      /* an agent's */
#define FL_SKILL_LEN 40       /* bytes of one skill */
#define FL_CAPACITY_MAX 10000 /* open tickets; 0 is no limit */
/* Waiting tickets one drain assigns at most: the rest wait for the next
 * (the periodic job runs until none are left). */
#define FL_ROUTING_DRAIN_MAX 200
#define FL_ROUTING_DRAIN_PERIOD 30 /* seconds between the job's runs */

const char *fl_agent_status_name(int v);
int fl_agent_status_parse(fl_str s); /* -1 when unknown */
const char *fl_routing_method_name(int v);
int fl_routing_method_parse(fl_str s); /* -1 when unknown */

/* An agent as routing sees them. skills: space separated, lower case,
 * sorted ("billing en uk"), "" for none. open: their tickets new, open,
 * pending or on hold. */
struct fl_routing_agent {
	int64_t user_id;
	char *name;
	int status;
	int64_t status_at;
	int64_t capacity; /* 0: no limit */
	char *skills;
	int64_t open;
};

/* Normalizes n skills into one text in a (*out, "" for none): each trimmed
 * and lower-cased (ASCII), 1..FL_SKILL_LEN bytes of a-z, 0-9, '-', '_';
 * sorted, duplicates dropped; at most FL_SKILLS_MAX. FL_EINVAL naming
 * "skills" otherwise. */
int fl_routing_skills_normalize(const char *const *skills, size_t n, fl_arena *a, char **out,
				struct fl_err *e);
/* Whether skills (a normalized text) holds skill. */
int fl_routing_has_skill(const char *skills, const char *skill);

/* The skills a ticket needs in a group: its requester's language (the
 * first two letters of their locale) and each of its tags that one of the
 * group's agents has as a skill. A skill nobody in the group has is no
 * need: a desk that names no skills routes to anyone. Writes up to max
 * into need (pointers into tags, locale's language in lang[3]). */
size_t fl_routing_needs(const char *locale, const char *const *tags, size_t ntags,
			const struct fl_routing_agent *agents, size_t n, char lang[3],
			const char **need, size_t max);

/* Whether agent a may take a ticket needing need: online, under capacity,
 * every skill. */
int fl_routing_eligible(const struct fl_routing_agent *a, const char *const *need, size_t nneed);

/* The choice: agents in round robin order (by user id), last the user id
 * round robin chose last (0: none). Round robin takes the first eligible
 * agent after last, wrapping; least open the eligible one with the fewest
 * open tickets, ties going to the first in round robin order. The index
 * in agents, or -1 when nobody fits. */
int fl_routing_choose(int method, const struct fl_routing_agent *agents, size_t n, int64_t last,
		      const char *const *need, size_t nneed);

/* Why a ticket went to agents[i], for the audit: "round robin in Support:
 * Olena — online, 2 of 5 open, speaks uk". open is before this ticket. */
int fl_routing_why(int method, const char *group, const struct fl_routing_agent *a,
		   const char *const *need, size_t nneed, fl_buf *out);

/* The ticket write hook (ticket.h), added after the others: routes the
 * written ticket when it is left unassigned in a routed group below solved
 * and the write did not set its assignee, and drains the groups of an
 * agent the write gave room (one of theirs solved, closed, reassigned or
 * deleted). Its own assignments do not route again. */
int fl_routing_ticket_written(struct fl_tx *tx, const struct fl_ticket_write *w);

/* Assigns up to FL_ROUTING_DRAIN_MAX waiting tickets — unassigned, below
 * solved, in a routed group — higher customer tiers first (the
 * requester's, else their organization's, by tier position), then oldest.
 * group_id 0: every routed group; user_id not 0: only the groups that
 * agent is in. *n (may be NULL) gets how many were assigned. */
int fl_routing_drain(struct fl_tx *tx, int64_t group_id, int64_t user_id, int64_t now, size_t *n);

/* The periodic job "routing-drain": fl_routing_drain over every group. */
int fl_routing_drain_job(struct fl_tx *tx, const struct fl_job *job, struct fl_err *e);

/* Sets user_id's status (sign-in: online, sign-out: offline) and, when
 * they came online, drains their groups. For agents and admins; nothing
 * for end users. */
int fl_routing_set_status(struct fl_tx *tx, int64_t user_id, int status, int64_t now);

#endif
