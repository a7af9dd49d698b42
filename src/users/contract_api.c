/* /api/v2/service_contracts: service contracts (users/contract.h). Not in
 * Zendesk; its conventions. Agents read, admins write.
 *   GET/POST          /api/v2/service_contracts
 *                       [?user_id=|organization_id=][&state=active|expired|upcoming]
 *                       [&expiring_within_days=N][&page&per_page]
 *   GET/PUT/DELETE    /api/v2/service_contracts/{id}
 *   GET               /api/v2/users/{id}/service_contracts
 *   GET               /api/v2/organizations/{id}/service_contracts
 * Days are "YYYY-MM-DD" (UTC); state is the contract's as of today, UTC.
 * A write that does not validate is refused whole (422 naming the field)
 * inside its transaction, before anything is written. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/input.h"
#include "core/time.h"
#include "http/http.h"
#include "sla/refresh.h"
#include "store/contracts.h"
#include "store/users.h"
#include "users/contract.h"

/* The longest expiring_within_days: a year, a leap one included. */
#define EXPIRING_MAX 366

struct contract_in {
	int64_t user_id, organization_id;
	const char *product, *level, *provider, *starts_on, *ends_on, *notes;
	int kind;
	int has_user_id, has_organization_id, has_product, has_level, has_provider, has_starts_on,
		has_ends_on, has_notes, has_kind;
};

#define C(m) offsetof(struct contract_in, m)
static const struct fl_field contract_fields[] = {
	{"user_id", FL_FT_ID, 0, 0, 1, NULL, C(user_id), C(has_user_id), 0, 0},
	{"organization_id", FL_FT_ID, 0, 0, 1, NULL, C(organization_id), C(has_organization_id), 0,
	 0},
	{"product", FL_FT_STRING, FL_CONTRACT_PRODUCT_MAX, 0, 0, NULL, C(product), C(has_product),
	 0, 0},
	{"level", FL_FT_STRING, FL_CONTRACT_LEVEL_MAX, 0, 1, NULL, C(level), C(has_level), 0, 0},
	{"kind", FL_FT_ENUM, 0, 0, 0, fl_contract_kind_parse, C(kind), C(has_kind), 0, 0},
	{"provider", FL_FT_STRING, FL_CONTRACT_PROVIDER_MAX, 0, 1, NULL, C(provider),
	 C(has_provider), 0, 0},
	{"starts_on", FL_FT_STRING, 32, 0, 0, NULL, C(starts_on), C(has_starts_on), 0, 0},
	{"ends_on", FL_FT_STRING, 32, 0, 0, NULL, C(ends_on), C(has_ends_on), 0, 0},
	{"notes", FL_FT_STRING, FL_CONTRACT_NOTES_MAX, 0, 1, NULL, C(notes), C(has_notes), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct contract_in in;
	int32_t starts_on, ends_on;
	struct fl_contract contract, was;
	struct fl_contract *contracts;
	size_t n;
	int64_t total;
	struct fl_req_page pg;
	struct fl_store_contract_filter filter;
	int32_t today;
};

/* Reads "YYYY-MM-DD" z into *out: 422 naming field for anything else. */
static int parse_day(struct fl_req *r, const char *field, const char *label, const char *z,
		     int32_t *out)
{
	if (fl_day_parse(z, out))
		return fl_req_fail(r, FL_EINVAL, field, "InvalidValue",
				   "%s: '%.32s' is not a day that exists, as YYYY-MM-DD, in the "
				   "years 1970 to 9999",
				   label, z);
	return 0;
}

/* Reads {"service_contract": {...}}: every field but the owner, level,
 * provider and notes for a new contract; what is given for a change. */
static int decode(struct fl_req *r, struct ctx *c, int creating)
{
	json_t *v = r->body ? json_object_get(r->body, "service_contract") : NULL;
	struct contract_in *in = &c->in;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "service_contract", "InvalidRequest",
				   "the body must be {\"service_contract\": {...}}");
	if ((rc = fl_input_decode(v, contract_fields, in, &r->arena, &r->err)))
		return rc;
	if (creating && !in->has_product)
		return fl_req_fail(r, FL_EINVAL, "product", "Blank", "Product: cannot be blank");
	if (creating && !in->has_kind)
		return fl_req_fail(r, FL_EINVAL, "kind", "Blank",
				   "Kind: cannot be blank (warranty, contract or partner)");
	if (creating && !in->has_starts_on)
		return fl_req_fail(r, FL_EINVAL, "starts_on", "Blank",
				   "Starts on: cannot be blank");
	if (creating && !in->has_ends_on)
		return fl_req_fail(r, FL_EINVAL, "ends_on", "Blank", "Ends on: cannot be blank");
	if (in->has_starts_on &&
	    (rc = parse_day(r, "starts_on", "Starts on", in->starts_on, &c->starts_on)))
		return rc;
	if (in->has_ends_on && (rc = parse_day(r, "ends_on", "Ends on", in->ends_on, &c->ends_on)))
		return rc;
	return 0;
}

