/* The desk's reactions to a ticket write, wired once per process before
 * any request or job may write (cli/cli.h: fl_cli_wire). */
#include "chat/chat.h"
#include "cli/cli.h"
#include "mail/outbound.h"
#include "routing/routing.h"
#include "rules/automation.h"
#include "rules/trigger.h"
#include "sla/refresh.h"
#include "tickets/notice.h"
#include "webhooks/webhook.h"

/* Who tells customers what happened to their tickets (tickets/notice.h):
 * mail, for every channel. Customers who wrote by e-mail, by the web form
 * or through the API are answered by mail, and so is a ticket an agent
 * filed as phone, chat, SMS or messenger; a channel that can carry its own
 * conversation takes its row here when it comes. Mail to a person (a
 * rule's, a reminder) is mail too. */
static void wire_notices(void)
{
	for (int channel = 0; channel < FL_CHANNEL__MAX; channel++)
		fl_notice_register(channel, fl_mail_notice);
	fl_message_register(fl_mail_message);
}

void fl_cli_wire(const struct fl_config *cfg)
{
	static int wired;

	if (wired++)
		return;
	wire_notices();
	/* every ticket write measures the ticket's SLA in its transaction */
	fl_ticket_add_hook(fl_sla_ticket_written);
	/* then the triggers react to it (rules/trigger.h), and to the SLA's events */
	fl_ticket_add_hook(fl_rules_ticket_written);
	fl_sla_set_event_hook(fl_rules_sla_event);
	fl_rules_set_webhooks(fl_webhook_exists, fl_webhook_fire);
	/* … then it is routed to an agent of its group (routing/routing.h) */
	fl_ticket_add_hook(fl_routing_ticket_written);
	/* … each webhook subscribed to what it was is called */
	fl_ticket_add_hook(fl_webhooks_ticket_written);
	/* … and, last, the clocks the automations wait on move (rules/automation.h) */
	fl_ticket_add_hook(fl_automations_ticket_written);
	/* a deleted ticket's live chat ends with it (chat/chat.h) */
	fl_ticket_add_hook(fl_chat_ticket_written);
	fl_webhooks_set_backoff(cfg->webhook_backoff);
}
