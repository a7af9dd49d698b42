/* Macros: an agent's named bundle of actions and a reply, Zendesk's
 * /api/v2/macros. A macro is a rule with actions only (rules/rule.h, kind
 * FL_RULE_MACRO: it sets fields and tags, it does not mail or call out)
 * plus a reply text in each language the desk serves. Applying one changes
 * nothing: it says what the ticket would become and renders the reply for
 * that ticket's requester and the agent applying it; the agent reviews
 * and submits. docs/macros.md tells the whole story.
 *
 * Who sees what: a personal macro (owner_id) is its owner's alone, to see,
 * use and change — admins included; a shared macro is every agent's, or,
 * restricted to groups, the agents of those groups' (and every admin's).
 * Agents create personal macros; admins shared ones (and their own
 * personal ones). */
#ifndef FL_RULES_MACRO_H
#define FL_RULES_MACRO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/rule.h"
#include "store/store.h"
#include "tickets/ticket.h"
#include "users/user.h"

#define FL_MACRO_TITLE_MAX 255
#define FL_MACRO_DESCRIPTION_MAX 4096
#define FL_MACRO_GROUPS_MAX 50 /* groups a macro is restricted to */
#define FL_MACRO_QUERY_MAX 255 /* bytes of a search */

/* The languages a reply may be written in: those the desk serves. */
enum { FL_LANG_UK, FL_LANG_RU, FL_LANG_LT, FL_LANG_EN, FL_LANG__MAX };
const char *fl_macro_lang_name(int lang);
/* The language of a locale ("uk", "uk-UA", "LT", "en_US"): its first two
 * letters, ASCII case ignored, followed by nothing, '-' or '_'; -1 for
 * none or one not served. */
int fl_macro_lang(const char *locale);

struct fl_macro {
	int64_t id;
	char *title, *description; /* description "" for none */
	int active;
	int64_t position;
	int64_t owner_id; /* personal: its owner; 0: shared */
	int64_t group_ids[FL_MACRO_GROUPS_MAX];
	size_t ngroups; /* shared with these groups only; 0: with every agent */
	struct fl_rule rule;
	char *actions_json;                /* as stored */
	const char *replies[FL_LANG__MAX]; /* a template per language, "" for none */
	int64_t usage_count;
	int64_t created_by, created_at, updated_at;
};

/* Whether the person id (role, member of groups) may see and apply m. */
int fl_macro_visible(const struct fl_macro *m, int64_t id, int role, const int64_t *groups,
		     size_t ngroups);
/* Whether who may change or delete m (who can already see it). */
int fl_macro_writable(const struct fl_macro *m, const struct fl_actor *who);

/* The reply m gives a requester whose locale is locale: the reply in its
 * language when m has one, else the text of m's comment_value action,
 * else NULL (m writes no comment). *pub: whether it is public (m's
 * comment_mode_is_public; an internal note by default). Pure. */
const char *fl_macro_reply(const struct fl_macro *m, const char *locale, int *pub);

/* Reads Zendesk's restriction into m: null (shared with everyone),
 * {"type": "User", "id": n} (personal) or {"type": "Group", "ids": [...]}
 * (or "id"). FL_EINVAL naming "restriction…". */
int fl_macro_decode_restriction(json_t *v, struct fl_macro *m, struct fl_err *e);
/* Reads {"uk": text, "ru": …, "lt": …, "en": …} into m's replies (in a):
 * a language not served, a text over FL_RULE_TEXT_MAX or naming an
 * unknown placeholder is FL_EINVAL naming "translations.xx"; null or ""
 * is none. Languages left out are left as they were. */
int fl_macro_decode_translations(json_t *v, fl_arena *a, struct fl_macro *m, struct fl_err *e);
json_t *fl_macro_restriction_json(const struct fl_macro *m);
json_t *fl_macro_translations_json(const struct fl_macro *m);

/* Whether text holds every word of query as a part of it, case ignored
 * (ASCII, Cyrillic and Lithuanian letters). Pure. */
int fl_macro_matches(const char *text, const char *query);

/* The doors, in a transaction. Get and list answer only what who may see
 * (another's personal macro is FL_ENOTFOUND). Create and update check the
 * title (1..255 bytes), the description, that the macro does something
 * (an action or a reply: FL_EINVAL naming "actions"), that the groups,
 * agents and restriction groups named exist (a deleted group is refused),
 * and who may write it: an agent only a personal macro of their own
 * ("restriction", FL_EFORBIDDEN), a personal macro only for oneself. */
int fl_macro_get(fl_tx *tx, const struct fl_actor *who, int64_t id, fl_arena *a,
		 struct fl_macro *out);
int fl_macro_list(fl_tx *tx, const struct fl_actor *who, fl_arena *a, struct fl_macro **out,
		  size_t *n);
int fl_macro_create(fl_tx *tx, const struct fl_actor *who, struct fl_macro *m, fl_arena *a,
		    struct fl_err *e);
int fl_macro_update(fl_tx *tx, const struct fl_actor *who, struct fl_macro *m, fl_arena *a,
		    struct fl_err *e);
int fl_macro_delete(fl_tx *tx, const struct fl_actor *who, int64_t id, fl_arena *a);

/* What applying a macro gives: the fields it sets (tags as the ticket's
 * would then be, computed from none without a ticket) and its reply. */
struct fl_macro_result {
	struct fl_ticket_patch p;
	const char *tags[FL_TICKET_MAX_TAGS]; /* the tags after, when the macro touches them */
	size_t ntags;
	int has_tags;
	int has_comment, public;
	char *body, *html_body;
};

/* Pure: the patch of m on ticket t (NULL: none) applied by who. */
int fl_macro_patch(const struct fl_macro *m, const struct fl_ticket *t, const struct fl_actor *who,
		   fl_arena *a, struct fl_macro_result *out);
/* Applies macro id for who to ticket ticket_id (0: none) without writing
 * anything: the reply in the requester's language, rendered for the
 * ticket and who. FL_ENOTFOUND for a macro or ticket who may not see (e
 * names "ticket_id" for the ticket). */
int fl_macro_apply(fl_tx *tx, const struct fl_actor *who, int64_t id, int64_t ticket_id,
		   fl_arena *a, struct fl_macro_result *out, struct fl_err *e);

/* Records that who used the n macros of ids (Zendesk's "macro_ids" of a
 * ticket update, which the composer sends with the submit): each one's
 * usage_count goes up, and *what (in a) names them for the update's
 * audit ("Macro 3: Refund approved; Macro 5: …"). An agent's only; a macro
 * who may not use (none, someone else's personal one) is FL_EINVAL naming
 * "macro_ids", and nothing is counted. */
#define FL_MACRO_IDS_MAX 10
int fl_macros_used(fl_tx *tx, const struct fl_actor *who, const int64_t *ids, size_t n, fl_arena *a,
		   char **what, struct fl_err *e);

#endif
