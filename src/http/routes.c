/* The route table: each domain declares its rows next to its handlers;
 * this file lists the domains and joins their rows once at start. */
#include <stdlib.h>

#include "http/http_int.h"

extern const struct fl_route fl_ticket_routes[];
extern const struct fl_route fl_user_routes[];
extern const struct fl_route fl_org_routes[];
extern const struct fl_route fl_group_routes[];
extern const struct fl_route fl_session_routes[];
extern const struct fl_route fl_token_routes[];
extern const struct fl_route fl_search_routes[];
extern const struct fl_route fl_view_routes[];
extern const struct fl_route fl_queue_routes[];
extern const struct fl_route fl_job_routes[];
extern const struct fl_route fl_event_routes[];
extern const struct fl_route fl_attachment_routes[];
extern const struct fl_route fl_mail_routes[];
extern const struct fl_route fl_outbox_routes[];
extern const struct fl_route fl_mailbox_routes[];
extern const struct fl_route fl_portal_routes[];
extern const struct fl_route fl_site_routes[];
extern const struct fl_route fl_schedule_routes[];
extern const struct fl_route fl_sla_event_routes[];
extern const struct fl_route fl_sla_policy_routes[];
extern const struct fl_route fl_contract_routes[];
extern const struct fl_route fl_tier_routes[];
extern const struct fl_route fl_whatif_routes[];
extern const struct fl_route fl_sla_report_routes[];
extern const struct fl_route fl_template_routes[];
extern const struct fl_route fl_routing_routes[];
extern const struct fl_route fl_trigger_routes[];
extern const struct fl_route fl_webhook_routes[];
extern const struct fl_route fl_task_routes[];
extern const struct fl_route fl_dryrun_routes[];
extern const struct fl_route fl_macro_routes[];
extern const struct fl_route fl_automation_routes[];
extern const struct fl_route fl_kb_routes[];
extern const struct fl_route fl_ticket_kb_routes[];
extern const struct fl_route fl_deflect_routes[];
extern const struct fl_route fl_kb_editor_routes[];
extern const struct fl_route fl_hc_routes[];
extern const struct fl_route fl_unsub_routes[];
extern const struct fl_route fl_idea_routes[];
extern const struct fl_route fl_nps_routes[];
extern const struct fl_route fl_csat_routes[];
extern const struct fl_route fl_csat_page_routes[];
extern const struct fl_route fl_complaint_routes[];
extern const struct fl_route fl_chat_routes[];
extern const struct fl_route fl_chat_visitor_routes[];

int fl_metrics_handler(struct fl_req *r);
int fl_healthz_handler(struct fl_req *r);
int fl_livez_handler(struct fl_req *r);

static const struct fl_route ops_routes[] = {
	{"GET", "/healthz", fl_healthz_handler, FL_ROLE_ANONYMOUS, 0},
	{"GET", "/livez", fl_livez_handler, FL_ROLE_ANONYMOUS, 0},
	{"GET", "/metrics", fl_metrics_handler, FL_ROLE_ANONYMOUS, 0},
	{0},
};

static const struct fl_route *const parts[] = {
	ops_routes,           fl_ticket_routes,       fl_user_routes,      fl_org_routes,
	fl_group_routes,      fl_session_routes,      fl_token_routes,     fl_search_routes,
	fl_view_routes,       fl_job_routes,          fl_event_routes,     fl_attachment_routes,
	fl_mail_routes,       fl_mailbox_routes,      fl_portal_routes,    fl_site_routes,
	fl_outbox_routes,     fl_queue_routes,        fl_schedule_routes,  fl_sla_event_routes,
	fl_sla_policy_routes, fl_contract_routes,     fl_tier_routes,      fl_whatif_routes,
	fl_sla_report_routes, fl_template_routes,     fl_routing_routes,   fl_trigger_routes,
	fl_webhook_routes,    fl_task_routes,         fl_dryrun_routes,    fl_macro_routes,
	fl_automation_routes, fl_kb_routes,           fl_ticket_kb_routes, fl_deflect_routes,
	fl_kb_editor_routes,  fl_hc_routes,           fl_unsub_routes,     fl_idea_routes,
	fl_nps_routes,        fl_csat_routes,         fl_csat_page_routes, fl_complaint_routes,
	fl_chat_routes,       fl_chat_visitor_routes,
};

const struct fl_route *fl_routes;
size_t fl_nroutes;

int fl_routes_init(void)
{
	struct fl_route *all;
	size_t n = 0, k = 0;

	if (fl_routes)
		return 0;
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		for (const struct fl_route *r = parts[i]; r->method; r++)
			n++;
	all = calloc(n, sizeof *all);
	if (!all)
		return FL_ENOMEM;
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		for (const struct fl_route *r = parts[i]; r->method; r++)
			all[k++] = *r;
	fl_routes = all;
	fl_nroutes = n;
	return 0;
}
