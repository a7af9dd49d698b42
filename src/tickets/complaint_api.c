/* Complaints (tickets/complaint.h) over HTTP.
 *   GET/POST          /api/v2/complaint_reasons           agents read, admins write
 *   GET/PUT/DELETE    /api/v2/complaint_reasons/{id}
 *   GET/PUT           /api/v2/complaints/settings         the product field (admins write)
 *   GET               /api/v2/complaints/report[.csv]     ?from&to&period&locale&format
 * A reason is {"id", "parent_id", "names": {"uk", "ru", "lt", "en"}, "name",
 * "position", "active", "tickets_count", …}; "name" is the one for
 * ?locale= (else English, else the first given). A write that does not
 * validate is refused whole (422 naming the field) inside its transaction,
 * before anything is written. The report is read by viewers too: reason,
 * product and organization names and counts, the product and organization
 * names with the e-mail addresses and telephone numbers in them masked for
 * a viewer (anyone may type one into a custom field or a name). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/input.h"
#include "core/redact.h"
#include "core/time.h"
#include "http/http.h"
#include "sla/report.h"
#include "store/complaints.h"
#include "store/settings.h"
#include "tickets/complaint.h"
#include "tickets/ticket.h"

#define DAY_SECONDS 86400
#define CSV_BOM "\xEF\xBB\xBF"
/* The most products and organizations the JSON lists (by complaints,
 * most first; the CSV has them all). */
#define REPORT_TOP 50

struct reason_in {
	int64_t parent_id, position;
	int active;
	int has_parent, has_position, has_active;
};

#define R(m) offsetof(struct reason_in, m)
static const struct fl_field reason_fields[] = {
	{"parent_id", FL_FT_ID, 0, 0, 1, NULL, R(parent_id), R(has_parent), 0, 0},
	{"position", FL_FT_INT, FL_COMPLAINT_REASONS_MAX, 0, 0, NULL, R(position), R(has_position),
	 0, 1},
	{"active", FL_FT_BOOL, 0, 0, 0, NULL, R(active), R(has_active), 0, 0},
	FL_FIELDS_END,
};

/* One line of the report: what is counted under one key. */
struct tally {
	int64_t key;      /* a reason, an organization, a period's first day */
	const char *skey; /* a product (NULL: none) */
	const char *name;
	int64_t complaints, solved, first_contact;
};

struct ctx {
	struct reason_in in;
	json_t *names; /* the body's "names", borrowed */
	int counts;
	const char *locale;
	struct fl_complaint_reason reason;
	struct fl_complaint_reason *reasons;
	size_t n;
	/* settings */
	int64_t product_field_id;
	int has_product_field;
	/* report */
	int csv, period;
	struct fl_report_period range;
	struct fl_store_complaint_row *rows;
	size_t nrows;
};

/* ---- reasons ---- */

static json_t *names_json(struct fl_complaint_reason *r)
{
	json_t *o = json_object();
	for (int l = 0; l < FL_COMPLAINT_LANGS; l++)
		json_object_set_new(o, fl_complaint_lang(l),
				    fl_json_str(*fl_complaint_name_at(r, l)));
	return o;
}

static json_t *reason_json(struct fl_req *r, struct fl_complaint_reason *x, int counts)
{
	struct ctx *c = r->ctx;
	char url[400];
	json_t *o;

	snprintf(url, sizeof url, "%s/api/v2/complaint_reasons/%lld.json", fl_req_base(r),
		 (long long)x->id);
	o = json_pack("{s:I, s:s, s:o, s:o, s:s, s:I, s:b, s:o, s:o}", "id", (json_int_t)x->id,
		      "url", url, "parent_id", fl_json_id(x->parent_id), "names", names_json(x),
		      "name", fl_complaint_name(x, c->locale), "position", (json_int_t)x->position,
		      "active", x->active, "created_at", fl_json_time(x->created_at), "updated_at",
		      fl_json_time(x->updated_at));
	if (o && counts)
		json_object_set_new(o, "tickets_count", json_integer(x->tickets_count));
	return o;
}

