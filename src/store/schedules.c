/* Queries about business-hours schedules and their holidays
 * (store/schedules.h). */

#include "store/schedules.h"
#include "store/store_int.h"

#define SCHEDULE_COLUMNS(X, S)                                                           \
	X(id, "id")                                                                      \
	S X(name, "name") S X(time_zone, "time_zone") S X(created_at, "created_at") S X( \
		updated_at, "updated_at")
#define SCHEDULE_COLUMN(m, expr) FL_COLUMN(struct fl_schedule, m)
static const struct fl_col schedule_col[] = {SCHEDULE_COLUMNS(SCHEDULE_COLUMN, FL_COMMA)};
static const struct fl_cols schedule_cols = FL_COLS(struct fl_schedule, schedule_col);

#define INTERVAL_COLUMNS(X, S) X(start, "start_minute") S X(end, "end_minute")
#define INTERVAL_COLUMN(m, expr) FL_COLUMN(struct fl_interval, m)
static const struct fl_col interval_col[] = {INTERVAL_COLUMNS(INTERVAL_COLUMN, FL_COMMA)};
static const struct fl_cols interval_cols = FL_COLS(struct fl_interval, interval_col);

/* An interval as the list reads it, with the schedule it belongs to. */
struct interval_row {
	int64_t schedule_id;
	int start, end;
};
#define INTERVAL_ROW_COLUMNS(X, S) \
	X(schedule_id, "schedule_id") S X(start, "start_minute") S X(end, "end_minute")
#define INTERVAL_ROW_COLUMN(m, expr) FL_COLUMN(struct interval_row, m)
static const struct fl_col interval_row_col[] = {
	INTERVAL_ROW_COLUMNS(INTERVAL_ROW_COLUMN, FL_COMMA)};
static const struct fl_cols interval_row_cols = FL_COLS(struct interval_row, interval_row_col);

#define HOLIDAY_COLUMNS(X, S) \
	X(id, "id")           \
	S X(name, "name") S X(start_day, "start_day") S X(end_day, "end_day")
#define HOLIDAY_COLUMN(m, expr) FL_COLUMN(struct fl_holiday, m)
static const struct fl_col holiday_col[] = {HOLIDAY_COLUMNS(HOLIDAY_COLUMN, FL_COMMA)};
static const struct fl_cols holiday_cols = FL_COLS(struct fl_holiday, holiday_col);

static int intervals_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_schedule *s)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(INTERVAL_COLUMNS)
		" FROM schedule_intervals"
		" WHERE schedule_id = ?"
		" ORDER BY start_minute";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &interval_cols, a, FL_SCHEDULE_MAX_INTERVALS,
				   (void **)&s->intervals, &s->nintervals);
}

static int intervals_put(fl_tx *tx, const struct fl_schedule *s)
{
	static const char clear[] =
		"DELETE FROM schedule_intervals"
		" WHERE schedule_id = ?";
	static const char put[] =
		"INSERT INTO schedule_intervals (schedule_id, start_minute, end_minute)"
		" VALUES (?, ?, ?)";
	int rc = fl_q_exec(tx, clear, "i", s->id);

	for (size_t i = 0; !rc && i < s->nintervals; i++)
		rc = fl_q_exec(tx, put, "iii", s->id, (int64_t)s->intervals[i].start,
			       (int64_t)s->intervals[i].end);
	return rc;
}

int fl_store_schedule_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_schedule *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(SCHEDULE_COLUMNS)
		" FROM schedules"
		" WHERE id = ?";
	struct fl_schedule s;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);

	if (!rc)
		rc = fl_q_one_cols(tx, st, &schedule_cols, a, &s);
	if (!rc)
		rc = intervals_get(tx, id, a, &s);
	if (!rc)
		*out = s;
	return rc;
}

int fl_store_schedule_list(fl_tx *tx, fl_arena *a, struct fl_schedule **out, size_t *n)
{
	static const char schedules[] =
		"SELECT " FL_COLUMNS_SQL(SCHEDULE_COLUMNS)
		" FROM schedules"
		" ORDER BY id"
		" LIMIT 500";
	static const char intervals[] =
		"SELECT " FL_COLUMNS_SQL(INTERVAL_ROW_COLUMNS)
		" FROM schedule_intervals"
		" WHERE schedule_id <= ?"
		" ORDER BY schedule_id, start_minute";
	struct fl_schedule *s;
	struct interval_row *iv;
	size_t ns, niv, k = 0;
	fl_stmt *st;
	int rc = fl_q(tx, schedules, 0, &st, "");

	if (!rc)
		rc = fl_q_rows_cols(tx, st, &schedule_cols, a, FL_STORE_SCHEDULES_MAX, (void **)&s,
				    &ns);
	if (rc)
		return rc;
	if (ns && (rc = fl_q(tx, intervals, 0, &st, "i", s[ns - 1].id)))
		return rc;
	if (ns && (rc = fl_q_rows_cols(tx, st, &interval_row_cols, a,
				       ns * FL_SCHEDULE_MAX_INTERVALS, (void **)&iv, &niv)))
		return rc;
	/* both in order of schedule id: each schedule takes the run of rows
	 * that is its */
	for (size_t i = 0; i < ns; i++) {
		size_t first;
		while (k < niv && iv[k].schedule_id < s[i].id)
			k++;
		first = k;
		while (k < niv && iv[k].schedule_id == s[i].id)
			k++;
		s[i].nintervals = k - first;
		s[i].intervals =
			fl_arena_alloc(a, (k - first ? k - first : 1) * sizeof(struct fl_interval));
		if (!s[i].intervals)
			return FL_ENOMEM;
		for (size_t j = first; j < k; j++)
			s[i].intervals[j - first] = (struct fl_interval){iv[j].start, iv[j].end};
	}
	*out = s;
	*n = ns;
	return 0;
}

