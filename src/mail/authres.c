/* Authentication-Results (RFC 8601), read and judged (mail/authres.h). */
#include "mail/authres.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "mail/mail.h"

#define MAX_COMMENT_DEPTH 16

struct cur {
	const char *p, *end;
};

static int at(const struct cur *c, char ch)
{
	return c->p < c->end && *c->p == ch;
}

/* A comment (RFC 5322 §3.2.2): nested parentheses, backslash quoting. */
static int comment(struct cur *c)
{
	int depth = 0;

	while (c->p < c->end) {
		char ch = *c->p++;
		if (ch == '\\' && c->p < c->end)
			c->p++;
		else if (ch == '(' && ++depth > MAX_COMMENT_DEPTH)
			return FL_EINVAL;
		else if (ch == ')' && --depth == 0)
			return 0;
	}
	return FL_EINVAL; /* unterminated */
}

/* CFWS: folding white space and comments, as many as there are. */
static int cfws(struct cur *c)
{
	for (;;) {
		while (c->p < c->end && strchr(" \t\r\n", *c->p) && *c->p)
			c->p++;
		if (!at(c, '('))
			return 0;
		if (comment(c))
			return FL_EINVAL;
	}
}

static int put(char *buf, size_t cap, size_t *k, char ch)
{
	if (*k + 1 >= cap)
		return FL_EINVAL;
	buf[(*k)++] = ch;
	buf[*k] = 0;
	return 0;
}

/* A Keyword (RFC 8601 §2.2, an Ldh-str; "_" tolerated), lower case. */
static int keyword(struct cur *c, char *buf, size_t cap)
{
	size_t k = 0;

	buf[0] = 0;
	while (c->p < c->end) {
		char ch = *c->p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			break;
		if (put(buf, cap, &k, ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch))
			return FL_EINVAL;
		c->p++;
	}
	return k ? 0 : FL_EINVAL;
}

/* A quoted-string's content (the opening quote is at c->p). */
static int quoted(struct cur *c, char *buf, size_t cap, size_t *k)
{
	c->p++;
	while (c->p < c->end && *c->p != '"') {
		if (*c->p == '\\' && c->p + 1 < c->end)
			c->p++;
		if ((unsigned char)*c->p < ' ' && *c->p != '\t')
			return FL_EINVAL;
		if (put(buf, cap, k, *c->p++))
			return FL_EINVAL;
	}
	if (!at(c, '"'))
		return FL_EINVAL;
	c->p++;
	return 0;
}

/* RFC 2045 token characters. */
static int tokenchar(char ch)
{
	return (unsigned char)ch > ' ' && (unsigned char)ch < 127 &&
	       !strchr("()<>@,;:\\\"/[]?=", ch);
}

/* A value: a token or a quoted-string (RFC 2045 §5.1). */
static int value(struct cur *c, char *buf, size_t cap)
{
	size_t k = 0;

	buf[0] = 0;
	if (at(c, '"'))
		return quoted(c, buf, cap, &k);
	while (c->p < c->end && tokenchar(*c->p))
		if (put(buf, cap, &k, *c->p++))
			return FL_EINVAL;
	return k ? 0 : FL_EINVAL;
}

/* A pvalue: a value, or [[local-part] "@"] domain-name — in practice
 * everything up to white space, ";" or a comment, quoted parts unquoted. */
static int pvalue(struct cur *c, char *buf, size_t cap)
{
	size_t k = 0;

	buf[0] = 0;
	while (c->p < c->end && !strchr(" \t\r\n;(", *c->p)) {
		if (*c->p == '"') {
			if (quoted(c, buf, cap, &k))
				return FL_EINVAL;
			continue;
		}
		if ((unsigned char)*c->p < ' ' || *c->p == 0x7f || put(buf, cap, &k, *c->p))
			return FL_EINVAL;
		c->p++;
	}
	return k ? 0 : FL_EINVAL;
}

static void digits(struct cur *c)
{
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
}

/* One resinfo after its ";": method[/version] = result, then the reason
 * and the properties up to the next ";". */
