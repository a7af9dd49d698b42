/* The row reader of column tables (store_int.h): one loop over a table of
 * {member offset, kind} instead of a hand-numbered reader per entity. */
#include <string.h>

#include "store/store_int.h"

int fl_cols_read(fl_tx *tx, fl_stmt *st, const struct fl_cols *t, fl_arena *a, void *row)
{
	char *base = row;
	int err = 0;

	if (tx->drv->col_count(st) != (int)t->n)
		return FL_EINTERNAL;
	memset(row, 0, t->size);
	for (size_t i = 0; i < t->n; i++) {
		const struct fl_col *c = &t->col[i];
		int col = (int)i, null = tx->drv->is_null(st, col);
		int64_t v = null || c->kind == FL_COL_TEXT ? 0 : tx->drv->col_i64(st, col);
		int narrow = (int)v;
		char *z;

		switch (c->kind) {
		case FL_COL_I64: memcpy(base + c->offset, &v, sizeof v); break;
		case FL_COL_INT: memcpy(base + c->offset, &narrow, sizeof narrow); break;
		case FL_COL_TEXT:
			z = fl_col_text(tx, st, col, a, &err);
			memcpy(base + c->offset, &z, sizeof z);
			break;
		}
	}
	return err;
}
