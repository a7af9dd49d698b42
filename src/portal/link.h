/* Signed links: what a one-click link in a mail carries — a rating, an
 * answer to a survey, an unsubscribe — so that nobody but the desk can
 * make one, nor change the numbers in one, nor use one made for another
 * purpose.
 *
 * A link says two numbers of its maker's choosing (a ticket and a person,
 * a recipient row and nothing) and when it stops working. Its token is
 * "A-B-EXPIRES-MAC": decimal numbers and a 128-bit HMAC-SHA256 in hex over
 * the purpose and the three numbers, keyed with FL_LINK_KEY_SETTING — a
 * random key in the store's settings, made at a server's first start and
 * so shared by every node of a desk (cli/serve.c). Only [0-9a-f-]: safe in
 * a URL's path or query as it is.
 *
 * What a link is worth beyond that is its purpose's business: whether it
 * counts once, whether its ticket is still open — the token only proves
 * that the desk wrote these numbers. Plain C over the store's settings;
 * nothing here knows HTTP or SQL. */
#ifndef FL_PORTAL_LINK_H
#define FL_PORTAL_LINK_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

#define FL_LINK_KEY_SETTING "link.key"
/* the longest token: three 19-digit numbers, three dashes, 32 hex digits */
#define FL_LINK_TOKEN_MAX 100
/* the longest purpose word */
#define FL_LINK_PURPOSE_MAX 32

struct fl_link {
	int64_t a, b;    /* the maker's two numbers, not negative */
	int64_t expires; /* Unix seconds it stops working at; 0: never */
};

/* In a write transaction, at a server's start: makes the key when the
 * store has none (or a short one). */
int fl_link_key_init(fl_tx *tx);

/* The token for l made for purpose (a short lower-case word), keyed with
 * key, into out. Pure: for tests and for fl_link_make. */
void fl_link_sign(const char *key, const char *purpose, const struct fl_link *l,
		  char out[FL_LINK_TOKEN_MAX + 1]);

/* Checks token against key and purpose at now: 0 and *l filled; else
 * FL_EINVAL on the field "token", reason "InvalidValue" when the desk did
 * not write it for this purpose (made up, changed, cut, another purpose's,
 * or no key), "Expired" when its time is up. Compares in constant time. */
int fl_link_check(const char *key, const char *purpose, const char *token, int64_t now,
		  struct fl_link *l, struct fl_err *e);

/* The store's key, *key in a (NULL when fl_link_key_init never ran). It
 * never changes once made, so a caller may read it once and keep it, to
 * check tokens with fl_link_check before they cost a transaction. */
int fl_link_key(fl_tx *tx, fl_arena *a, char **key);

/* fl_link_sign and fl_link_check with the store's key, in a transaction. */
int fl_link_make(fl_tx *tx, const char *purpose, const struct fl_link *l, fl_arena *a,
		 char **token);
int fl_link_read(fl_tx *tx, const char *purpose, const char *token, int64_t now, fl_arena *a,
		 struct fl_link *l, struct fl_err *e);

#endif
