/* The search query parser (the language is described in query.h). */
#include "search/query.h"

#include <string.h>

#include "core/time.h"
#include "tickets/ticket.h"
#include "users/user.h"

static const struct {
	const char *name;
	int field;
} fields[] = {
	{"status", FL_F_STATUS},
	{"priority", FL_F_PRIORITY},
	{"ticket_type", FL_F_TYPE},
	{"via", FL_F_CHANNEL},
	{"channel", FL_F_CHANNEL},
	{"assignee", FL_F_ASSIGNEE},
	{"requester", FL_F_REQUESTER},
	{"submitter", FL_F_SUBMITTER},
	{"group", FL_F_GROUP},
	{"organization", FL_F_ORGANIZATION},
	{"tags", FL_F_TAG},
	{"tag", FL_F_TAG},
	{"created", FL_F_CREATED},
	{"updated", FL_F_UPDATED},
	{"solved", FL_F_SOLVED},
	{"id", FL_F_ID},
	{"external_id", FL_F_EXTERNAL_ID},
	{"subject", FL_F_SUBJECT},
	{"description", FL_F_DESCRIPTION},
	{"cc", FL_F_CC},
	{"fieldvalue", FL_F_FIELDVALUE},
	{"complaint", FL_F_COMPLAINT},
	{"complaint_reason", FL_F_COMPLAINT_REASON},
};

#define CUSTOM_FIELD "custom_field_"

struct term {
	fl_str key, value; /* key empty for text */
	int op, negate, quoted;
};

/* Splits the next term off *q; 0 when none is left, 1 when one was read. */
static int next_term(fl_str *q, struct term *t, struct fl_err *e)
{
	const char *p = q->p, *end = q->p + q->n;

	memset(t, 0, sizeof *t);
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (p == end) {
		*q = (fl_str){end, 0};
		return 0;
	}
	if (*p == '-' && p + 1 < end && p[1] != ' ') {
		t->negate = 1;
		p++;
	}
	const char *start = p;
	/* a key is a letter, then letters, digits and '_', followed by an
	 * operator */
	while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
			   (p > start && *p >= '0' && *p <= '9')))
		p++;
	if (p > start && p < end && (*p == ':' || *p == '<' || *p == '>')) {
		t->key = (fl_str){start, (size_t)(p - start)};
		if (*p == ':')
			t->op = FL_OP_EQ;
		else if (*p == '<')
			t->op = p + 1 < end && p[1] == '=' ? (p++, FL_OP_LE) : FL_OP_LT;
		else
			t->op = p + 1 < end && p[1] == '=' ? (p++, FL_OP_GE) : FL_OP_GT;
		p++;
	} else {
		p = start;
	}
	if (p < end && *p == '"') {
		const char *close = memchr(p + 1, '"', (size_t)(end - p - 1));
		if (!close)
			return fl_err_set(e, FL_EMALFORMED, "query", "UnterminatedPhrase",
					  "a phrase is missing its closing quote");
		t->value = (fl_str){p + 1, (size_t)(close - p - 1)};
		t->quoted = 1;
		p = close + 1;
	} else {
		const char *v = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		t->value = (fl_str){v, (size_t)(p - v)};
	}
	if (t->key.n && !t->value.n) {
		/* "re:" alone is a word, not an empty condition */
		t->value = (fl_str){start, (size_t)(p - start)};
		t->key = (fl_str){0, 0};
	}
	q->n -= (size_t)(p - q->p);
	q->p = p;
	return 1;
}

/* The ticket field key names; for custom_field_N, *custom is N. -1 when
 * Frontline does not know the field. */
static int find_field(fl_str key, int64_t *custom)
{
	size_t n = sizeof CUSTOM_FIELD - 1;

	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (fl_str_eqi(key, fields[i].name))
			return fields[i].field;
	if (key.n > n && fl_str_eqi((fl_str){key.p, n}, CUSTOM_FIELD) &&
	    fl_str_to_i64((fl_str){key.p + n, key.n - n}, custom) == 0 && *custom > 0)
		return FL_F_CUSTOM_FIELD;
	return -1;
}

