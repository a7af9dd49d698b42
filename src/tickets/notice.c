/* The notice queue's routing (tickets/notice.h tells the rules). */
#include "tickets/notice.h"

/* Written at startup only, read by every transaction after. */
static fl_notice_deliverer deliverers[FL_CHANNEL__MAX];

void fl_notice_register(int channel, fl_notice_deliverer fn)
{
	if (channel >= 0 && channel < FL_CHANNEL__MAX)
		deliverers[channel] = fn;
}

int fl_notice_tell(fl_tx *tx, enum fl_notice kind, const struct fl_ticket *t, int64_t comment_id)
{
	fl_notice_deliverer fn =
		t->channel >= 0 && t->channel < FL_CHANNEL__MAX ? deliverers[t->channel] : NULL;

	return fn ? fn(tx, kind, t, comment_id) : 0;
}