/* Puts what the request gave over k. */
static void apply(const struct ctx *c, struct fl_contract *k)
{
	const struct contract_in *in = &c->in;

	if (in->has_user_id)
		k->user_id = in->user_id;
	if (in->has_organization_id)
		k->organization_id = in->organization_id;
	if (in->has_product)
		k->product = (char *)in->product;
	if (in->has_level)
		k->level = (char *)(in->level ? in->level : "");
	if (in->has_kind)
		k->kind = in->kind;
	if (in->has_provider)
		k->provider = (char *)(in->provider ? in->provider : "");
	if (in->has_starts_on)
		k->starts_on = c->starts_on;
	if (in->has_ends_on)
		k->ends_on = c->ends_on;
	if (in->has_notes)
		k->notes = (char *)(in->notes ? in->notes : "");
}

static json_t *day_json(int32_t day)
{
	char iso[11];
	fl_day_format(day, iso);
	return json_string(iso);
}

static json_t *contract_json(struct fl_req *r, const struct fl_contract *k, int32_t today)
{
	char url[256];

	snprintf(url, sizeof url, "%s/api/v2/service_contracts/%" PRId64 ".json", fl_req_base(r),
		 k->id);
	return json_pack("{s:I, s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:o}",
			 "id", (json_int_t)k->id, "url", url, "user_id", fl_json_id(k->user_id),
			 "organization_id", fl_json_id(k->organization_id), "product", k->product,
			 "level", k->level ? k->level : "", "kind", fl_contract_kind_name(k->kind),
			 "provider", k->provider ? k->provider : "", "starts_on",
			 day_json(k->starts_on), "ends_on", day_json(k->ends_on), "state",
			 fl_contract_state_name(fl_contract_state(k, today)), "notes",
			 k->notes ? k->notes : "", "created_at", fl_json_time(k->created_at),
			 "updated_at", fl_json_time(k->updated_at));
}

static int render_one(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "service_contract",
				      contract_json(r, &c->contract, fl_day_of(fl_now()))));
}

/* The list's owner (a nested route's) exists: 404 otherwise. */
static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_store_contract_filter *f = &c->filter;
	int rc = 0;

	if (f->user_id) {
		struct fl_user u;
		rc = fl_store_user_get(tx, f->user_id, &r->arena, &u);
	} else if (f->organization_id) {
		struct fl_org o;
		rc = fl_store_org_get(tx, f->organization_id, &r->arena, &o);
	}
	return rc ? rc
		  : fl_store_contract_list(tx, f, (c->pg.page - 1) * c->pg.per_page,
					   c->pg.per_page + 1, &r->arena, &c->contracts, &c->n,
					   &c->total);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array(), *o;
	size_t n = c->n > c->pg.per_page ? c->pg.per_page : c->n;

	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, contract_json(r, &c->contracts[i], c->today));
	o = json_pack("{s:o}", "service_contracts", list);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

/* A query argument that is a positive id: 400 naming it otherwise. */
static int arg_id(struct fl_req *r, const char *name, int64_t *out)
{
	const char *z = fl_req_arg(r, name);

	*out = 0;
	if (z && (fl_str_to_i64(fl_str_c(z), out) || *out <= 0))
		return fl_req_fail(r, FL_EMALFORMED, name, "InvalidValue",
				   "%s must be a positive integer id", name);
	return 0;
}

/* The state and expiring_within_days of a list, as ranges of days
 * (store/contracts.h) around today; owner ids are the caller's. */
static int list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_store_contract_filter *f = &c->filter;
	const char *state = fl_req_arg(r, "state");
	const char *within = fl_req_arg(r, "expiring_within_days");
	int32_t today = c->today = fl_day_of(fl_now());
	int rc = fl_req_paging(r, &c->pg);

	if (rc)
		return rc;
	f->ends_from = f->starts_from = FL_DAY_FIRST - 1;
	f->ends_to = f->starts_to = FL_DAY_LAST + 1;
	if (state) {
		switch (fl_contract_state_parse(fl_str_c(state))) {
		case FL_CONTRACT_ACTIVE:
			f->starts_to = today;
			f->ends_from = today;
			break;
		case FL_CONTRACT_EXPIRED: f->ends_to = today - 1; break;
		case FL_CONTRACT_UPCOMING: f->starts_from = today + 1; break;
		default:
			return fl_req_fail(r, FL_EMALFORMED, "state", "InvalidValue",
					   "state must be active, expired or upcoming");
		}
	}
	if (within) {
		int64_t days;
		if (fl_str_to_i64(fl_str_c(within), &days) || days < 1 || days > EXPIRING_MAX)
			return fl_req_fail(r, FL_EMALFORMED, "expiring_within_days", "InvalidValue",
					   "expiring_within_days must be a whole number of days "
					   "from 1 to %d",
					   EXPIRING_MAX);
		/* in force today, and ending within the days: intersected
		 * with the state's ranges (expired and upcoming leave none) */
		if (f->starts_to > today)
			f->starts_to = today;
		if (f->ends_from < today)
			f->ends_from = today;
		if (f->ends_to > today + days)
			f->ends_to = today + (int32_t)days;
	}
	return fl_req_read(r, tx_list, render_list);
}

