/* The store's saved views (src/store/views.c). */
#ifndef FL_STORE_VIEWS_H
#define FL_STORE_VIEWS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "views/view.h"

/* views */
int fl_store_view_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_view *out);
int fl_store_view_insert(fl_tx *tx, struct fl_view *v);
int fl_store_view_update(fl_tx *tx, const struct fl_view *v);
int fl_store_view_delete(fl_tx *tx, int64_t id);
int fl_store_view_list(fl_tx *tx, int active_only, fl_arena *a, struct fl_view **out, size_t *n);

#endif