static int unknown(struct fl_err *e, const struct term *t, const char *what)
{
	return fl_err_set(e, FL_EINVAL, "query", "UnknownField",
			  "'%.*s' is not a field %s can be searched by", (int)t->key.n, t->key.p,
			  what);
}

/* A copy of v in a, in ASCII lower case when lower is set. */
static char *copy_value(fl_arena *a, fl_str v, int lower)
{
	char *z = fl_arena_strndup(a, v.p, v.n);
	for (char *c = z; z && lower && *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c + 32);
	return z;
}

static int bad(struct fl_err *e, const struct term *t, const char *what)
{
	return fl_err_set(e, FL_EMALFORMED, "query", "InvalidValue", "%s '%.*s' for '%.*s'", what,
			  (int)t->value.n, t->value.p, (int)t->key.n, t->key.p);
}

/* Turns a term's value into ival/sval for its field. */
static int value_of(const struct term *t, int field, int64_t actor_id, fl_arena *a, int64_t *ival,
		    const char **sval, struct fl_err *e)
{
	fl_str v = t->value;
	int x;

	*sval = NULL;
	switch (field) {
	case FL_F_STATUS: x = fl_status_parse(v); break;
	case FL_F_PRIORITY: x = fl_priority_parse(v); break;
	case FL_F_TYPE: x = fl_type_parse(v); break;
	case FL_F_CHANNEL: x = fl_channel_parse(v); break;
	case FL_F_COMPLAINT:
		if (fl_str_eqi(v, "true") || fl_str_eqi(v, "false")) {
			*ival = fl_str_eqi(v, "true");
			return 0;
		}
		return bad(e, t, "true or false, not");
	case FL_F_CREATED:
	case FL_F_UPDATED:
	case FL_F_SOLVED:
		if (fl_time_parse(v, ival))
			return bad(e, t, "invalid date");
		return 0;
	case FL_F_TAG: /* tags are stored in lower case */
	case FL_F_EXTERNAL_ID:
	case FL_F_SUBJECT:
	case FL_F_DESCRIPTION:
	case FL_F_CUSTOM_FIELD:
	case FL_F_FIELDVALUE:
		if (!(*sval = copy_value(a, v, field == FL_F_TAG)))
			return FL_ENOMEM;
		return 0;
	default: /* ids, "me", "none", or an e-mail address */
		if (fl_str_eqi(v, "me")) {
			*ival = actor_id;
		} else if (fl_str_eqi(v, "none")) {
			*ival = 0;
		} else if (fl_str_to_i64(v, ival) == 0 && *ival > 0) {
			/* an id */
		} else if (memchr(v.p, '@', v.n) &&
			   (field == FL_F_REQUESTER || field == FL_F_ASSIGNEE ||
			    field == FL_F_SUBMITTER || field == FL_F_CC)) {
			if (!(*sval = copy_value(a, v, 1)))
				return FL_ENOMEM;
			*ival = 0;
		} else {
			return bad(e, t, "invalid value");
		}
		return 0;
	}
	if (x < 0)
		return bad(e, t, "unknown value");
	*ival = x;
	return 0;
}

static int add_text(struct fl_filter *f, const struct term *t, fl_arena *a, struct fl_err *e)
{
	fl_str v = t->value;
	int prefix = 0;
	char *z;

	if (!t->quoted && v.n > 1 && v.p[v.n - 1] == '*') {
		prefix = 1;
		v.n--;
	}
	z = fl_arena_strndup(a, v.p, v.n);
	if (!z)
		return FL_ENOMEM;
	if (t->negate) {
		if (f->nnot_text == FL_QUERY_MAX_TERMS)
			goto too_many;
		f->not_text_prefix[f->nnot_text] = prefix;
		f->not_text[f->nnot_text++] = z;
		return 0;
	}
	if (f->ntext == FL_QUERY_MAX_TERMS)
		goto too_many;
	f->text_prefix[f->ntext] = prefix;
	f->text[f->ntext++] = z;
	return 0;
too_many:
	return fl_err_set(e, FL_EMALFORMED, "query", "TooManyTerms",
			  "a query may have at most %d words", FL_QUERY_MAX_TERMS);
}

