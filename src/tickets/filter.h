/* Ticket filters: what the store turns into a WHERE clause.
 *
 * A filter is a conjunction of groups; each group is a disjunction of
 * predicates. Views, searches and the ticket lists all build one, and the
 * store (store/tickets.c) turns it into SQL with bound values. The type
 * lives with the ticket domain so that the arrows point one way: search
 * (which parses a query into a filter) includes tickets, never the reverse. */
#ifndef FL_TICKETS_FILTER_H
#define FL_TICKETS_FILTER_H

#include <stddef.h>
#include <stdint.h>

enum fl_filter_field {
	FL_F_STATUS,
	FL_F_PRIORITY,
	FL_F_TYPE,
	FL_F_CHANNEL,
	FL_F_ASSIGNEE,
	FL_F_REQUESTER,
	FL_F_SUBMITTER,
	FL_F_GROUP,
	FL_F_ORGANIZATION,
	FL_F_TAG,
	FL_F_CREATED,
	FL_F_UPDATED,
	FL_F_SOLVED,
	FL_F_ID,
	FL_F_EXTERNAL_ID,  /* sval: equal to the ticket's external_id */
	FL_F_SUBJECT,      /* sval: a substring of the subject, any case */
	FL_F_DESCRIPTION,  /* sval: a substring of the description, any case */
	FL_F_CC,           /* ival: a CC'd user; sval: a CC'd user's address */
	FL_F_CUSTOM_FIELD, /* ival: the field id; sval: its value */
	FL_F_FIELDVALUE,   /* sval: the value of any custom field */
	FL_F_VISIBLE_TO,   /* end-user scope: requester or CC is ival */
	FL_F_PROBLEM,      /* ival: an incident's problem ticket */
	FL_F_COMPLAINT,    /* ival: 1 a complaint (any reason), 0 not one */
	/* ival: the complaint's reason (0: none) */
	FL_F_COMPLAINT_REASON,
	FL_F__MAX
};

/* FL_OP_IN and FL_OP_NOT_IN: ival <= value <= ival2 (a whole day). */
enum fl_op {
	FL_OP_EQ,
	FL_OP_NE,
	FL_OP_LT,
	FL_OP_LE,
	FL_OP_GT,
	FL_OP_GE,
	FL_OP_IN,
	FL_OP_NOT_IN,
	FL_OP__MAX
};

/* ival holds enum values, ids (0 = none), times and the id of "me"; for
 * requester/assignee/submitter/cc given by e-mail sval holds the address;
 * text fields hold their value in sval. */
struct fl_pred {
	int field, op;
	int64_t ival, ival2;
	const char *sval;
	int group; /* predicates with the same group are ORed */
};

#define FL_FILTER_MAX 128 /* show_many takes 100 ids */
#define FL_QUERY_MAX_TERMS 32

enum fl_result_type { FL_RESULT_ALL, FL_RESULT_TICKET, FL_RESULT_USER, FL_RESULT_ORGANIZATION };

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

/* Appends a predicate in a new group (or in group when >= 0); FL_ETOOBIG
 * when f already holds FL_FILTER_MAX. sval is borrowed. */
int fl_filter_add(struct fl_filter *f, int field, int op, int64_t ival, const char *sval,
		  int group);

#endif
