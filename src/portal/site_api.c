/* The desk's settings that are not a channel's, in Zendesk's account
 * settings resource (portal/site.h tells the rules of the public URL).
 *   GET /api/v2/account/settings   agents  {"settings": {"public_url",
 *                                           "public_url_locked"}}
 *   PUT /api/v2/account/settings   admins  {"settings": {"public_url"}}
 * public_url_locked: the server's configuration names the URL, which then
 * wins at every start; changing it here is 409. */
#include <string.h>

#include "core/str.h"
#include "http/http.h"
#include "portal/site.h"
#include "store/settings.h"

struct settings {
	char *url;
};

static int tx_get(fl_tx *tx, struct fl_req *r)
{
	struct settings *st = r->ctx;
	int rc = fl_site_url(tx, &r->arena, &st->url);
	return rc == FL_ENOTFOUND ? 0 : rc;
}

static int render(struct fl_req *r)
{
	struct settings *st = r->ctx;
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:s?, s:b}}", "settings", "public_url", st->url,
				      "public_url_locked", r->config->public_url[0] != 0));
}

static int h_get(struct fl_req *r)
{
	return fl_req_read(r, tx_get, render);
}

static int tx_set(fl_tx *tx, struct fl_req *r)
{
	struct settings *st = r->ctx;
	return fl_store_setting_set(tx, FL_SITE_URL_SETTING, st->url);
}

static int h_set(struct fl_req *r)
{
	struct settings *st = r->ctx;
	json_t *in = r->body ? json_object_get(r->body, "settings") : NULL;
	json_t *url = json_is_object(in) ? json_object_get(in, "public_url") : NULL;

	if (!json_is_object(in))
		return fl_req_fail(r, FL_EINVAL, "settings", "InvalidType",
				   "settings: must be an object");
	if (!url)
		return fl_req_read(r, tx_get, render); /* nothing to change */
	if (!json_is_string(url) ||
	    !(st->url = fl_arena_strndup(&r->arena, json_string_value(url),
					 json_string_length(url))) ||
	    strlen(st->url) != json_string_length(url) || fl_url_base_normalize(st->url))
		return fl_req_fail(r, FL_EINVAL, "public_url", "InvalidValue",
				   "public_url: must be http:// or https:// with a host, and no "
				   "query, fragment or user name");
	if (r->config->public_url[0])
		return fl_req_fail(
			r, FL_ECONFLICT, "public_url", "Locked",
			"public_url: the server's configuration sets it (%s); change it there",
			r->config->public_url);
	return fl_req_write(r, tx_set, render);
}

const struct fl_route fl_site_routes[] = {
	{"GET", "/api/v2/account/settings", h_get, FL_ROLE_AGENT, 0, sizeof(struct settings)},
	{"PUT", "/api/v2/account/settings", h_set, FL_ROLE_ADMIN, 4096, sizeof(struct settings)},
	{0},
};
