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

#endif
