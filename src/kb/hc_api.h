/* The help center's view counts (hc_api.c): a view of an article is
 * counted in this process's memory, and a thread started by the first
 * view writes the counts to the store every few seconds
 * (fl_store_kb_views_add), so that reading an article is never a write. */
#ifndef FL_KB_HC_API_H
#define FL_KB_HC_API_H

#include "store/store.h"

/* Writes the views counted so far to s now, in one write transaction;
 * on failure they are kept for the next flush. */
int fl_hc_views_flush(fl_store *s);
/* At shutdown, after the server stopped and before the store closes:
 * stops the flushing thread and writes what it had not. */
void fl_hc_views_stop(void);

#endif
