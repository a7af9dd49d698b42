/* frontline routes --json: the route table as the server has it — each
 * row's method, pattern, least role and how it reads its body — for the
 * tests that must cover every route (tests/api/viewer.test.mjs signs in as
 * each role and calls them all), so that a route added anywhere is covered
 * without anyone remembering to list it. Not in the usage: a tool for the
 * tests and for whoever audits permissions, not for operators' daily work. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "http/http.h"
#include "users/user.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline routes --json\n"
		"\n"
		"Prints every route of the API as a JSON array of {method, pattern,\n"
		"role, body, self, no_auth}: role is the least role let in (anonymous,\n"
		"end-user, viewer, agent, admin); body is json, raw (a file) or form\n"
		"(an HTML form, read without credentials); self is true for the routes\n"
		"of a person's own account that every signed-in role reaches; no_auth\n"
		"for a chat visitor's routes, which read a visitor token and no session.\n"
		"Authorization itself is in src/http/daemon.c (docs/security.md).\n");
}

int fl_cmd_routes(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc != 2 || strcmp(argv[1], "--json")) {
		usage(stderr);
		return 2;
	}
	if (fl_routes_init()) {
		fprintf(stderr, "frontline: routes: out of memory\n");
		return 1;
	}
	json_t *list = json_array();
	for (size_t i = 0; list && i < fl_nroutes; i++) {
		const struct fl_route *rt = &fl_routes[i];
		unsigned f = rt->flags;
		const char *body = f & FL_ROUTE_FORM_BODY  ? "form"
				   : f & FL_ROUTE_RAW_BODY ? "raw"
							   : "json";
		json_t *o =
			json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "method", rt->method, "pattern",
				  rt->pattern, "role", fl_role_name(rt->role), "body", body, "self",
				  (f & FL_ROUTE_SELF) != 0, "no_auth", (f & FL_ROUTE_NO_AUTH) != 0);
		if (!o || json_array_append_new(list, o)) {
			json_decref(list);
			list = NULL;
		}
	}
	char *text = list ? json_dumps(list, JSON_INDENT(1)) : NULL;
	json_decref(list);
	if (!text) {
		fprintf(stderr, "frontline: routes: out of memory\n");
		return 1;
	}
	int rc = puts(text) < 0 ? 1 : 0;
	free(text);
	return rc;
}
