/* Complaint reasons: their checks and doors (tickets/complaint.h). */
#include "tickets/complaint.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "core/time.h"
#include "store/complaints.h"
#include "store/settings.h"
#include "tickets/ticket.h"

static const char *const langs[FL_COMPLAINT_LANGS] = {"uk", "ru", "lt", "en"};

const char *fl_complaint_lang(int l)
{
	return l >= 0 && l < FL_COMPLAINT_LANGS ? langs[l] : NULL;
}

char **fl_complaint_name_at(struct fl_complaint_reason *r, int l)
{
	switch (l) {
	case FL_COMPLAINT_UK: return &r->name_uk;
	case FL_COMPLAINT_RU: return &r->name_ru;
	case FL_COMPLAINT_LT: return &r->name_lt;
	default: return &r->name_en;
	}
}

const char *fl_complaint_name(const struct fl_complaint_reason *r, const char *locale)
{
	struct fl_complaint_reason *w = (struct fl_complaint_reason *)r;
	const char *z;

	for (int l = 0; locale && l < FL_COMPLAINT_LANGS; l++)
		if (!strncmp(locale, langs[l], 2) && (locale[2] == 0 || locale[2] == '-') &&
		    (z = *fl_complaint_name_at(w, l)))
			return z;
	if (r->name_en)
		return r->name_en;
	for (int l = 0; l < FL_COMPLAINT_LANGS; l++)
		if ((z = *fl_complaint_name_at(w, l)))
			return z;
	return "";
}

static int name_check(const char *name, const char *lang, struct fl_err *e)
{
	size_t n = strlen(name), blank = 0;
	char field[16];

	snprintf(field, sizeof field, "names.%s", lang);
	if (n > FL_COMPLAINT_NAME_MAX)
		return fl_err_set(e, FL_EINVAL, field, "TooLong",
				  "%s: is too long (at most %d bytes)", field,
				  FL_COMPLAINT_NAME_MAX);
	if (!fl_utf8_valid(name, n))
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue", "%s: is not valid UTF-8",
				  field);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f)
			return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
					  "%s: may not hold control characters", field);
		blank += c == ' ';
	}
	if (blank == n)
		return fl_err_set(e, FL_EINVAL, field, "Blank", "%s: cannot be blank", field);
	return 0;
}

int fl_complaint_names_check(const struct fl_complaint_reason *r, struct fl_err *e)
{
	struct fl_complaint_reason *w = (struct fl_complaint_reason *)r;
	int given = 0, rc;

	for (int l = 0; l < FL_COMPLAINT_LANGS; l++) {
		const char *z = *fl_complaint_name_at(w, l);
		if (!z)
			continue;
		given++;
		if ((rc = name_check(z, langs[l], e)))
			return rc;
	}
	if (!given)
		return fl_err_set(e, FL_EINVAL, "names", "Blank",
				  "Names: a reason needs a name in at least one language (uk, "
				  "ru, lt, en)");
	return 0;
}

/* The reasons under r->parent_id in order, without r itself, with r at
 * place pos (1-based; 0 or past the end: last), each given its new
 * position; those whose position moved are written (r itself is the
 * caller's to write). */
static int place(fl_tx *tx, struct fl_complaint_reason *r, int64_t pos, fl_arena *a)
{
	struct fl_complaint_reason *all;
	size_t n, k = 0;
	int rc = fl_store_complaint_reason_siblings(tx, r->parent_id, a, &all, &n);

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (all[i].id != r->id)
			all[k++] = all[i];
	if (pos <= 0 || pos > (int64_t)k + 1)
		pos = (int64_t)k + 1;
	r->position = pos;
	for (size_t i = 0; i < k; i++) {
		int64_t want = (int64_t)i + 1 < pos ? (int64_t)i + 1 : (int64_t)i + 2;
		if (all[i].position != want &&
		    (rc = fl_store_complaint_reason_set_position(tx, all[i].id, want)))
			return rc;
	}
	return 0;
}