static int render_reason(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "complaint_reason", reason_json(r, &c->reason, 1)));
}

/* ?locale=: one of the desk's languages, or left out. */
static int locale_arg(struct fl_req *r, struct ctx *c)
{
	const char *z = fl_req_arg(r, "locale");

	c->locale = NULL;
	if (!z)
		return 0;
	for (int l = 0; l < FL_COMPLAINT_LANGS; l++)
		if (!strcmp(z, fl_complaint_lang(l)))
			return c->locale = z, 0;
	return fl_req_fail(r, FL_EINVAL, "locale", "InvalidValue",
			   "locale: must be uk, ru, lt or en");
}

/* Reads {"complaint_reason": {"names", "parent_id", "position", "active"}};
 * what is left out stays as it was. The names go over x's given ones (a
 * name set to null or "" is taken away). */
static int decode_reason(struct fl_req *r, struct ctx *c, struct fl_complaint_reason *x)
{
	json_t *v = r->body ? json_object_get(r->body, "complaint_reason") : NULL;
	json_t *names, *name;
	const char *key;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "complaint_reason", "InvalidRequest",
				   "the body must be {\"complaint_reason\": {...}}");
	if ((rc = fl_input_decode(v, reason_fields, &c->in, &r->arena, &r->err)))
		return rc;
	names = json_object_get(v, "names");
	if (names && !json_is_object(names))
		return fl_req_fail(r, FL_EINVAL, "names", "InvalidType",
				   "names: must be {\"uk\": …, \"ru\": …, \"lt\": …, \"en\": …}");
	json_object_foreach(names, key, name)
	{
		int l = 0;
		char field[40];
		while (l < FL_COMPLAINT_LANGS && strcmp(key, fl_complaint_lang(l)))
			l++;
		snprintf(field, sizeof field, "names.%.20s", key);
		if (l == FL_COMPLAINT_LANGS)
			return fl_req_fail(r, FL_EINVAL, field, "InvalidValue",
					   "%s: the desk's languages are uk, ru, lt and en", field);
		if (!json_is_null(name) && !json_is_string(name))
			return fl_req_fail(r, FL_EINVAL, field, "InvalidType",
					   "%s: must be text or null", field);
		if (json_is_null(name) || !*json_string_value(name))
			*fl_complaint_name_at(x, l) = NULL;
		else if (!(*fl_complaint_name_at(x, l) =
				   fl_arena_strdup(&r->arena, json_string_value(name))))
			return FL_ENOMEM;
	}
	if (c->in.has_parent)
		x->parent_id = c->in.parent_id;
	if (c->in.has_active)
		x->active = c->in.active;
	x->position = c->in.has_position ? c->in.position : 0;
	return fl_complaint_names_check(x, &r->err);
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_complaint_reason_list(tx, c->counts, &r->arena, &c->reasons, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, reason_json(r, &c->reasons[i], c->counts));
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:I}", "complaint_reasons", list, "count",
				      (json_int_t)c->n));
}

static int h_list(struct fl_req *r)
{
	static const char *const args[] = {"counts", "locale", NULL};
	struct ctx *c = r->ctx;
	const char *counts = fl_req_arg(r, "counts");
	int rc = fl_req_args_only(r, args);

	if (rc || (rc = locale_arg(r, c)))
		return rc;
	if (counts && strcmp(counts, "true") && strcmp(counts, "false"))
		return fl_req_fail(r, FL_EINVAL, "counts", "InvalidValue", "counts: true or false");
	c->counts = !counts || !strcmp(counts, "true");
	return fl_req_read(r, tx_list, render_list);
}

