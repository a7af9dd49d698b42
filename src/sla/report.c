/* The pure part of the SLA reports (sla/report.h). */
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "sla/report.h"

#define DAY_SECONDS 86400

static const char *const by_names[FL_REPORT_BY__MAX] = {"policy", "metric", "group",
							"agent",  "tier",   "channel"};

const char *fl_report_by_name(int by)
{
	return by >= 0 && by < FL_REPORT_BY__MAX ? by_names[by] : NULL;
}

int fl_report_by_parse(fl_str s)
{
	for (int i = 0; i < FL_REPORT_BY__MAX; i++)
		if (fl_str_eq(s, by_names[i]))
			return i;
	return -1;
}

/* "YYYY-MM-DD" and nothing more (fl_time_parse takes times too), a day
 * that exists, into a day number; years before 1970 are refused with the
 * rest, since no ticket is that old. */
static int parse_day(const char *z, const char *field, const char *label, int32_t *out,
		     struct fl_err *e)
{
	int64_t t;

	if (strlen(z) != 10 || fl_time_parse(fl_str_c(z), &t) || t < 0)
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "%s: '%.32s' is not a date that exists, as YYYY-MM-DD", label, z);
	*out = (int32_t)(t / DAY_SECONDS);
	return 0;
}

int fl_report_period_parse(const char *from, const char *to, int32_t today,
			   struct fl_report_period *out, struct fl_err *e)
{
	struct fl_report_period p;
	int rc;

	p.to_day = today;
	if (to && (rc = parse_day(to, "to", "To", &p.to_day, e)))
		return rc;
	p.from_day = p.to_day - (FL_REPORT_DAYS_DEFAULT - 1);
	if (from && (rc = parse_day(from, "from", "From", &p.from_day, e)))
		return rc;
	if (p.to_day < p.from_day)
		return fl_err_set(e, FL_EINVAL, "to", "InvalidValue",
				  "To: must not be before from");
	if (p.to_day - p.from_day + 1 > FL_REPORT_DAYS_MAX)
		return fl_err_set(e, FL_EINVAL, "to", "TooLong",
				  "To: a report covers at most %d days", FL_REPORT_DAYS_MAX);
	p.start = (int64_t)p.from_day * DAY_SECONDS;
	p.end = ((int64_t)p.to_day + 1) * DAY_SECONDS;
	*out = p;
	return 0;
}

void fl_report_day_iso(int32_t day, char out[11])
{
	char iso[21];
	fl_time_iso((int64_t)day * DAY_SECONDS, iso);
	memcpy(out, iso, 10);
	out[10] = 0;
}

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int64_t fl_report_percentile(int64_t *v, size_t n, int p)
{
	size_t lo;
	double h, d;

	if (!n)
		return 0;
	if (p < 0)
		p = 0;
	if (p > 100)
		p = 100;
	qsort(v, n, sizeof *v, by_value);
	h = (double)(n - 1) * p / 100.0;
	lo = (size_t)h;
	if (lo + 1 >= n)
		return v[n - 1];
	d = (double)v[lo] + (h - (double)lo) * (double)(v[lo + 1] - v[lo]);
	return (int64_t)(d + 0.5);
}

double fl_report_compliance(int64_t achieved, int64_t breached)
{
	if (achieved + breached <= 0)
		return -1;
	/* whole thousandths, rounded half up: 2 of 3 is 0.667 */
	return (double)((achieved * 2000 / (achieved + breached) + 1) / 2) / 1000.0;
}

static int comma(fl_buf *b, int first)
{
	return first ? 0 : fl_buf_addc(b, ',');
}

int fl_csv_text(fl_buf *b, int first, const char *z)
{
	int rc = comma(b, first);
	int quote;

	if (rc || !z || !*z)
		return rc;
	quote = strpbrk(z, ",\"\r\n") != NULL;
	if (quote && (rc = fl_buf_addc(b, '"')))
		return rc;
	if (strchr("=+-@\t\r", *z) && (rc = fl_buf_addc(b, '\'')))
		return rc;
	for (const char *p = z; *p && !rc; p++)
		rc = *p == '"' ? fl_buf_adds(b, "\"\"") : fl_buf_addc(b, *p);
	return rc || !quote ? rc : fl_buf_addc(b, '"');
}

int fl_csv_int(fl_buf *b, int first, int64_t v)
{
	int rc = comma(b, first);
	return rc ? rc : fl_buf_addf(b, "%lld", (long long)v);
}

int fl_csv_real(fl_buf *b, int first, double v, int decimals)
{
	int rc = comma(b, first);
	return rc || v < 0 ? rc : fl_buf_addf(b, "%.*f", decimals, v);
}

int fl_csv_end(fl_buf *b)
{
	return fl_buf_adds(b, "\r\n");
}