/* The parent r names: a top-level reason, not r. */
static int parent_check(fl_tx *tx, const struct fl_complaint_reason *r, fl_arena *a,
			struct fl_err *e)
{
	struct fl_complaint_reason p;
	int64_t under = 0;
	int rc;

	if (!r->parent_id)
		return 0;
	if (r->parent_id == r->id)
		return fl_err_set(e, FL_EINVAL, "parent_id", "InvalidValue",
				  "parent_id: a reason cannot be under itself");
	rc = fl_store_complaint_reason_get(tx, r->parent_id, a, &p);
	if (rc == FL_ENOTFOUND)
		return fl_err_set(e, FL_EINVAL, "parent_id", "InvalidValue",
				  "parent_id: there is no complaint reason %lld",
				  (long long)r->parent_id);
	if (rc)
		return rc;
	if (p.parent_id)
		return fl_err_set(e, FL_EINVAL, "parent_id", "InvalidValue",
				  "parent_id: reasons are two levels deep; reason %lld is "
				  "already under another",
				  (long long)r->parent_id);
	if (r->id && (rc = fl_store_complaint_reason_children(tx, r->id, &under)))
		return rc;
	if (under)
		return fl_err_set(e, FL_EINVAL, "parent_id", "InvalidValue",
				  "parent_id: this reason has reasons under it and stays at the "
				  "top level");
	return 0;
}

int fl_complaint_reason_create(fl_tx *tx, struct fl_complaint_reason *r, fl_arena *a,
			       struct fl_err *e)
{
	int64_t n;
	int rc = fl_complaint_names_check(r, e);

	r->id = 0;
	if (rc || (rc = parent_check(tx, r, a, e)) ||
	    (rc = fl_store_limit_lock(tx, "complaint_reasons")) ||
	    (rc = fl_store_complaint_reason_count(tx, &n)))
		return rc;
	if (n >= FL_COMPLAINT_REASONS_MAX)
		return fl_err_set(e, FL_EINVAL, "complaint_reason", "TooLong",
				  "A desk keeps at most %d complaint reasons",
				  FL_COMPLAINT_REASONS_MAX);
	if ((rc = place(tx, r, r->position, a)))
		return rc;
	r->created_at = r->updated_at = fl_now();
	return fl_store_complaint_reason_insert(tx, r);
}

int fl_complaint_reason_update(fl_tx *tx, struct fl_complaint_reason *r, fl_arena *a,
			       struct fl_err *e)
{
	struct fl_complaint_reason was;
	int rc = fl_complaint_names_check(r, e);

	if (rc || (rc = parent_check(tx, r, a, e)) ||
	    (rc = fl_store_complaint_reason_get(tx, r->id, a, &was)))
		return rc;
	if (was.parent_id != r->parent_id) {
		/* it leaves its old level, whose reasons close the gap, and
		 * goes to its place at the new one (0: last) */
		struct fl_complaint_reason gone = {.id = r->id, .parent_id = was.parent_id};
		if ((rc = place(tx, &gone, 0, a)) || (rc = place(tx, r, r->position, a)))
			return rc;
	} else if (r->position) {
		if ((rc = place(tx, r, r->position, a)))
			return rc;
	} else {
		r->position = was.position;
	}
	r->updated_at = fl_now();
	return fl_store_complaint_reason_update(tx, r);
}

int fl_complaint_reason_delete(fl_tx *tx, int64_t id, fl_arena *a, struct fl_err *e)
{
	struct fl_complaint_reason r;
	int64_t under = 0;
	int used = 0;
	int rc = fl_store_complaint_reason_get(tx, id, a, &r);

	if (rc || (rc = fl_store_complaint_reason_in_use(tx, id, &used)) ||
	    (rc = fl_store_complaint_reason_children(tx, id, &under)))
		return rc;
	if (used)
		return fl_err_set(e, FL_EINVAL, "id", "InUse",
				  "Complaint reason: tickets have it; deactivate it instead "
				  "(\"active\": false)");
	if (under)
		return fl_err_set(e, FL_EINVAL, "id", "InUse",
				  "Complaint reason: reasons are under it; move or delete them "
				  "first");
	if ((rc = fl_store_complaint_reason_delete(tx, id, fl_now())))
		return rc;
	/* close the gap: the others keep their order */
	r.id = 0;
	return place(tx, &r, 0, a);
}

