/* The store's service contracts (src/store/contracts.c; users/contract.h
 * has the rules). Strings returned are copied into the arena given. */
#ifndef FL_STORE_CONTRACTS_H
#define FL_STORE_CONTRACTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "users/contract.h"

/* Which contracts a list returns: an owner's (user_id or organization_id;
 * both 0: everyone's), those whose ends_on is within [ends_from,
 * ends_to] and whose starts_on is within [starts_from, starts_to] — every
 * state and the expiring list are such ranges of days (the handler makes
 * them from today). */
struct fl_store_contract_filter {
	int64_t user_id, organization_id;
	int32_t ends_from, ends_to, starts_from, starts_to;
};

/* Contract id; FL_ENOTFOUND when there is none. */
int fl_store_contract_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_contract *out);
/* The contracts f selects, by ends_on (soonest first), then id: limit of
 * them from offset, and *total of them in all. */
int fl_store_contract_list(fl_tx *tx, const struct fl_store_contract_filter *f, size_t offset,
			   size_t limit, fl_arena *a, struct fl_contract **out, size_t *n,
			   int64_t *total);
/* How many contracts the person user_id, or else the organization
 * organization_id, holds. */
int fl_store_contract_count(fl_tx *tx, int64_t user_id, int64_t organization_id, int64_t *n);
/* Writes c (checked by fl_contract_check), setting c->id. */
int fl_store_contract_insert(fl_tx *tx, struct fl_contract *c);
/* Writes c over contract c->id. */
int fl_store_contract_update(fl_tx *tx, const struct fl_contract *c);
/* Deletes contract id; FL_ENOTFOUND when there is none. */
int fl_store_contract_delete(fl_tx *tx, int64_t id);

/* The best coverage, on day, that the contracts of person user_id, of
 * organization organization_id (0: none) and of user_id's own
 * organization give: FL_STORE_COVERED when one is in force that day,
 * else FL_STORE_EXPIRED when one ended before it, else FL_STORE_UNCOVERED
 * (none, or only ones yet to start). One query, on the owner indexes. */
enum { FL_STORE_UNCOVERED, FL_STORE_EXPIRED, FL_STORE_COVERED };
int fl_store_contract_coverage(fl_tx *tx, int64_t user_id, int64_t organization_id, int32_t day,
			       int *out);

#endif
