/* The users domain's JSON renderings and lists, for other API files
 * (tickets show requesters, search shows people and organizations). */
#ifndef FL_USERS_USER_API_H
#define FL_USERS_USER_API_H

#include <jansson.h>

#include "http/http.h"
#include "users/user.h"

/* Zendesk's user and organization objects; notes, details and tags only
 * for agents and admins. New references the caller owns. */
json_t *fl_user_json(struct fl_req *r, const struct fl_user *u);
json_t *fl_org_json(struct fl_req *r, const struct fl_org *o);
json_t *fl_group_json(struct fl_req *r, const struct fl_group *g);

/* Users and organizations whose name (or e-mail) holds text, answered as
 * search results ({"results": [{…, "result_type"}]}). */
int fl_user_list_text(struct fl_req *r, const char *text);
int fl_org_list_text(struct fl_req *r, const char *text);

#endif