int fl_complaint_reason_usable(fl_tx *tx, int64_t id, const char *field, fl_arena *a,
			       struct fl_err *e)
{
	struct fl_complaint_reason r;
	int rc;

	if (!id)
		return 0;
	rc = fl_store_complaint_reason_get(tx, id, a, &r);
	if (rc == FL_ENOTFOUND)
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "%s: there is no complaint reason %lld", field, (long long)id);
	if (rc)
		return rc;
	if (!r.active)
		return fl_err_set(e, FL_EINVAL, field, "Inactive",
				  "%s: complaint reason %lld is no longer in use", field,
				  (long long)id);
	return 0;
}

/* ---- the report's pure part ---- */

static const char *const period_names[FL_COMPLAINT_PERIOD__MAX] = {"week", "month"};

const char *fl_complaint_period_name(int p)
{
	return p >= 0 && p < FL_COMPLAINT_PERIOD__MAX ? period_names[p] : NULL;
}

int fl_complaint_period_parse(const char *z)
{
	for (int p = 0; z && p < FL_COMPLAINT_PERIOD__MAX; p++)
		if (!strcmp(z, period_names[p]))
			return p;
	return -1;
}

/* The civil date of day (days since 1970-01-01), and back: Howard
 * Hinnant's algorithms, exact for every day a report can name. */
static void civil(int32_t day, int *y, int *m, int *d)
{
	int64_t z = (int64_t)day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int32_t days_of(int y, int m, int d)
{
	int64_t yy = m <= 2 ? y - 1 : y, era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400, doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

int32_t fl_complaint_period_start(int period, int32_t day)
{
	int y, m, d;
	if (period == FL_COMPLAINT_WEEK) /* 1970-01-01 was a Thursday */
		return day - (int32_t)(((int64_t)day + 3) % 7 + 7) % 7;
	civil(day, &y, &m, &d);
	return days_of(y, m, 1);
}

int32_t fl_complaint_period_next(int period, int32_t start)
{
	int y, m, d;
	if (period == FL_COMPLAINT_WEEK)
		return start + 7;
	civil(start, &y, &m, &d);
	return m == 12 ? days_of(y + 1, 1, 1) : days_of(y, m + 1, 1);
}

int fl_complaint_first_contact(int status, int64_t agent_replies)
{
	return status >= FL_STATUS_SOLVED && agent_replies == 1;
}

char *fl_complaint_product(const char *custom_fields, int64_t field_id, fl_arena *a)
{
	json_t *list = custom_fields && field_id > 0 ? json_loads(custom_fields, 0, NULL) : NULL;
	char *out = NULL, buf[64];
	size_t i;
	json_t *f;

	json_array_foreach(list, i, f)
	{
		json_t *id = json_object_get(f, "id"), *v = json_object_get(f, "value");
		if (!json_is_integer(id) || json_integer_value(id) != field_id)
			continue;
		if (json_is_string(v) && *json_string_value(v))
			out = fl_arena_strdup(a, json_string_value(v));
		else if (json_is_integer(v))
			snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v)),
				out = fl_arena_strdup(a, buf);
		else if (json_is_real(v))
			snprintf(buf, sizeof buf, "%.17g", json_real_value(v)),
				out = fl_arena_strdup(a, buf);
		else if (json_is_boolean(v))
			out = fl_arena_strdup(a, json_is_true(v) ? "true" : "false");
		break;
	}
	json_decref(list);
	return out;
}
