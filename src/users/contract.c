/* Service contracts: their checks, their days and their doors
 * (users/contract.h has the rules). */
#include <string.h>

#include "store/contracts.h"
#include "store/users.h"
#include "users/contract.h"

#define DAY_SECONDS 86400

static const char *const kinds[] = {"warranty", "contract", "partner"};
static const char *const states[] = {"active", "expired", "upcoming"};

const char *fl_contract_kind_name(int kind)
{
	return kind >= 0 && kind < FL_CONTRACT_KIND__MAX ? kinds[kind] : NULL;
}

int fl_contract_kind_parse(fl_str s)
{
	for (int i = 0; i < FL_CONTRACT_KIND__MAX; i++)
		if (fl_str_eq(s, kinds[i]))
			return i;
	return -1;
}

const char *fl_contract_state_name(int state)
{
	return state >= 0 && state < FL_CONTRACT_STATE__MAX ? states[state] : NULL;
}

int fl_contract_state_parse(fl_str s)
{
	for (int i = 0; i < FL_CONTRACT_STATE__MAX; i++)
		if (fl_str_eq(s, states[i]))
			return i;
	return -1;
}

/* Days from 1970-01-01 to year y, month m (1..12), day d of the proleptic
 * Gregorian calendar (Howard Hinnant's days_from_civil: March-based years,
 * so the leap day is the last of its year). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int digits(const char *z, int n, int64_t *out)
{
	int64_t v = 0;
	for (int i = 0; i < n; i++) {
		if (z[i] < '0' || z[i] > '9')
			return 0;
		v = v * 10 + (z[i] - '0');
	}
	*out = v;
	return 1;
}

int fl_day_parse(const char *z, int32_t *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t y, m, d;

	if (!z || strlen(z) != 10 || z[4] != '-' || z[7] != '-' || !digits(z, 4, &y) ||
	    !digits(z + 5, 2, &m) || !digits(z + 8, 2, &d))
		return FL_EINVAL;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y)))
		return FL_EINVAL;
	*out = (int32_t)days_from_civil(y, m, d);
	return 0;
}

void fl_day_format(int32_t day, char out[11])
{
	/* civil_from_days, the inverse of days_from_civil */
	int64_t z = (int64_t)day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);

	if (day < FL_DAY_FIRST || day > FL_DAY_LAST) {
		memcpy(out, "0000-00-00", 11);
		return;
	}
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = out[7] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = 0;
}

int32_t fl_day_of(int64_t t)
{
	return (int32_t)(t >= 0 ? t / DAY_SECONDS : -((-t + DAY_SECONDS - 1) / DAY_SECONDS));
}

int fl_contract_state(const struct fl_contract *c, int32_t today)
{
	if (c->ends_on < today)
		return FL_CONTRACT_EXPIRED;
	if (c->starts_on > today)
		return FL_CONTRACT_UPCOMING;
	return FL_CONTRACT_ACTIVE;
}

/* A text of at most max characters of valid UTF-8 (NULL is ""); label is
 * the field as a sentence begins with it. */
static int check_text(const char *z, size_t max, const char *field, const char *label,
		      struct fl_err *e)
{
	size_t n = z ? strlen(z) : 0;

	if (!fl_utf8_valid(z ? z : "", n))
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue", "%s: is not valid UTF-8",
				  label);
	if (fl_utf8_len(z ? z : "", n) > max)
		return fl_err_set(e, FL_EINVAL, field, "TooLong",
				  "%s: is too long (maximum is %zu characters)", label, max);
	return 0;
}

static int blank(const char *z)
{
	for (; z && *z; z++)
		if (*z != ' ' && *z != '\t' && *z != '\n' && *z != '\r')
			return 0;
	return 1;
}