static int tx_reread(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_complaint_reason_get(tx, c->reason.id, &r->arena, &c->reason);
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_complaint_reason_create(tx, &c->reason, &r->arena, &r->err);
	return rc ? rc : tx_reread(tx, r);
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;

	c->reason.active = 1;
	if ((rc = locale_arg(r, c)) || (rc = decode_reason(r, c, &c->reason)))
		return rc;
	r->status = 201;
	return fl_req_write(r, tx_create, render_reason);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->reason.id = r->id[0];
	return tx_reread(tx, r);
}

static int h_show(struct fl_req *r)
{
	int rc = locale_arg(r, r->ctx);
	return rc ? rc : fl_req_read(r, tx_show, render_reason);
}

/* Renames, moves, (de)activates reason r->id[0] and reads it back. */
static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_complaint_reason *x = &c->reason;
	int rc = fl_store_complaint_reason_get(tx, r->id[0], &r->arena, x);

	if (rc || (rc = decode_reason(r, c, x)) ||
	    (rc = fl_complaint_reason_update(tx, x, &r->arena, &r->err)))
		return rc;
	return tx_reread(tx, r);
}

static int h_update(struct fl_req *r)
{
	int rc = locale_arg(r, r->ctx);
	return rc ? rc : fl_req_write(r, tx_update, render_reason);
}

static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	return fl_complaint_reason_delete(tx, r->id[0], &r->arena, &r->err);
}

static int h_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

/* ---- settings ---- */

static int read_product_field(fl_tx *tx, struct fl_req *r, int64_t *id)
{
	char *z = NULL;
	int rc = fl_store_setting_get(tx, FL_COMPLAINT_PRODUCT_SETTING, &r->arena, &z);

	*id = 0;
	if (rc == FL_ENOTFOUND)
		return 0;
	if (!rc && z && fl_str_to_i64(fl_str_c(z), id))
		*id = 0;
	return rc;
}

static int tx_settings(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return read_product_field(tx, r, &c->product_field_id);
}

static int render_settings(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:o}}", "settings", "product_field_id",
				      fl_json_id(c->product_field_id)));
}

static int h_settings(struct fl_req *r)
{
	return fl_req_read(r, tx_settings, render_settings);
}

static int tx_put_settings(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	char buf[24];

	snprintf(buf, sizeof buf, "%lld", (long long)c->product_field_id);
	return fl_store_setting_set(tx, FL_COMPLAINT_PRODUCT_SETTING,
				    c->product_field_id ? buf : "");
}

static int h_put_settings(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *s = r->body ? json_object_get(r->body, "settings") : NULL;
	json_t *v = json_object_get(s, "product_field_id");

	if (!json_is_object(s))
		return fl_req_fail(r, FL_EMALFORMED, "settings", "InvalidRequest",
				   "the body must be {\"settings\": {\"product_field_id\": …}}");
	if (!v || (!json_is_null(v) && !(json_is_integer(v) && json_integer_value(v) > 0)))
		return fl_req_fail(r, FL_EINVAL, "product_field_id", "InvalidValue",
				   "product_field_id: must be a custom field's id or null");
	c->product_field_id = json_is_null(v) ? 0 : json_integer_value(v);
	return fl_req_write(r, tx_put_settings, render_settings);
}

/* ---- the report ---- */

static int tx_report(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = read_product_field(tx, r, &c->product_field_id);

	if (!rc)
		rc = fl_store_complaint_reason_list(tx, 0, &r->arena, &c->reasons, &c->n);
	if (!rc)
		rc = fl_store_complaint_rows(tx, c->range.start, c->range.end,
					     FL_STORE_COMPLAINT_ROWS_MAX + 1, &r->arena, &c->rows,
					     &c->nrows);
	return rc;
}

static void count(struct tally *t, const struct fl_store_complaint_row *x)
{
	t->complaints++;
	t->solved += x->status >= FL_STATUS_SOLVED;
	t->first_contact += fl_complaint_first_contact(x->status, x->agent_replies);
}

static int by_count(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	if (x->complaints != y->complaints)
		return x->complaints > y->complaints ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->skey ? x->skey : "", y->skey ? y->skey : "");
}