/* A type:user or type:organization condition: into *pq. 0 when the term
 * was one, 1 when the key is no people field. */
static int people_term(const struct term *t, fl_arena *a, struct fl_people_query *pq,
		       int *is_user_only, struct fl_err *e)
{
	const char **into;

	if (fl_str_eqi(t->key, "role")) {
		if ((pq->role = fl_role_parse(t->value)) < 0)
			return bad(e, t, "unknown value");
		*is_user_only = 1;
		return 0;
	}
	if (fl_str_eqi(t->key, "email"))
		into = &pq->email, *is_user_only = 1;
	else if (fl_str_eqi(t->key, "external_id") && !t->negate && t->op == FL_OP_EQ)
		into = &pq->external_id;
	else
		return 1; /* a ticket's term (a negated external_id: among them) */
	if (t->negate || t->op != FL_OP_EQ)
		return bad(e, t, "people are found with ':' only, not");
	return (*into = copy_value(a, t->value, into == &pq->email)) ? 0 : FL_ENOMEM;
}

int fl_query_parse(fl_str q, int64_t actor_id, fl_arena *a, struct fl_filter *out,
		   struct fl_people_query *people, struct fl_err *e)
{
	struct fl_filter f;
	struct fl_people_query pq = {NULL, NULL, -1};
	struct term t, ticket_term = {0}, people_only = {0}, user_only = {0};
	int group_of[FL_F__MAX];
	size_t nterms = 0;
	int rc;