/* GET /api/v2/service_contracts */
static int h_list(struct fl_req *r)
{
	static const char *const args[] = {"user_id", "organization_id",
					   "state",   "expiring_within_days",
					   "page",    "per_page",
					   NULL};
	struct ctx *c = r->ctx;
	int rc;

	if ((rc = fl_req_args_only(r, args)) || (rc = arg_id(r, "user_id", &c->filter.user_id)) ||
	    (rc = arg_id(r, "organization_id", &c->filter.organization_id)))
		return rc;
	if (c->filter.user_id && c->filter.organization_id)
		return fl_req_fail(r, FL_EMALFORMED, "organization_id", "InvalidValue",
				   "a list is of one owner: user_id or organization_id, not both");
	return list(r);
}

/* GET /api/v2/users/{id}/service_contracts and
 * /api/v2/organizations/{id}/service_contracts: owner is the filter's
 * user_id or organization_id, set to the path's id. */
static int owner_list(struct fl_req *r, int64_t *owner)
{
	static const char *const args[] = {"state", "expiring_within_days", "page", "per_page",
					   NULL};
	int rc = fl_req_args_only(r, args);

	if (rc)
		return rc;
	*owner = r->id[0];
	return list(r);
}

static int h_user_list(struct fl_req *r)
{
	return owner_list(r, &((struct ctx *)r->ctx)->filter.user_id);
}

static int h_org_list(struct fl_req *r)
{
	return owner_list(r, &((struct ctx *)r->ctx)->filter.organization_id);
}

/* Contracts decide the coverage an SLA filter may ask for: the owner's
 * tickets are measured again (sla/refresh.h) now, and on the days to come
 * when the contract starts and when it has ended. An organization's
 * contract reaches its people's tickets under any organization:
 * everyone's are measured. */
static int remeasure(fl_tx *tx, const struct fl_contract *k)
{
	struct fl_sla_whose w = {k->user_id};
	const struct fl_sla_whose *who = k->user_id ? &w : NULL;
	int64_t now = fl_now(), start = (int64_t)k->starts_on * 86400,
		end = ((int64_t)k->ends_on + 1) * 86400;
	int rc = fl_sla_recompute_later(tx, who);

	if (!rc && start > now)
		rc = fl_sla_recompute_at(tx, who, start);
	if (!rc && end > now)
		rc = fl_sla_recompute_at(tx, who, end);
	return rc;
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_contract_create(tx, &c->contract, &r->arena, &r->err);
	return rc ? rc : remeasure(tx, &c->contract);
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode(r, c, 1);

	if (rc)
		return rc;
	c->contract = (struct fl_contract){.level = "", .provider = "", .notes = ""};
	apply(c, &c->contract);
	c->contract.created_at = c->contract.updated_at = fl_now();
	r->status = 201;
	return fl_req_write(r, tx_create, render_one);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_contract_get(tx, r->id[0], &r->arena, &c->contract);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_one);
}

/* Changes contract r->id[0] by what the request gave and checks the
 * whole of it; nothing is written when it does not validate. */
static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_contract_get(tx, r->id[0], &r->arena, &c->was);

	if (rc)
		return rc;
	c->contract = c->was;
	apply(c, &c->contract);
	c->contract.updated_at = fl_now();
	rc = fl_contract_update(tx, &c->contract, &c->was, &r->arena, &r->err);
	if (!rc && (c->was.user_id != c->contract.user_id ||
		    c->was.organization_id != c->contract.organization_id))
		rc = remeasure(tx, &c->was);
	return rc ? rc : remeasure(tx, &c->contract);
}

static int h_update(struct fl_req *r)
{
	int rc = decode(r, r->ctx, 0);
	return rc ? rc : fl_req_write(r, tx_update, render_one);
}

static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	struct fl_contract k;
	int rc = fl_store_contract_get(tx, r->id[0], &r->arena, &k);

	if (!rc)
		rc = fl_store_contract_delete(tx, r->id[0]);
	return rc ? rc : remeasure(tx, &k);
}

static int h_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

#define CONTRACTS "/api/v2/service_contracts"
const struct fl_route fl_contract_routes[] = {
	{"GET", CONTRACTS, h_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", CONTRACTS, h_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", CONTRACTS "/{id}", h_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", CONTRACTS "/{id}", h_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", CONTRACTS "/{id}", h_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/users/{id}/service_contracts", h_user_list, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{"GET", "/api/v2/organizations/{id}/service_contracts", h_org_list, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{0},
};