static int resinfo(struct cur *c, struct fl_authres_result *r)
{
	struct fl_authres_prop spare;
	char scratch[320];

	if (keyword(c, r->method, sizeof r->method) || cfws(c))
		return FL_EINVAL;
	if (at(c, '/')) {
		c->p++;
		if (cfws(c))
			return FL_EINVAL;
		digits(c);
		if (cfws(c))
			return FL_EINVAL;
	}
	if (!at(c, '='))
		return FL_EINVAL;
	c->p++;
	if (cfws(c) || keyword(c, r->result, sizeof r->result))
		return FL_EINVAL;
	for (;;) {
		struct fl_authres_prop *pp;
		char ptype[sizeof pp->ptype];
		if (cfws(c))
			return FL_EINVAL;
		if (c->p == c->end || at(c, ';'))
			return 0;
		if (keyword(c, ptype, sizeof ptype) || cfws(c))
			return FL_EINVAL;
		if (at(c, '=')) {
			/* reason=, and what some hosts add ("action=quarantine"):
			 * read, kept by no one */
			c->p++;
			if (cfws(c) || pvalue(c, scratch, sizeof scratch))
				return FL_EINVAL;
			continue;
		}
		if (!at(c, '.'))
			return FL_EINVAL;
		/* past the limit a property is read into scratch and dropped:
		 * the verdict reads the first ones (header.from, smtp.mailfrom …) */
		pp = r->nprops < FL_AUTHRES_MAX_PROPS ? &r->props[r->nprops] : &spare;
		memcpy(pp->ptype, ptype, sizeof ptype);
		c->p++;
		if (cfws(c) || keyword(c, pp->property, sizeof pp->property) || cfws(c) ||
		    !at(c, '='))
			return FL_EINVAL;
		c->p++;
		if (cfws(c) || pvalue(c, pp->value, sizeof pp->value))
			return FL_EINVAL;
		if (pp != &spare)
			r->nprops++;
	}
}

int fl_authres_parse(const char *z, size_t n, struct fl_authres *out)
{
	struct cur c = {z, z + n};

	out->authserv_id[0] = 0;
	out->n = 0;
	out->dropped = 0;
	/* the header names its writer first (kept even when what follows does
	 * not parse: a header of ours we cannot read is not a header of
	 * someone else's) */
	if (cfws(&c) || value(&c, out->authserv_id, sizeof out->authserv_id) || cfws(&c))
		return FL_EINVAL;
	digits(&c); /* authres-version */
	if (cfws(&c) || !at(&c, ';'))
		return FL_EINVAL;
	out->n = 0;
	while (at(&c, ';')) {
		struct cur none = c;
		char word[8];
		c.p++;
		if (cfws(&c))
			return FL_EINVAL;
		if (c.p == c.end)
			break; /* a trailing ";" */
		/* no-result: "; none", nothing was checked */
		none.p++;
		if (!out->n && !cfws(&none) && !keyword(&none, word, sizeof word) &&
		    !strcmp(word, "none") && !cfws(&none) && none.p == none.end)
			return 0;
		if (out->n == FL_AUTHRES_MAX_RESULTS) {
			/* read to its end, not kept, and said: the verdict will not
			 * judge a header it could not keep whole */
			struct fl_authres_result spare = {0};
			if (resinfo(&c, &spare))
				return FL_EINVAL;
			out->dropped++;
			continue;
		}
		memset(&out->r[out->n], 0, sizeof out->r[out->n]);
		if (resinfo(&c, &out->r[out->n]))
			return FL_EINVAL;
		out->n++;
	}
	return c.p == c.end ? 0 : FL_EINVAL;
}

/* The property ptype.property of r, or NULL. */
static const char *prop(const struct fl_authres_result *r, const char *ptype, const char *property)
{
	for (size_t i = 0; i < r->nprops; i++)
		if (!strcmp(r->props[i].ptype, ptype) && !strcmp(r->props[i].property, property))
			return r->props[i].value;
	return NULL;
}

