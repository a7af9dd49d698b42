/* Service contracts (entitlements): which products or services a customer
 * or an organization is entitled to, at which level, from and to which
 * day — a year's free service after a purchase (a warranty), a contract
 * sold on its own, service a partner gives. A ticket's customer is covered
 * on a day when a contract of theirs (or of their organization) is in
 * force that day; SLA policies select by it (sla/policy.h, "entitlement").
 *
 * Days are day numbers since 1970-01-01 in UTC, as holidays keep them
 * (sla/schedule.h); both ends of a contract are included. "YYYY-MM-DD" at
 * the edges (fl_day_parse, fl_day_format). Pure C, except the doors at the
 * end, which run inside a store transaction. */
#ifndef FL_USERS_CONTRACT_H
#define FL_USERS_CONTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "store/store.h"

/* in characters (code points) of UTF-8 */
#define FL_CONTRACT_PRODUCT_MAX 200
#define FL_CONTRACT_LEVEL_MAX 64
#define FL_CONTRACT_PROVIDER_MAX 200
#define FL_CONTRACT_NOTES_MAX 4096
/* The most contracts one person or organization holds. */
#define FL_CONTRACTS_PER_OWNER 1000
/* The days a contract may start and end on: 1970-01-01 to 9999-12-31. */
#define FL_DAY_FIRST 0
#define FL_DAY_LAST 2932896

enum fl_contract_kind {
	FL_CONTRACT_WARRANTY, /* "warranty": service that came with a purchase */
	FL_CONTRACT_CONTRACT, /* "contract": sold on its own */
	FL_CONTRACT_PARTNER,  /* "partner": a partner gives the service (provider) */
	FL_CONTRACT_KIND__MAX
};

/* Where a contract stands on a day. */
enum fl_contract_state {
	FL_CONTRACT_ACTIVE,   /* "active": starts_on <= day <= ends_on */
	FL_CONTRACT_EXPIRED,  /* "expired": ended before the day */
	FL_CONTRACT_UPCOMING, /* "upcoming": starts after the day */
	FL_CONTRACT_STATE__MAX
};

struct fl_contract {
	int64_t id;
	int64_t user_id, organization_id; /* exactly one is not 0 */
	char *product;
	char *level;    /* "" for none */
	int kind;       /* enum fl_contract_kind */
	char *provider; /* "" when we give the service ourselves */
	int32_t starts_on, ends_on;
	char *notes; /* "" for none */
	int64_t created_at, updated_at;
};

const char *fl_contract_kind_name(int kind);
int fl_contract_kind_parse(fl_str s); /* -1 when unknown */
const char *fl_contract_state_name(int state);
int fl_contract_state_parse(fl_str s); /* -1 when unknown */

/* Reads "YYYY-MM-DD" — exactly that, a day that exists, in the years
 * 1970..9999 — into a day number; FL_EINVAL for anything else. */
int fl_day_parse(const char *z, int32_t *out);
/* Day number day (FL_DAY_FIRST..FL_DAY_LAST) as "YYYY-MM-DD" into out. */
void fl_day_format(int32_t day, char out[11]);
/* The UTC day of instant t (seconds since 1970), floored. */
int32_t fl_day_of(int64_t t);

/* Where c stands on day today (enum fl_contract_state). */
int fl_contract_state(const struct fl_contract *c, int32_t today);

/* Checks c as it may be stored: exactly one owner (FL_EINVAL naming
 * "user_id" when both or neither), a product of 1..FL_CONTRACT_PRODUCT_MAX
 * characters (blank is none), level, provider and notes within their
 * maxima, all valid UTF-8, a kind, both days within FL_DAY_FIRST..
 * FL_DAY_LAST ("starts_on", "ends_on") and ends_on not before starts_on
 * (naming "ends_on"). */
int fl_contract_check(const struct fl_contract *c, struct fl_err *e);

/* The doors, inside a write transaction; nothing is written when they
 * fail. fl_contract_create checks c (fl_contract_check), that its owner
 * exists (FL_EINVAL naming "user_id" or "organization_id") and holds fewer
 * than FL_CONTRACTS_PER_OWNER contracts (naming "service_contract"), and
 * writes it, setting c->id. fl_contract_update does the same over contract
 * c->id, read by the caller (fl_store_contract_get) and changed; the count
 * is asked only when the owner changes. */
int fl_contract_create(fl_tx *tx, struct fl_contract *c, fl_arena *a, struct fl_err *e);
int fl_contract_update(fl_tx *tx, struct fl_contract *c, const struct fl_contract *was, fl_arena *a,
		       struct fl_err *e);

#endif
