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

/* "intervals": [{"start_time", "end_time"}, …]: whole minutes inside the
 * week; their order and overlaps are fl_schedule_check's. */
int fl_sla_decode_intervals(struct fl_req *r, json_t *v, struct fl_interval **out, size_t *n);

#endif
