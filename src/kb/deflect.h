/* Self-service before a ticket (docs/kb.md "Self-service"): the contact
 * form suggests public articles for what the customer is typing, and each
 * time a customer who was shown suggestions decides, a deflection event
 * says how — an article solved it (deflected, no ticket) or they sent the
 * request anyway (submitted, written in the ticket's own transaction).
 * The deflection rate is deflected ÷ (deflected + submitted).
 *
 * Plain C over the store: nothing of HTTP or SQL. Strings a struct here
 * holds point into the caller's arena or input; nothing is freed on its
 * own. Only public articles count: suggestions are what a stranger may
 * read, and a deflection names one (fl_kb_visible at FL_KB_PUBLIC). */
#ifndef FL_KB_DEFLECT_H
#define FL_KB_DEFLECT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "store/store.h"

#define FL_DEFLECT_SHOWN_MAX 5   /* suggestions shown at once */
#define FL_DEFLECT_QUERY_MAX 500 /* characters of a query kept (and accepted) */
/* The words of the description a query takes after the subject. */
#define FL_DEFLECT_QUERY_WORDS 12

enum fl_deflect_outcome { FL_DEFLECT_DEFLECTED, FL_DEFLECT_SUBMITTED, FL_DEFLECT_OUTCOME__MAX };
enum fl_deflect_channel { FL_DEFLECT_JS, FL_DEFLECT_NOJS, FL_DEFLECT_CHANNEL__MAX };

/* "deflected", "submitted" / "js", "nojs"; -1 and NULL otherwise. */
const char *fl_deflect_outcome_name(int outcome);
int fl_deflect_outcome_parse(const char *z);
const char *fl_deflect_channel_name(int channel);

/* What was shown is signed: the suggestions (the API's and the plain
 * form's confirmation step) carry a token, an HMAC-SHA256 over the locale,
 * the ids shown in order, the time and a random nonce, keyed with the
 * store's setting FL_DEFLECT_KEY_SETTING (made at a server's first start,
 * so every node shares it). A decision is recorded only with a token that
 * this desk gave, at most FL_DEFLECT_TOKEN_TTL seconds ago, for the locale
 * and the ids it names (a deflection's article among them), and once per
 * token: a stranger cannot make up deflections, nor replay one. The
 * token is "T.NONCE.MAC": T the Unix time, NONCE 16 and MAC 64 lower-hex
 * characters. */
#define FL_DEFLECT_KEY_SETTING "deflect.key"
#define FL_DEFLECT_TOKEN_TTL 86400
#define FL_DEFLECT_TOKEN_MAX 100 /* bytes of a token, with room to spare */

/* In a write transaction (a server's start): makes the key when the store
 * has none. */
int fl_deflect_key_init(fl_tx *tx);

/* The token for showing ids (n of them) in locale at now, into out (in a).
 * FL_ENOTFOUND when the store has no key yet. */
int fl_deflect_token(fl_tx *tx, const char *locale, const int64_t *ids, size_t n, int64_t now,
		     fl_arena *a, char **out);

/* Pure: the token key would give (t, nonce as given) into out. */
void fl_deflect_sign(const char *key, const char *locale, const int64_t *ids, size_t n, int64_t t,
		     const char *nonce, char out[FL_DEFLECT_TOKEN_MAX + 1]);

/* Pure: whether token is one key gave for locale and ids at most
 * FL_DEFLECT_TOKEN_TTL seconds before now. 0, or FL_EINVAL naming
 * "token": missing, not this desk's for what is named (made up, altered,
 * other ids or locale), or expired. */
int fl_deflect_token_check(const char *key, const char *token, const char *locale,
			   const int64_t *ids, size_t n, int64_t now, struct fl_err *e);

/* One decision over suggestions. */
struct fl_deflection {
	int64_t id, created_at;
	const char *locale;                  /* one of fl_kb_locales */
	const char *query;                   /* "" when none */
	int outcome;                         /* enum fl_deflect_outcome */
	int channel;                         /* enum fl_deflect_channel */
	int64_t article_id;                  /* deflected: the article that solved it; else 0 */
	int64_t ticket_id;                   /* submitted: the ticket made; else 0 */
	int64_t shown[FL_DEFLECT_SHOWN_MAX]; /* the articles suggested, in order */
	size_t nshown;
	const char *token;     /* the suggestions' (see above) */
	const char *token_mac; /* its MAC, set by fl_deflect_record: one decision a token */
};

