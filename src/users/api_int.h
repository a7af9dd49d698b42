/* What the users domain's handler files (user_api.c, org_api.c,
 * group_api.c) share: the shape of their bodies and replies. */
#ifndef FL_USERS_API_INT_H
#define FL_USERS_API_INT_H

#include <jansson.h>

#include "http/http.h"

/* Answers {"key": v} with status; takes v. */
int fl_users_reply_one(struct fl_req *r, int status, const char *key, json_t *v);
/* The body's {"key": {...}}, or NULL after failing the request with a 400
 * naming key. */
json_t *fl_users_body_object(struct fl_req *r, const char *key);
/* 0 when text is a JSON array of at most max strings of at most 255
 * characters; else fails the request with a 422 naming field. */
int fl_users_string_array(struct fl_req *r, const char *field, const char *text, size_t max);
/* list under key, or, as_results, as search results of type result_type
 * ({"results": [{…, "result_type"}], "facets": null}). Takes list. */
json_t *fl_users_list_reply(json_t *list, int as_results, const char *key, const char *result_type);

#endif