/* Whether the domain in v (an address or a domain) is domain or a parent
 * of it: whoever answers for example.com answers for mail.example.com. */
static int aligned(const char *v, const char *domain)
{
	const char *at_sign = v ? strrchr(v, '@') : NULL;
	size_t nv, nd;

	if (!v || !domain)
		return 0;
	if (at_sign)
		v = at_sign + 1;
	nv = strlen(v);
	nd = strlen(domain);
	if (!nv || nv > nd)
		return 0;
	if (nv == nd)
		return !strcasecmp(v, domain);
	return domain[nd - nv - 1] == '.' && !strcasecmp(domain + nd - nv, v);
}

enum fl_mail_auth fl_authres_verdict(char *const *values, size_t n, const char *authserv_id,
				     const char *from_email)
{
	struct fl_authres *h;
	const char *domain = from_email ? strrchr(from_email, '@') : NULL;
	int dmarc_pass = 0, dmarc_fail = 0, dmarc_other = 0;
	int spf_pass = 0, spf_aligned = 0, spf_fail = 0;
	int dkim_pass = 0, dkim_aligned = 0, dkim_fail = 0, unreadable = 0;
	size_t ours = 0;

	/* ~50 KiB: on the heap, not on a thread's stack; out of memory
	 * trusts nothing */
	if (!authserv_id || !*authserv_id || !domain || !(h = malloc(sizeof *h)))
		return FL_MAIL_AUTH_UNKNOWN;
	domain++;
	for (size_t i = 0; i < n && !unreadable; i++) {
		int rc = values[i] ? fl_authres_parse(values[i], strlen(values[i]), h) : FL_EINVAL;
		if (!values[i] || strcasecmp(h->authserv_id, authserv_id))
			break; /* the trusted run ends at the first header not ours */
		/* ours, but not read whole (broken, or more results than we
		 * keep): whatever it said — a dmarc=fail among them — we cannot
		 * tell, and an attacker who can make our host write something odd
		 * (a strange MAIL FROM) must not turn a failure into "unknown" */
		if (rc || h->dropped) {
			unreadable = 1;
			break;
		}
		ours++;
		for (size_t k = 0; k < h->n; k++) {
			const struct fl_authres_result *r = &h->r[k];
			int pass = !strcmp(r->result, "pass"), fail = !strcmp(r->result, "fail");
			if (!strcmp(r->method, "dmarc")) {
				const char *hf = prop(r, "header", "from");
				if (hf && !aligned(hf, domain))
					continue; /* about another From */
				dmarc_pass |= pass;
				dmarc_fail |= fail;
				dmarc_other |= !pass && !fail && strcmp(r->result, "none");
			} else if (!strcmp(r->method, "spf")) {
				spf_pass |= pass;
				spf_aligned |= pass && aligned(prop(r, "smtp", "mailfrom"), domain);
				spf_fail |= fail;
			} else if (!strcmp(r->method, "dkim")) {
				dkim_pass |= pass;
				dkim_aligned |= pass && (aligned(prop(r, "header", "d"), domain) ||
							 aligned(prop(r, "header", "i"), domain));
				dkim_fail |= fail;
			}
		}
	}
	free(h);
	/* every header kept was ours: one more of ours, past the parser's
	 * FL_MAIL_MAX_AUTHRES, may have said what these did not */
	if (n == FL_MAIL_MAX_AUTHRES && ours == n)
		unreadable = 1;
	if (dmarc_fail || unreadable)
		return FL_MAIL_AUTH_FAILED;
	if (dmarc_pass)
		return FL_MAIL_AUTH_VERIFIED;
	if (dmarc_other)
		return FL_MAIL_AUTH_UNKNOWN;
	if (spf_aligned || dkim_aligned)
		return FL_MAIL_AUTH_VERIFIED;
	if (spf_fail && dkim_fail && !spf_pass && !dkim_pass)
		return FL_MAIL_AUTH_FAILED;
	return FL_MAIL_AUTH_UNKNOWN;
}
