/* The store's settings: one key/value table (src/store/store.c) for what an
 * administrator sets at run time. */
#ifndef FL_STORE_SETTINGS_H
#define FL_STORE_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* settings (key/value) */
int fl_store_setting_get(fl_tx *tx, const char *key, fl_arena *a, char **out);
int fl_store_setting_set(fl_tx *tx, const char *key, const char *value);

/* Serializes the writes that count rows before adding one — a desk's
 * schedules, a schedule's holidays, SLA policies, tiers — by writing the setting "limit.KIND" first. On PostgreSQL
 * two writers each count under their own snapshot and could both add the
 * last row there is room for; of two that write this row, the second
 * fails with a serialization error and the store runs its transaction
 * again, counting the first one's row. SQLite's one writer needs nothing
 * of it and pays one write. */
int fl_store_limit_lock(fl_tx *tx, const char *kind);

#endif