int fl_contract_check(const struct fl_contract *c, struct fl_err *e)
{
	int rc;

	if (c->user_id < 0 || c->organization_id < 0 || !c->user_id == !c->organization_id)
		return fl_err_set(e, FL_EINVAL, "user_id", "InvalidValue",
				  "Owner: a contract belongs to exactly one of a person (user_id) "
				  "or an organization (organization_id)");
	if (blank(c->product))
		return fl_err_set(e, FL_EINVAL, "product", "Blank", "Product: cannot be blank");
	if ((rc = check_text(c->product, FL_CONTRACT_PRODUCT_MAX, "product", "Product", e)) ||
	    (rc = check_text(c->level, FL_CONTRACT_LEVEL_MAX, "level", "Level", e)) ||
	    (rc = check_text(c->provider, FL_CONTRACT_PROVIDER_MAX, "provider", "Provider", e)) ||
	    (rc = check_text(c->notes, FL_CONTRACT_NOTES_MAX, "notes", "Notes", e)))
		return rc;
	if (!fl_contract_kind_name(c->kind))
		return fl_err_set(e, FL_EINVAL, "kind", "InvalidValue",
				  "Kind: must be warranty, contract or partner");
	if (c->starts_on < FL_DAY_FIRST || c->starts_on > FL_DAY_LAST)
		return fl_err_set(e, FL_EINVAL, "starts_on", "InvalidValue",
				  "Starts on: must be within the years 1970 to 9999");
	if (c->ends_on < FL_DAY_FIRST || c->ends_on > FL_DAY_LAST)
		return fl_err_set(e, FL_EINVAL, "ends_on", "InvalidValue",
				  "Ends on: must be within the years 1970 to 9999");
	if (c->ends_on < c->starts_on)
		return fl_err_set(e, FL_EINVAL, "ends_on", "InvalidValue",
				  "Ends on: is before the day the contract starts");
	return 0;
}

/* The owner exists, and holds room for one more contract (when count). */
static int check_owner(fl_tx *tx, const struct fl_contract *c, int count, fl_arena *a,
		       struct fl_err *e)
{
	int64_t n;
	int rc;

	if (c->user_id) {
		struct fl_user u;
		rc = fl_store_user_get(tx, c->user_id, a, &u);
		if (rc == FL_ENOTFOUND)
			return fl_err_set(e, FL_EINVAL, "user_id", "InvalidValue",
					  "User: there is no person %lld", (long long)c->user_id);
	} else {
		struct fl_org o;
		rc = fl_store_org_get(tx, c->organization_id, a, &o);
		if (rc == FL_ENOTFOUND)
			return fl_err_set(e, FL_EINVAL, "organization_id", "InvalidValue",
					  "Organization: there is no organization %lld",
					  (long long)c->organization_id);
	}
	if (rc || !count)
		return rc;
	/* not serialized as the desk-wide limits are (fl_store_limit_lock):
	 * an owner's contracts are written by many at once, and a few over
	 * the thousand in a race harm nobody */
	if ((rc = fl_store_contract_count(tx, c->user_id, c->organization_id, &n)))
		return rc;
	if (n >= FL_CONTRACTS_PER_OWNER)
		return fl_err_set(e, FL_EINVAL, "service_contract", "TooLong",
				  "A person or organization holds at most %d service contracts",
				  FL_CONTRACTS_PER_OWNER);
	return 0;
}

int fl_contract_create(fl_tx *tx, struct fl_contract *c, fl_arena *a, struct fl_err *e)
{
	int rc = fl_contract_check(c, e);

	if (!rc)
		rc = check_owner(tx, c, 1, a, e);
	return rc ? rc : fl_store_contract_insert(tx, c);
}

int fl_contract_update(fl_tx *tx, struct fl_contract *c, const struct fl_contract *was, fl_arena *a,
		       struct fl_err *e)
{
	int moved = c->user_id != was->user_id || c->organization_id != was->organization_id;
	int rc = fl_contract_check(c, e);

	if (!rc)
		rc = check_owner(tx, c, moved, a, e);
	return rc ? rc : fl_store_contract_update(tx, c);
}