static int by_key(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (!x->skey || !y->skey)
		return x->skey ? -1 : y->skey ? 1 : 0; /* a missing key last */
	return strcmp(x->skey, y->skey);
}

/* The rows' tallies by one key (set in t[i] per row, then merged), most
 * complaints first; *n their count. */
static size_t merge(struct tally *t, size_t n)
{
	size_t k = 0;
	qsort(t, n, sizeof *t, by_key);
	for (size_t i = 0; i < n; i++) {
		if (k && !by_key(&t[k - 1], &t[i])) {
			t[k - 1].complaints += t[i].complaints;
			t[k - 1].solved += t[i].solved;
			t[k - 1].first_contact += t[i].first_contact;
		} else {
			t[k++] = t[i];
		}
	}
	qsort(t, k, sizeof *t, by_count);
	return k;
}

/* Text that anyone may have typed (a product field's value, an
 * organization's name) as the reader may see it: a viewer reads it with
 * the e-mail addresses and telephone numbers in it masked (core/redact.h).
 * Text must not be NULL; NULL when out of memory. */
static const char *viewer_text(struct fl_req *r, const char *text)
{
	return r->actor.role == FL_ROLE_VIEWER ? fl_redact_contacts(text, &r->arena) : text;
}

struct report {
	struct tally total;
	struct tally *reasons, *products, *orgs, *periods;
	size_t nreasons, nproducts, norgs, nperiods;
	int truncated;
};

static int tally_up(struct fl_req *r, struct report *rp)
{
	struct ctx *c = r->ctx;
	size_t n = c->nrows;
	int32_t first = fl_complaint_period_start(c->period, c->range.from_day);

	memset(rp, 0, sizeof *rp);
	if (n > FL_STORE_COMPLAINT_ROWS_MAX) {
		n = FL_STORE_COMPLAINT_ROWS_MAX;
		rp->truncated = 1;
	}
	c->nrows = n;
	rp->reasons = fl_arena_alloc(&r->arena, (c->n + 1) * sizeof *rp->reasons);
	rp->products = fl_arena_alloc(&r->arena, (n + 1) * sizeof *rp->products);
	rp->orgs = fl_arena_alloc(&r->arena, (n + 1) * sizeof *rp->orgs);
	/* at most 53 weeks or 13 months start in 366 days, one more before */
	rp->periods = fl_arena_alloc(&r->arena, 60 * sizeof *rp->periods);
	if (!rp->reasons || !rp->products || !rp->orgs || !rp->periods)
		return FL_ENOMEM;
	for (size_t i = 0; i < c->n; i++)
		rp->reasons[i] =
			(struct tally){.key = c->reasons[i].id,
				       .name = fl_complaint_name(&c->reasons[i], c->locale)};
	rp->nreasons = c->n;
	for (int32_t d = first; d <= c->range.to_day && rp->nperiods < 60;
	     d = fl_complaint_period_next(c->period, d))
		rp->periods[rp->nperiods++] = (struct tally){.key = d};
	for (size_t i = 0; i < n; i++) {
		const struct fl_store_complaint_row *x = &c->rows[i];
		int32_t day = fl_complaint_period_start(c->period,
							(int32_t)(x->created_at / DAY_SECONDS));
		count(&rp->total, x);
		for (size_t k = 0; k < rp->nreasons; k++)
			if (rp->reasons[k].key == x->reason_id)
				count(&rp->reasons[k], x);
		for (size_t k = 0; k < rp->nperiods; k++)
			if (rp->periods[k].key == day)
				count(&rp->periods[k], x);
		rp->products[i] = (struct tally){.skey = fl_complaint_product(x->custom_fields,
									      c->product_field_id,
									      &r->arena)};
		count(&rp->products[i], x);
		rp->orgs[i] =
			(struct tally){.key = x->organization_id, .name = x->organization_name};
		count(&rp->orgs[i], x);
	}
	rp->nproducts = c->product_field_id ? merge(rp->products, n) : 0;
	rp->norgs = merge(rp->orgs, n);
	/* masked after the merge: two products that mask alike stay two rows */
	for (size_t i = 0; i < rp->nproducts; i++)
		if (rp->products[i].skey &&
		    !(rp->products[i].skey = viewer_text(r, rp->products[i].skey)))
			return FL_ENOMEM;
	for (size_t i = 0; i < rp->norgs; i++)
		if (rp->orgs[i].name && !(rp->orgs[i].name = viewer_text(r, rp->orgs[i].name)))
			return FL_ENOMEM;
	return 0;
}

