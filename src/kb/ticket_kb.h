/* From tickets to knowledge (docs/kb.md "From tickets"): the articles a
 * ticket was answered with, a draft article made from a solved ticket, and
 * the tickets like a ticket. Agents only: every function here is for an
 * agent or admin (the route rows say so) and loads the ticket through
 * fl_ticket_load, the one place ticket visibility is decided.
 *
 * Ownership: results point into the arena given. Writes run in the
 * caller's write transaction and check everything before writing. */
#ifndef FL_KB_TICKET_KB_H
#define FL_KB_TICKET_KB_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "kb/kb.h"

struct fl_tx;
struct fl_actor;
struct fl_ticket;
struct fl_comment;

/* A ticket's link to an article, with the article's text in the
 * requester's locale when it has one (fallback 0), else in its source
 * locale (fallback 1). */
struct fl_ticket_kb_link {
	int64_t user_id, created_at;
	struct fl_kb_article article;
	struct fl_kb_translation tr;
	int fallback;
};

/* The locale of the requester of ticket t among those we serve (uk, ru,
 * lt, en: the first two letters of theirs), NULL when theirs is none. */
const char *fl_ticket_kb_locale(struct fl_tx *tx, const struct fl_ticket *t, fl_arena *a);

/* Links article_id to ticket_id; linking twice is linking once (*added
 * says whether this call did). FL_ENOTFOUND for a ticket actor may not
 * see; FL_EINVAL naming "article_id" for an article that does not exist,
 * is archived or actor may not read, or when the ticket links
 * FL_TICKET_ARTICLES_MAX already. */
int fl_ticket_kb_link(struct fl_tx *tx, const struct fl_actor *actor, int64_t ticket_id,
		      int64_t article_id, int *added, struct fl_err *e);
/* Unlinks them (0 whether or not they were linked); FL_ENOTFOUND for a
 * ticket actor may not see. */
int fl_ticket_kb_unlink(struct fl_tx *tx, const struct fl_actor *actor, int64_t ticket_id,
			int64_t article_id, struct fl_err *e);
/* The articles ticket_id links, oldest link first, as actor may read them
 * (an article archived since is left out). *locale: the requester's. */
int fl_ticket_kb_links(struct fl_tx *tx, const struct fl_actor *actor, int64_t ticket_id,
		       fl_arena *a, struct fl_ticket_kb_link **out, size_t *n, const char **locale);

/* The draft of an article about ticket t, in locale (one of
 * fl_kb_locales): title the subject (cut at FL_KB_TITLE_MAX characters),
 * body Markdown with a heading "Question" over the first public comment
 * quoted, and "Answer" over answer (the headings in locale). comments are
 * the ticket's, in order; is_agent[i] says comment i's author is an agent;
 * only public ones are read. FL_EINVAL naming "status" for a ticket that is
 * neither solved nor closed, "comments" when it has no public comment, or
 * no public agent comment before it was solved. */
int fl_ticket_kb_draft_text(const struct fl_ticket *t, const struct fl_comment *comments,
			    const int *is_agent, size_t n, const char *locale, fl_arena *a,
			    char **title, char **body_md, struct fl_err *e);
/* Makes that draft article in section_id, in the requester's locale (en
 * when theirs is not served), links it to the ticket and fills art and
 * tr. FL_EINVAL naming "section_id" for a section that does not exist. */
int fl_ticket_kb_draft(struct fl_tx *tx, const struct fl_actor *actor, int64_t ticket_id,
		       int64_t section_id, fl_arena *a, struct fl_kb_article *art,
		       struct fl_kb_translation *tr, struct fl_err *e);

/* Similar tickets. The words asked for are the ticket's most distinctive:
 * of the first FL_SIMILAR_CANDIDATES distinct words of its subject and
 * first comment (3 letters or more, not all digits), the
 * FL_SIMILAR_TERMS found in the fewest index rows, leaving out words found
 * in FL_SIMILAR_COMMON rows or more, or in more rows than there are
 * tickets (the words most tickets have: no stop list needed, in any
 * language). At most FL_SIMILAR_ROWS matching rows are read. */
#define FL_SIMILAR_MAX 5
#define FL_SIMILAR_CANDIDATES 12
#define FL_SIMILAR_TERMS 6
#define FL_SIMILAR_COMMON 1000
#define FL_SIMILAR_ROWS 500

/* The candidate words of text (subject and first comment joined), in
 * order, without repeats (by their folded form): at most max, each a copy
 * in a of the word as written. */
size_t fl_ticket_kb_words(const char *text, fl_arena *a, const char **out, size_t max);

struct fl_similar_ticket;
/* At most FL_SIMILAR_MAX tickets like ticket_id (never itself, a deleted
 * or a merged one), best first. FL_ENOTFOUND for a ticket actor may not
 * see. */
int fl_ticket_kb_similar(struct fl_tx *tx, const struct fl_actor *actor, int64_t ticket_id,
			 fl_arena *a, struct fl_similar_ticket **out, size_t *n);

#endif
