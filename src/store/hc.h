/* The help center's own read of the knowledge base's tables (migration
 * 032; the model is kb/kb.h): what the sitemap lists, without the bodies
 * the knowledge base's lists carry, so that 10,000 articles in four
 * languages are a few megabytes, not a body each.
 *
 * Ownership: strings are copied into the arena given. Runs in the
 * caller's (read) transaction. */
#ifndef FL_STORE_HC_H
#define FL_STORE_HC_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"

/* The most a sitemap file may list (sitemaps.org: 50,000 URLs). */
#define FL_STORE_HC_MAP_MAX 50000

/* One published translation of a public article. slug is the custom
 * slug, NULL when it follows the title (fl_kb_slugify). */
struct fl_hc_map_row {
	int64_t article_id;
	char *locale;
	char *title;
	char *slug;
	int64_t updated_at;
};

/* Every published (not draft) translation of every public article that is
 * not archived — what a stranger may read (fl_kb_visible at FL_KB_PUBLIC)
 * — by article id, then locale, at most max (up to FL_STORE_HC_MAP_MAX)
 * into *out (in a). */
int fl_store_hc_map(fl_tx *tx, size_t max, fl_arena *a, struct fl_hc_map_row **out, size_t *n);

#endif