int fl_store_schedule_count(fl_tx *tx, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM schedules";
	return fl_q_int(tx, sql, n, "");
}

int fl_store_schedule_insert(fl_tx *tx, struct fl_schedule *s)
{
	static const char sql[] =
		"INSERT INTO schedules (name, time_zone, created_at, updated_at)"
		" VALUES (?, ?, ?, ?)"
		" RETURNING id";
	int rc = fl_q_int(tx, sql, &s->id, "ttii", s->name, s->time_zone, s->created_at,
			  s->updated_at);
	return rc ? rc : intervals_put(tx, s);
}

int fl_store_schedule_update(fl_tx *tx, const struct fl_schedule *s)
{
	static const char sql[] =
		"UPDATE schedules"
		" SET name = ?, time_zone = ?, updated_at = ?"
		" WHERE id = ?";
	int rc = fl_q_exec(tx, sql, "ttii", s->name, s->time_zone, s->updated_at, s->id);
	return rc ? rc : intervals_put(tx, s);
}

int fl_store_schedule_delete(fl_tx *tx, int64_t id)
{
	static const char holidays[] =
		"DELETE FROM schedule_holidays"
		" WHERE schedule_id = ?";
	static const char intervals[] =
		"DELETE FROM schedule_intervals"
		" WHERE schedule_id = ?";
	static const char schedule[] =
		"DELETE FROM schedules"
		" WHERE id = ?";
	int rc = fl_q_exec(tx, holidays, "i", id);

	if (!rc)
		rc = fl_q_exec(tx, intervals, "i", id);
	return rc ? rc : fl_q_exec(tx, schedule, "i", id);
}

int fl_store_holiday_get(fl_tx *tx, int64_t schedule_id, int64_t id, fl_arena *a,
			 struct fl_holiday *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(HOLIDAY_COLUMNS)
		" FROM schedule_holidays"
		" WHERE id = ?"
		"   AND schedule_id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", id, schedule_id);
	return rc ? rc : fl_q_one_cols(tx, st, &holiday_cols, a, out);
}

int fl_store_holiday_list(fl_tx *tx, int64_t schedule_id, fl_arena *a, struct fl_holiday **out,
			  size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(HOLIDAY_COLUMNS)
		" FROM schedule_holidays"
		" WHERE schedule_id = ?"
		" ORDER BY start_day, id"
		" LIMIT 1024";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", schedule_id);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &holiday_cols, a, FL_SCHEDULE_MAX_HOLIDAYS, (void **)out,
				   n);
}

int fl_store_holiday_count(fl_tx *tx, int64_t schedule_id, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM schedule_holidays"
		" WHERE schedule_id = ?";
	return fl_q_int(tx, sql, n, "i", schedule_id);
}

int fl_store_holiday_insert(fl_tx *tx, int64_t schedule_id, struct fl_holiday *h)
{
	static const char sql[] =
		"INSERT INTO schedule_holidays (schedule_id, name, start_day, end_day)"
		" VALUES (?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &h->id, "itii", schedule_id, h->name, (int64_t)h->start_day,
			(int64_t)h->end_day);
}

int fl_store_holiday_update(fl_tx *tx, int64_t schedule_id, const struct fl_holiday *h)
{
	static const char sql[] =
		"UPDATE schedule_holidays"
		" SET name = ?, start_day = ?, end_day = ?"
		" WHERE id = ?"
		"   AND schedule_id = ?";
	return fl_q_exec(tx, sql, "tiiii", h->name, (int64_t)h->start_day, (int64_t)h->end_day,
			 h->id, schedule_id);
}

int fl_store_holiday_delete(fl_tx *tx, int64_t schedule_id, int64_t id)
{
	static const char sql[] =
		"DELETE FROM schedule_holidays"
		" WHERE id = ?"
		"   AND schedule_id = ?";
	return fl_q_exec(tx, sql, "ii", id, schedule_id);
}