/* The words suggestions search for: the subject, then the first
 * FL_DEFLECT_QUERY_WORDS words of the description, white space folded to
 * single spaces, at most FL_DEFLECT_QUERY_MAX characters (cut at a
 * character boundary). Either may be NULL; "" when both are empty; NULL
 * only when out of memory. */
char *fl_deflect_query(const char *subject, const char *description, fl_arena *a);

/* Adds the ids in z ("12,7 3": digits separated by anything else) to
 * d->shown, up to FL_DEFLECT_SHOWN_MAX, skipping zeros, duplicates and
 * numbers too large to be an id. A list someone made up is harmless:
 * fl_deflect_record wants the token signed for it. */
void fl_deflect_shown_parse(const char *z, struct fl_deflection *d);

/* Checks d as given: locale (FL_EINVAL naming "locale"), the query at most
 * FL_DEFLECT_QUERY_MAX characters of text ("query"), outcome and channel
 * ("outcome", "channel"), an article for a deflection ("article_id"). */
int fl_deflect_check(const struct fl_deflection *d, struct fl_err *e);

/* Records d in tx (a write transaction) at now: checked as above; d->token
 * must be the suggestions' for d->locale and d->shown as given, recent and
 * not used before (FL_EINVAL naming "token"; it is used up by this
 * record); a deflection's article must be among d->shown and a public,
 * published article with a published translation in d->locale (FL_EINVAL
 * naming "article_id" otherwise, also for an id that does not exist);
 * d->shown is then cut to the public articles that exist. Nothing is
 * written when it fails. Sets d->id and d->created_at. */
int fl_deflect_record(fl_tx *tx, struct fl_deflection *d, int64_t now, fl_arena *a,
		      struct fl_err *e);

/* A suggestion: a public article found for a query, in its locale. */
struct fl_deflect_suggestion {
	int64_t article_id;
	char *title;
	char *snippet; /* HTML: the text escaped, the hits in <em> */
	char *slug;    /* for its help-center address */
};

/* Up to FL_DEFLECT_SHOWN_MAX public, published articles in locale that
 * the knowledge base's search finds for query (ranked as it ranks). A
 * query with fewer than 3 letters finds nothing (*n = 0). */
int fl_deflect_suggest(fl_tx *tx, const char *query, const char *locale, fl_arena *a,
		       struct fl_deflect_suggestion **out, size_t *n);

/* The words suggestions search for in query, into b (space-separated):
 * the words as the knowledge base's search reads them (core/text.h: runs
 * of letters and digits, an apostrophe ' ’ ʼ between letters joining them
 * and dropped, any other character — whole, however many bytes — a
 * separator), those of 3 characters or more, without repeats, at most 10.
 * Only letters and digits: nothing the query language reads as an
 * operator, a phrase or a field; a word the search would refuse is left
 * out. 0, or FL_ENOMEM. */
int fl_deflect_search_words(const char *query, fl_arena *a, fl_buf *b);

/* What the report counts for a group of events: shown is how many times
 * suggestions were shown and the customer decided (for an article: the
 * times it was among them), deflected how many an article solved (for an
 * article: it did), submitted how many were sent anyway. */
struct fl_deflect_counts {
	int64_t shown, deflected, submitted;
};
/* deflected ÷ shown rounded to 0.001, -1 when nothing was shown (the
 * API's null). */
double fl_deflect_rate(const struct fl_deflect_counts *c);

/* The plain form's confirmation step in one language (portal/portal_api.c
 * assembles and escapes). */
struct fl_deflect_words {
	const char *lang;
	const char *title;     /* "These articles may answer your question" */
	const char *lede;      /* "Before you send your request, have a look:" */
	const char *solved;    /* "This solved my problem" */
	const char *send;      /* "Send my request anyway" */
	const char *send_hint; /* "Your request is not sent until you choose." */
};
const struct fl_deflect_words *fl_deflect_words(const char *lang);

#endif
