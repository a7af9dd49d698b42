/* The store's business-hours schedules and their holidays
 * (src/store/schedules.c). Strings and arrays returned are copied into the
 * arena given. */
#ifndef FL_STORE_SCHEDULES_H
#define FL_STORE_SCHEDULES_H

#include <stddef.h>
#include <stdint.h>

#include "sla/schedule.h"
#include "store/store.h"

/* The most schedules a desk keeps: the list returns them all. */
#define FL_STORE_SCHEDULES_MAX 500

/* Schedule id with its intervals in order of start; its holidays are not
 * read (nholidays 0: fl_store_holiday_list). FL_ENOTFOUND when there is none. */
int fl_store_schedule_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_schedule *out);
/* Every schedule (at most FL_STORE_SCHEDULES_MAX) by id, each with its
 * intervals as fl_store_schedule_get reads them. */
int fl_store_schedule_list(fl_tx *tx, fl_arena *a, struct fl_schedule **out, size_t *n);
int fl_store_schedule_count(fl_tx *tx, int64_t *n);
/* Writes s (checked by fl_schedule_check) and its intervals, setting
 * s->id. */
int fl_store_schedule_insert(fl_tx *tx, struct fl_schedule *s);
/* Writes s's name, time zone and updated_at over schedule s->id, and
 * replaces its intervals with s's. */
int fl_store_schedule_update(fl_tx *tx, const struct fl_schedule *s);
/* Deletes schedule id with its intervals and holidays. */
int fl_store_schedule_delete(fl_tx *tx, int64_t id);

/* Holiday id of schedule schedule_id: FL_ENOTFOUND when there is none or it
 * is another schedule's. */
int fl_store_holiday_get(fl_tx *tx, int64_t schedule_id, int64_t id, fl_arena *a,
			 struct fl_holiday *out);
/* The schedule's holidays (at most FL_SCHEDULE_MAX_HOLIDAYS) by start date,
 * then id. */
int fl_store_holiday_list(fl_tx *tx, int64_t schedule_id, fl_arena *a, struct fl_holiday **out,
			  size_t *n);
int fl_store_holiday_count(fl_tx *tx, int64_t schedule_id, int64_t *n);
/* Writes h (checked by fl_holiday_check) for schedule_id, setting h->id. */
int fl_store_holiday_insert(fl_tx *tx, int64_t schedule_id, struct fl_holiday *h);
/* Writes h's name and dates over holiday h->id of schedule_id. */
int fl_store_holiday_update(fl_tx *tx, int64_t schedule_id, const struct fl_holiday *h);
int fl_store_holiday_delete(fl_tx *tx, int64_t schedule_id, int64_t id);

#endif