	memset(&f, 0, sizeof f);
	for (int i = 0; i < FL_F__MAX; i++)
		group_of[i] = -1;
	if (q.n > FL_QUERY_MAX_LEN)
		return fl_err_set(e, FL_EMALFORMED, "query", "TooLong",
				  "a query may be at most %d bytes", FL_QUERY_MAX_LEN);
	if (!fl_utf8_valid(q.p, q.n))
		return fl_err_set(e, FL_EMALFORMED, "query", "InvalidEncoding",
				  "the query is not valid UTF-8");
	while ((rc = next_term(&q, &t, e)) == 1) {
		int field, op, user_field = 0;
		int64_t ival = 0, custom = 0;
		const char *sval;

		if (++nterms > FL_QUERY_MAX_TERMS)
			return fl_err_set(e, FL_EMALFORMED, "query", "TooManyTerms",
					  "a query may have at most %d terms", FL_QUERY_MAX_TERMS);
		if (t.key.n && fl_str_eqi(t.key, "type")) {
			if (fl_str_eqi(t.value, "ticket"))
				f.result_type = FL_RESULT_TICKET;
			else if (fl_str_eqi(t.value, "user"))
				f.result_type = FL_RESULT_USER;
			else if (fl_str_eqi(t.value, "organization"))
				f.result_type = FL_RESULT_ORGANIZATION;
			else
				return bad(e, &t, "unknown type");
			continue;
		}
		if (!t.key.n) {
			if ((rc = add_text(&f, &t, a, e)))
				return rc;
			continue;
		}
		/* people's conditions are kept aside until the type is known */
		rc = people_term(&t, a, &pq, &user_field, e);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (!people_only.key.n)
				people_only = t;
			if (user_field && !user_only.key.n)
				user_only = t;
			if (user_field)
				continue;
			/* external_id: a ticket field as well */
		}
		field = find_field(t.key, &custom);
		if (field < 0)
			return unknown(e, &t, "Frontline");
		if (!ticket_term.key.n && !fl_str_eqi(t.key, "external_id"))
			ticket_term = t;
		rc = value_of(&t, field, actor_id, a, &ival, &sval, e);
		if (rc)
			return rc;
		if (field == FL_F_CUSTOM_FIELD)
			ival = custom;
		op = t.op;
		if (t.negate)
			op = op == FL_OP_EQ   ? FL_OP_NE
			     : op == FL_OP_LT ? FL_OP_GE
			     : op == FL_OP_LE ? FL_OP_GT
			     : op == FL_OP_GT ? FL_OP_LE
					      : FL_OP_LT;
		if ((field == FL_F_COMPLAINT || field == FL_F_COMPLAINT_REASON) && op != FL_OP_EQ &&
		    op != FL_OP_NE)
			return bad(e, &t, "complaints are found with ':' only, not");
		if (sval && field != FL_F_ASSIGNEE && field != FL_F_REQUESTER &&
		    field != FL_F_SUBMITTER && field != FL_F_CC && op != FL_OP_EQ && op != FL_OP_NE)
			return bad(e, &t, "text fields take ':' only, not a comparison with");
		/* dates without a time: "created<2026-01-02" means before that
		 * day starts, "created>2026-01-02" after it ends */
		if ((field == FL_F_CREATED || field == FL_F_UPDATED || field == FL_F_SOLVED) &&
		    t.value.n == 10 && (op == FL_OP_GT || op == FL_OP_LE))
			ival += 86399;
		/* field:a field:b means a or b (custom_field_1:a custom_field_2:b
		 * means both); negations and ranges AND */
		int group = -1;
		if (op == FL_OP_EQ && field != FL_F_CUSTOM_FIELD) {
			if (group_of[field] < 0)
				group_of[field] = f.ngroups++;
			group = group_of[field];
		}
		rc = fl_filter_add(&f, field, op, ival, sval, group);
		if (rc)
			return fl_err_set(e, FL_EMALFORMED, "query", "TooManyTerms",
					  "too many conditions in one query");
		if ((field == FL_F_CREATED || field == FL_F_UPDATED || field == FL_F_SOLVED) &&
		    (op == FL_OP_EQ || op == FL_OP_NE) && t.value.n == 10) {
			/* a bare date means the whole day */
			f.p[f.n - 1].op = op == FL_OP_EQ ? FL_OP_IN : FL_OP_NOT_IN;
			f.p[f.n - 1].ival2 = ival + 86399;
		}
	}
	if (rc < 0)
		return rc;
	if (f.result_type == FL_RESULT_USER || f.result_type == FL_RESULT_ORGANIZATION) {
		if (ticket_term.key.n)
			return unknown(e, &ticket_term,
				       f.result_type == FL_RESULT_USER ? "users" : "organizations");
		if (f.result_type == FL_RESULT_ORGANIZATION && user_only.key.n)
			return unknown(e, &user_only, "organizations");
		if (people)
			*people = pq;
		else if (people_only.key.n)
			return unknown(e, &people_only, "this search");
		f.n = 0, f.ngroups = 0; /* external_id was also read as a ticket field */
	} else if (user_only.key.n) {
		return unknown(e, &user_only, "tickets");
	}
	*out = f;
	return 0;
}

int fl_query_parse_words(fl_str q, const char *what, fl_arena *a, struct fl_filter *out,
			 struct fl_err *e)
{
	struct fl_filter f;
	struct term t;
	size_t nterms = 0;
	int rc;

	memset(&f, 0, sizeof f);
	if (q.n > FL_QUERY_MAX_LEN)
		return fl_err_set(e, FL_EMALFORMED, "query", "TooLong",
				  "a query may be at most %d bytes", FL_QUERY_MAX_LEN);
	if (!fl_utf8_valid(q.p, q.n))
		return fl_err_set(e, FL_EMALFORMED, "query", "InvalidEncoding",
				  "the query is not valid UTF-8");
	while ((rc = next_term(&q, &t, e)) == 1) {
		if (++nterms > FL_QUERY_MAX_TERMS)
			return fl_err_set(e, FL_EMALFORMED, "query", "TooManyTerms",
					  "a query may have at most %d terms", FL_QUERY_MAX_TERMS);
		if (t.key.n)
			return unknown(e, &t, what);
		if ((rc = add_text(&f, &t, a, e)))
			return rc;
	}
	if (rc < 0)
		return rc;
	*out = f;
	return 0;
}
