/* The address people reach the desk at ("https://help.example.com", no
 * trailing slash): the base of every link we put in mail.
 *
 * It is the setting "public_url", never a request's Host header: a link
 * built from Host would let anyone who can reach the server have a
 * victim's sign-in link mailed to a host of theirs. The first start of a
 * store sets it from the configuration's public_url, else from the listen
 * address; after that an admin changes it (PUT /api/v2/account/settings)
 * — unless the configuration names one, which then wins at every start.
 * Plain C over the store: nothing here knows HTTP or SQL. */
#ifndef FL_PORTAL_SITE_H
#define FL_PORTAL_SITE_H

#include "core/arena.h"
#include "store/store.h"

#define FL_SITE_URL_SETTING "public_url"

/* In a transaction: the public URL into *out (in a). FL_ENOTFOUND when
 * none is set (a store no server has started on yet). */
int fl_site_url(fl_tx *tx, fl_arena *a, char **out);

/* In a write transaction, at a server's start: when configured (the
 * configuration's public_url, or "") is set it becomes the public URL;
 * else, when none is stored yet, fallback ("http://127.0.0.1:8080") does.
 * Both must have passed fl_url_base_normalize. *url (in a) is the URL
 * now in force. */
int fl_site_url_init(fl_tx *tx, const char *configured, const char *fallback, fl_arena *a,
		     char **url);

#endif