/* The share resolved at first contact: of all the complaints counted
 * (solved or not), to 0.001 rounded half up as the other reports round;
 * -1 (null) for none. */
static double share(const struct tally *t)
{
	return t->complaints
		       ? (double)((t->first_contact * 2000 + t->complaints) / (2 * t->complaints)) /
				 1000
		       : -1;
}

static json_t *counts_json(const struct tally *t, json_t *o)
{
	double s = share(t);
	json_object_set_new(o, "complaints", json_integer(t->complaints));
	json_object_set_new(o, "solved", json_integer(t->solved));
	json_object_set_new(o, "first_contact", json_integer(t->first_contact));
	json_object_set_new(o, "first_contact_share", s < 0 ? json_null() : json_real(s));
	return o;
}

static int render_report_csv(struct fl_req *r, const struct report *rp)
{
	struct ctx *c = r->ctx;
	char from[11], to[11], name[96], id[24];
	fl_buf b;
	int rc;

	fl_buf_init(&b, 0);
	rc = fl_buf_adds(&b, CSV_BOM
			 "by,key,name,complaints,solved,first_contact,"
			 "first_contact_share\r\n");
	for (int dim = 0; dim < 5 && !rc; dim++) {
		static const char *const dims[] = {"total", "reason", "product", "organization",
						   "period"};
		const struct tally *t = dim == 0   ? &rp->total
					: dim == 1 ? rp->reasons
					: dim == 2 ? rp->products
					: dim == 3 ? rp->orgs
						   : rp->periods;
		size_t n = dim == 0   ? 1
			   : dim == 1 ? rp->nreasons
			   : dim == 2 ? rp->nproducts
			   : dim == 3 ? rp->norgs
				      : rp->nperiods;
		for (size_t i = 0; i < n && !rc; i++) {
			const char *key = NULL;
			if (dim == 1 || (dim == 3 && t[i].key)) {
				snprintf(id, sizeof id, "%lld", (long long)t[i].key);
				key = id;
			} else if (dim == 2) {
				key = t[i].skey;
			} else if (dim == 4) {
				fl_report_day_iso((int32_t)t[i].key, id);
				key = id;
			}
			rc = fl_csv_text(&b, 1, dims[dim]);
			if (!rc)
				rc = fl_csv_text(&b, 0, key);
			if (!rc)
				rc = fl_csv_text(&b, 0, dim == 2 ? t[i].skey : t[i].name);
			if (!rc)
				rc = fl_csv_int(&b, 0, t[i].complaints);
			if (!rc)
				rc = fl_csv_int(&b, 0, t[i].solved);
			if (!rc)
				rc = fl_csv_int(&b, 0, t[i].first_contact);
			if (!rc)
				rc = fl_csv_real(&b, 0, share(&t[i]), 3);
			if (!rc)
				rc = fl_csv_end(&b);
		}
	}
	if (rc) {
		fl_buf_free(&b);
		return rc;
	}
	fl_report_day_iso(c->range.from_day, from);
	fl_report_day_iso(c->range.to_day, to);
	snprintf(name, sizeof name, "complaints-%s-%s.csv", from, to);
	return fl_req_reply_csv(r, &b, name);
}

