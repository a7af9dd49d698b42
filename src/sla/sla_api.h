/* What the SLA handlers (policy_api.c, schedule_api.c, simulate_api.c)
 * read alike from a request's JSON: a policy's metrics and a schedule's
 * week. Each answers a bad value with 422 naming the field (fl_req_fail)
 * and copies into r's arena. */
#ifndef FL_SLA_SLA_API_H
#define FL_SLA_SLA_API_H

#include <jansson.h>
#include <stddef.h>

#include "http/http.h"
#include "sla/policy.h"
#include "sla/schedule.h"

/* "policy_metrics": [{"priority", "metric", "target", "business_hours"},
 * …]: names of a priority and a metric, a whole number of minutes, true or
 * false (left out: false). Ranges and duplicates are fl_sla_policy_check's. */
int fl_sla_decode_metrics(struct fl_req *r, json_t *v, struct fl_sla_policy_metric **out,
			  size_t *n);

/* An SLA policy as a request's "sla_policy" object gives it: each has_*
 * says the field was there; id is the what-if's (the policy a proposal
 * replaces), ignored by create and update. */
struct fl_sla_policy_in {
	const char *title, *description, *filter_text;
	int64_t id, position, schedule_id, warning_minutes;
	int has_title, has_description, has_filter, has_id, has_position, has_schedule_id,
		has_warning_minutes, has_metrics;
	struct fl_sla_filter filter; /* filter_text read */
	struct fl_sla_policy_metric *metrics;
	size_t nmetrics;
};

/* Reads v (the "sla_policy" object) into in: its fields, its filter
 * (fl_sla_filter_parse) and its metrics (fl_sla_decode_metrics). */
int fl_sla_policy_decode(struct fl_req *r, json_t *v, struct fl_sla_policy_in *in);
/* Puts what in gave over p. */
void fl_sla_policy_apply(const struct fl_sla_policy_in *in, struct fl_sla_policy *p);

/* "intervals": [{"start_time", "end_time"}, …]: whole minutes inside the
 * week; their order and overlaps are fl_schedule_check's. */
int fl_sla_decode_intervals(struct fl_req *r, json_t *v, struct fl_interval **out, size_t *n);

#endif
