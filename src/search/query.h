/* Ticket filters and the search query language.
 *
 * A filter is a conjunction of groups; each group is a disjunction of
 * predicates. Views and searches both compile to a filter, and the store
 * turns a filter into SQL with bound values.
 *
 * The query language is a subset of Zendesk's: whitespace-separated terms,
 *   word  "exact phrase"  prefix*      full-text over subjects and comments
 *   field:value  field<value  field>value  field<=value  field>=value
 *   -term                              negation
 * with fields type, status, priority, ticket_type, assignee, requester,
 * submitter, group, organization, tags (tag), via (channel), created,
 * updated, solved and id. Values "me" and "none" mean the actor and no one.
 * Repeating a field with ':' ORs its values (status:new status:open). Terms
 * with unknown fields are searched as text, as Zendesk does. */
#ifndef FL_SEARCH_QUERY_H
#define FL_SEARCH_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"

enum fl_filter_field {
	FL_F_STATUS, FL_F_PRIORITY, FL_F_TYPE, FL_F_CHANNEL,
	FL_F_ASSIGNEE, FL_F_REQUESTER, FL_F_SUBMITTER, FL_F_GROUP,
	FL_F_ORGANIZATION, FL_F_TAG, FL_F_CREATED, FL_F_UPDATED, FL_F_SOLVED,
	FL_F_ID,
	FL_F_VISIBLE_TO, /* end-user scope: requester or CC is ival */
	FL_F__MAX
};

/* FL_OP_IN and FL_OP_NOT_IN: ival <= value <= ival2 (a whole day). */
enum fl_op { FL_OP_EQ, FL_OP_NE, FL_OP_LT, FL_OP_LE, FL_OP_GT, FL_OP_GE,
	     FL_OP_IN, FL_OP_NOT_IN, FL_OP__MAX };

/* ival holds enum values, ids (0 = none), times and the id of "me"; for
 * requester/assignee/submitter given by e-mail sval holds the address. */
struct fl_pred {
	int field, op;
	int64_t ival, ival2;
	const char *sval;
	int group; /* predicates with the same group are ORed */
};

#define FL_FILTER_MAX 128 /* show_many takes 100 ids */
#define FL_QUERY_MAX_TERMS 32
#define FL_QUERY_MAX_LEN 1024

enum fl_result_type { FL_RESULT_ALL, FL_RESULT_TICKET, FL_RESULT_USER,
		      FL_RESULT_ORGANIZATION };

struct fl_filter {
	struct fl_pred p[FL_FILTER_MAX];
	size_t n;
	int ngroups;
	/* full-text: words or phrases that must each appear somewhere in the
	 * ticket (subject or any comment it may see), and ones that must not;
	 * a prefix flag asks for words that start with the term */
	const char *text[FL_QUERY_MAX_TERMS];
	int text_prefix[FL_QUERY_MAX_TERMS];
	size_t ntext;
	const char *not_text[FL_QUERY_MAX_TERMS];
	int not_text_prefix[FL_QUERY_MAX_TERMS];
	size_t nnot_text;
	int result_type;
	int public_only; /* text matches only public comments (end users) */
};

/* Appends a predicate in a new group (or in group when >= 0). */
int fl_filter_add(struct fl_filter *f, int field, int op, int64_t ival,
		  const char *sval, int group);

/* Parses q for actor_id ("me"), copying strings into arena. FL_EMALFORMED
 * (with e naming the term) for a query that is too long, has too many terms,
 * an unterminated phrase, a bad date or an unknown enum value. */
int fl_query_parse(fl_str q, int64_t actor_id, fl_arena *arena,
		   struct fl_filter *out, struct fl_err *e);

#endif
