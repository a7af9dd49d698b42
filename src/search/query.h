/* The search query language: a query is parsed into a ticket filter
 * (tickets/filter.h), which the store turns into SQL with bound values.
 *
 * The language is a subset of Zendesk's: whitespace-separated terms,
 *   word  "exact phrase"  prefix*      full-text over subjects and comments
 *   field:value  field<value  field>value  field<=value  field>=value
 *   -term                              negation
 * Ticket fields:
 *   status, priority, ticket_type, via (channel)     enum values
 *   assignee, requester, submitter, cc               a user id, an e-mail
 *                                                    address, "me" or "none"
 *   group, organization, id                          ids ("none" for no group
 *                                                    or organization)
 *   tags (tag)                                       a tag
 *   created, updated, solved                         a date or date-time
 *   external_id                                      the exact external id
 *   subject, description                             contains the value (any
 *                                                    case; quote a phrase)
 *   custom_field_N                                   custom field N (its id)
 *                                                    has exactly the value
 *   fieldvalue                                       any custom field has
 *                                                    exactly the value
 *   complaint                                        true or false: the ticket
 *                                                    is a complaint (any reason)
 *   complaint_reason                                 a complaint reason's id
 *                                                    ("none": no complaint)
 * and type:ticket|user|organization choosing what is searched. Values "me"
 * and "none" mean the actor and no one. Repeating a field with ':' ORs its
 * values (status:new status:open).
 * For type:user, the fields are email, role (end-user, agent, admin) and
 * external_id; for type:organization, external_id. Any other field —
 * one Frontline does not know — is refused (FL_EINVAL naming the term),
 * never searched as text: a script that asked for a condition must not be
 * given everything. */
#ifndef FL_SEARCH_QUERY_H
#define FL_SEARCH_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "tickets/filter.h"

#define FL_QUERY_MAX_LEN 1024

/* The conditions of a type:user or type:organization search, beside its
 * words (the filter's text). Strings are in the parser's arena; NULL and
 * role -1 mean "any". */
struct fl_people_query {
	const char *email;
	const char *external_id;
	int role;
};

/* Parses q for actor_id ("me"), copying strings into arena; for a user or
 * organization search, its field conditions go to *people (which may be
 * NULL when the caller searches tickets only: such a query is then
 * refused). FL_EMALFORMED (with e naming the term) for a query that is
 * too long, has too many terms, an unterminated phrase, a bad date or an
 * unknown enum value; FL_EINVAL (e names the term) for a field that
 * Frontline does not know or that the searched type does not have. */
int fl_query_parse(fl_str q, int64_t actor_id, fl_arena *arena, struct fl_filter *out,
		   struct fl_people_query *people, struct fl_err *e);

/* A search of text alone (the knowledge base's): the words, "phrases",
 * prefix* and -negations of q into out's text and not_text, read as
 * fl_query_parse reads them (the same limits, the same refusals); any
 * field:value term is refused with FL_EINVAL naming "query" and the term
 * (what names what is searched, for the message). */
int fl_query_parse_words(fl_str q, const char *what, fl_arena *arena, struct fl_filter *out,
			 struct fl_err *e);

#endif
