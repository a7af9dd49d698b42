/* The store's deflection events (src/store/deflections.c, migration 034;
 * the rules are kb/deflect.h). Thin: rows written as given, counts read
 * as grouped. Each call runs in the caller's transaction; strings are
 * copied into the arena given. */
#ifndef FL_STORE_DEFLECTIONS_H
#define FL_STORE_DEFLECTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "kb/deflect.h"
#include "store/store.h"

/* The most rows a report's grouping reads (its first, in its order):
 * more articles than a screen lists, more days than a period has. */
#define FL_STORE_DEFLECT_ROWS_MAX 400

/* Writes d (checked by fl_deflect_record) and the articles it shows,
 * setting d->id. FL_ECONFLICT, with nothing written and the transaction
 * still good, when a decision with d->token_mac is recorded already. */
int fl_store_deflection_insert(fl_tx *tx, struct fl_deflection *d);

enum fl_deflect_by {
	FL_DEFLECT_BY_TOTAL,   /* one row: key 0, name NULL */
	FL_DEFLECT_BY_LOCALE,  /* name the locale, by locale */
	FL_DEFLECT_BY_DAY,     /* key the day (days since 1970-01-01, UTC), by day */
	FL_DEFLECT_BY_ARTICLE, /* key the article, name its title (in title_locale, else
				  its source locale's), by deflected, then shown, most first */
	FL_DEFLECT_BY__MAX
};

struct fl_store_deflect_row {
	int64_t key;
	char *name;
	struct fl_deflect_counts c;
};

/* The events created in [start, end) (UTC seconds), of locale only unless
 * it is NULL, grouped by `by`: rows with nothing are left out (the total
 * is all zeros then, one row). */
int fl_store_deflect_report(fl_tx *tx, int by, int64_t start, int64_t end, const char *locale,
			    fl_arena *a, struct fl_store_deflect_row **out, size_t *n);

#endif
