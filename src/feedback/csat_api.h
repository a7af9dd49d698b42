/* The satisfaction ratings' JSON, for the ticket's own (feedback/csat_api.c). */
#ifndef FL_FEEDBACK_CSAT_API_H
#define FL_FEEDBACK_CSAT_API_H

#include <jansson.h>

#include "feedback/csat.h"

/* A ticket's satisfaction_rating as Zendesk's ticket shows it: {id,
 * score, comment, reason_id}. */
json_t *fl_csat_ticket_json(const struct fl_csat_rating *r);

#endif