static int render_report(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct report rp;
	json_t *o, *reasons = json_array(), *products = json_array(), *orgs = json_array(),
		   *periods = json_array();
	char from[11], to[11], day[11];
	int rc = tally_up(r, &rp);

	if (rc)
		return rc;
	if (c->csv)
		return render_report_csv(r, &rp);
	for (size_t i = 0; i < rp.nreasons; i++)
		json_array_append_new(
			reasons, counts_json(&rp.reasons[i],
					     json_pack("{s:I, s:o, s:s, s:o, s:b}", "reason_id",
						       (json_int_t)rp.reasons[i].key, "parent_id",
						       fl_json_id(c->reasons[i].parent_id), "name",
						       rp.reasons[i].name, "names",
						       names_json(&c->reasons[i]), "active",
						       c->reasons[i].active)));
	for (size_t i = 0; i < rp.nproducts && i < REPORT_TOP; i++)
		json_array_append_new(products,
				      counts_json(&rp.products[i],
						  json_pack("{s:o}", "product",
							    fl_json_str(rp.products[i].skey))));
	for (size_t i = 0; i < rp.norgs && i < REPORT_TOP; i++)
		json_array_append_new(
			orgs, counts_json(&rp.orgs[i],
					  json_pack("{s:o, s:o}", "organization_id",
						    fl_json_id(rp.orgs[i].key), "name",
						    rp.orgs[i].key ? fl_json_str(rp.orgs[i].name)
								   : json_null())));
	for (size_t i = 0; i < rp.nperiods; i++) {
		fl_report_day_iso((int32_t)rp.periods[i].key, day);
		json_array_append_new(periods, counts_json(&rp.periods[i],
							   json_pack("{s:s}", "start", day)));
	}
	fl_report_day_iso(c->range.from_day, from);
	fl_report_day_iso(c->range.to_day, to);
	o = counts_json(&rp.total,
			json_pack("{s:s, s:s, s:s, s:o, s:b, s:o, s:o, s:o, s:o}", "from", from,
				  "to", to, "period", fl_complaint_period_name(c->period),
				  "product_field_id", fl_json_id(c->product_field_id), "truncated",
				  rp.truncated, "by_reason", reasons, "by_product", products,
				  "by_organization", orgs, "by_period", periods));
	return fl_req_reply(r, 200, json_pack("{s:o}", "complaints_report", o));
}

static int h_report(struct fl_req *r)
{
	static const char *const args[] = {"from", "to", "period", "locale", "format", NULL};
	struct ctx *c = r->ctx;
	const char *format = fl_req_arg(r, "format"), *period = fl_req_arg(r, "period");
	int rc = fl_req_args_only(r, args);

	if (rc || (rc = locale_arg(r, c)))
		return rc;
	if (format && strcmp(format, "csv") && strcmp(format, "json"))
		return fl_req_fail(r, FL_EINVAL, "format", "InvalidValue",
				   "Format: must be csv or json");
	c->csv = (format && !strcmp(format, "csv")) ||
		 (strlen(r->url) > 4 && !strcmp(r->url + strlen(r->url) - 4, ".csv"));
	c->period = period ? fl_complaint_period_parse(period) : FL_COMPLAINT_MONTH;
	if (c->period < 0)
		return fl_req_fail(r, FL_EINVAL, "period", "InvalidValue",
				   "period: must be week or month");
	if ((rc = fl_report_period_parse(fl_req_arg(r, "from"), fl_req_arg(r, "to"),
					 (int32_t)(fl_now() / DAY_SECONDS), &c->range, &r->err)))
		return rc;
	return fl_req_read(r, tx_report, render_report);
}

#define REASONS "/api/v2/complaint_reasons"
const struct fl_route fl_complaint_routes[] = {
	{"GET", REASONS, h_list, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"POST", REASONS, h_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", REASONS "/{id}", h_show, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"PUT", REASONS "/{id}", h_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", REASONS "/{id}", h_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/complaints/settings", h_settings, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/complaints/settings", h_put_settings, FL_ROLE_ADMIN, 0,
	 sizeof(struct ctx)},
	{"GET", "/api/v2/complaints/report", h_report, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/complaints/report.csv", h_report, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{0},
};
