/* Ticket filters (the type is described in filter.h). */
#include "tickets/filter.h"

#include "core/err.h"

int fl_filter_add(struct fl_filter *f, int field, int op, int64_t ival, const char *sval, int group)
{
	if (f->n == FL_FILTER_MAX)
		return FL_ETOOBIG;
	if (group < 0)
		group = f->ngroups++;
	f->p[f->n++] = (struct fl_pred){field, op, ival, 0, sval, group};
	return 0;
}
