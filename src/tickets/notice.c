/* The notice queue's routing (tickets/notice.h tells the rules). */
#include "tickets/notice.h"

/* Written at startup only, read by every transaction after. */
static fl_notice_deliverer deliverers[FL_CHANNEL__MAX];
static fl_message_deliverer messenger;

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

void fl_message_register(fl_message_deliverer fn)
{
	messenger = fn;
}

int fl_message_send(fl_tx *tx, const struct fl_message *m)
{
	return messenger ? messenger(tx, m) : 0;
}
