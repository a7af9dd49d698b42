/* SLA reports: how well the desk kept its promises over a period — the
 * compliance of each policy metric per policy, metric, group, agent, tier
 * or channel, with the tickets no promise applied to; the median and 90th
 * percentile of first reply and resolution times; the breached tickets —
 * each as JSON or as CSV (report_api.c, store/sla_reports.h).
 *
 * This file is the pure part: the period and the grouping a request
 * names, the percentiles, the compliance ratio and the CSV cells. No HTTP,
 * no SQL, no clock read.
 *
 * What counts. A period is whole days in UTC, [from 00:00, to + 1 day
 * 00:00), of the tickets created in it. A metric of a ticket is measured
 * once it ended in time (stage achieved) or ran out (stage breached), as
 * the ticket's SLA was last measured (store/ticket_slas.h): a metric still
 * running is not yet a kept or broken promise. A metric of cycles
 * (next_reply_time) counts by the stage of its last cycle. A ticket is in
 * the "no promise" row when no policy applied to it when it was last
 * measured — or it was never measured. The tier of a ticket is its
 * requester's, as the what-if (sla/simulate.h) groups them. */
#ifndef FL_SLA_REPORT_H
#define FL_SLA_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"

/* The longest period a report covers, in days. */
#define FL_REPORT_DAYS_MAX 366
/* The period a request that names none covers: the last 30 days, today
 * included. */
#define FL_REPORT_DAYS_DEFAULT 30

/* What compliance is grouped by (the request's `by`). */
enum fl_report_by {
	FL_REPORT_BY_POLICY,
	FL_REPORT_BY_METRIC,
	FL_REPORT_BY_GROUP,
	FL_REPORT_BY_AGENT,
	FL_REPORT_BY_TIER,
	FL_REPORT_BY_CHANNEL,
	FL_REPORT_BY__MAX
};

const char *fl_report_by_name(int by);
int fl_report_by_parse(fl_str s); /* -1 when unknown */

/* A period of whole UTC days: tickets created at or after start and
 * before end (UTC seconds); from_day and to_day (days since 1970-01-01)
 * as asked, both included. */
struct fl_report_period {
	int32_t from_day, to_day;
	int64_t start, end;
};

/* Reads from and to ("YYYY-MM-DD", either NULL for left out) into out.
 * Left out: to is today (today, a day number), from is
 * FL_REPORT_DAYS_DEFAULT days up to to. FL_EINVAL naming "from" or "to"
 * for a date that is not one that exists, "to" for a to before from and
 * for more than FL_REPORT_DAYS_MAX days. */
int fl_report_period_parse(const char *from, const char *to, int32_t today,
			   struct fl_report_period *out, struct fl_err *e);
/* "YYYY-MM-DD" of day, into out. */
void fl_report_day_iso(int32_t day, char out[11]);

/* The p-th percentile (0..100) of v[0..n) (n > 0), sorting v in place:
 * the linear interpolation between the closest ranks (h = (n − 1) p/100,
 * v[⌊h⌋] + (h − ⌊h⌋)(v[⌊h⌋+1] − v[⌊h⌋])), as spreadsheets' PERCENTILE.INC
 * and numpy's default compute it — the median of 1, 2, 3, 4 is 2.5.
 * Rounded to the nearest whole (seconds, here). */
int64_t fl_report_percentile(int64_t *v, size_t n, int p);

/* achieved ÷ (achieved + breached), rounded to 0.001 (a share, not a
 * percentage); -1 when nothing was measured (the API's null). */
double fl_report_compliance(int64_t achieved, int64_t breached);

/* CSV (RFC 4180): a cell of text z (NULL: empty), quoted when it holds a
 * comma, a double quote, CR or LF (quotes doubled). A cell a spreadsheet
 * would read as a formula — starting with =, +, -, @, a tab or CR — gets
 * a leading apostrophe first: subjects and names come from strangers, and
 * an export opened in a spreadsheet must not run them (OWASP's CSV
 * injection). Cells of numbers the report computed are written as they
 * are (fl_csv_int, fl_csv_real). Each cell but a row's first is preceded
 * by a comma; fl_csv_end ends the row with CRLF. */
int fl_csv_text(fl_buf *b, int first, const char *z);
int fl_csv_int(fl_buf *b, int first, int64_t v);
/* v to `decimals` places; an empty cell when v < 0 (nothing measured). */
int fl_csv_real(fl_buf *b, int first, double v, int decimals);
int fl_csv_end(fl_buf *b);

#endif
