/* Unsubscribing: a person may say "write to me no more of your own
 * accord" — no more NPS surveys, no more news of ideas they voted on,
 * nothing the desk sends unasked. Mail about their own requests (an
 * acknowledgement, an agent's reply) still goes: they asked for it.
 *
 * Every such mail carries a signed link (portal/link.h, purpose
 * FL_UNSUB_PURPOSE, a = the user's id, never expiring: an old mail's link
 * must still work) to a public page, /unsubscribe/{token}, and the
 * List-Unsubscribe and List-Unsubscribe-Post headers (RFC 2369, RFC 8058)
 * with the same URL, so a mail client's own button works too. A GET shows
 * the page with one button (mail scanners follow links: a GET changes
 * nothing); a POST — the button, or the client's one-click
 * "List-Unsubscribe=One-Click" — records it, once, for the person and
 * their address as it was then.
 *
 * Whoever sends unasked asks fl_unsub_is first, in the transaction that
 * would queue the mail. */
#ifndef FL_FEEDBACK_UNSUB_H
#define FL_FEEDBACK_UNSUB_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

#define FL_UNSUB_PURPOSE "unsub"
/* The path the links point to: the site's URL, then this, then the token. */
#define FL_UNSUB_PATH "/unsubscribe/"

/* *yes = 1 when user_id (or their primary address) is unsubscribed. */
int fl_unsub_is(fl_tx *tx, int64_t user_id, int *yes);

/* *yes = 1 when mail to email bounced for good (the mail channel's
 * "mail.bouncing:ADDRESS" setting, mail/inbound.h): whoever sends unasked
 * skips such an address too, as it would an unsubscribed person. A NULL or
 * empty email has not bounced (*yes = 0): having no address is the
 * sender's own check. */
int fl_unsub_bouncing(fl_tx *tx, const char *email, int *yes);

/* The public URL that unsubscribes user_id (the site's URL, portal/site.h,
 * FL_UNSUB_PATH and a signed token), into *url in a. */
int fl_unsub_url(fl_tx *tx, int64_t user_id, fl_arena *a, char **url);

/* The person a link's token names: FL_EINVAL on field "token" (reason
 * "InvalidValue") for a token this desk did not sign for unsubscribing,
 * FL_ENOTFOUND for a person who is gone. *locale is theirs (may be NULL). */
int fl_unsub_read(fl_tx *tx, const char *token, fl_arena *a, int64_t *user_id, char **locale,
		  struct fl_err *e);

/* Records that the token's person is unsubscribed (again: nothing more),
 * at now; their locale as fl_unsub_read. */
int fl_unsub_confirm(fl_tx *tx, const char *token, int64_t now, fl_arena *a, char **locale,
		     struct fl_err *e);

/* The words of the page, in lang (uk, ru, lt, else en). */
struct fl_unsub_words {
	const char *title, *ask, *button, *done, *bad_link;
};
const struct fl_unsub_words *fl_unsub_words(const char *lang);

#endif
