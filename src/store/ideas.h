/* The suggestion box's rows (src/store/ideas.c, migration 042): ideas,
 * their votes, comments and linked tickets. Strings and arrays returned are
 * copied into the arena given. The checks are ideas/idea.c's; these only
 * read and write. */
#ifndef FL_STORE_IDEAS_H
#define FL_STORE_IDEAS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct fl_idea {
	int64_t id;
	char *title, *details;
	char *status; /* new, under_review, planned, done, declined (ideas/idea.h) */
	int public;   /* anyone may read it; 0: agents and its author only */
	char *locale; /* the language it was written in */
	char *answer; /* the public answer, "" when none */
	int64_t answered_by, answered_at;
	int64_t author_id;    /* the customer whose idea it is */
	int64_t submitted_by; /* who typed it: the author, or an agent on their behalf */
	int vote_count, comment_count;
	int64_t created_at, updated_at;
	/* read with the idea, never written by it */
	char *author_name, *answered_by_name;
	int voted; /* the reader (the viewer given to the read) has voted for it */
	int ntickets;
};

struct fl_idea_comment {
	int64_t id, idea_id, author_id;
	char *body;
	int64_t created_at;
	char *author_name;
	int author_role; /* users/user.h: an agent's comment is the desk's */
};

/* A ticket an idea links, as the agents' lists show it. */
struct fl_idea_ticket {
	int64_t idea_id, ticket_id, user_id, created_at;
	char *subject;
	int status; /* tickets/ticket.h */
	char *idea_title, *idea_status;
	int idea_votes;
};

/* What a list reads: status "" for any; mine_or_public set (a customer or
 * a visitor) keeps the ideas that are public or the reader's own (me: the
 * reader, 0 for a visitor); by_votes: most votes first, else newest
 * first; offset and limit page the list. */
struct fl_idea_query {
	const char *status;
	int mine_or_public;
	int64_t me;
	int by_votes;
	int64_t offset, limit;
};

/* Idea id read as me sees it (voted: me's vote), public or not: the
 * caller decides who may see it. FL_ENOTFOUND when there is none. */
int fl_store_idea_get(fl_tx *tx, int64_t id, int64_t me, fl_arena *a, struct fl_idea *out);
/* The ideas q asks for, and how many there are in all (*total). */
int fl_store_idea_list(fl_tx *tx, const struct fl_idea_query *q, fl_arena *a, struct fl_idea **out,
		       size_t *n, int64_t *total);
/* Writes a new idea (title, details, status, public, locale, author_id,
 * submitted_by, created_at, updated_at), setting i->id. */
int fl_store_idea_insert(fl_tx *tx, struct fl_idea *i);
/* Writes i's title, details, status, public, answer, answered_by,
 * answered_at and updated_at over idea i->id. */
int fl_store_idea_update(fl_tx *tx, const struct fl_idea *i);

/* Records user_id's vote for idea_id and counts the idea's votes again;
 * FL_ECONFLICT when the user has voted for it already. */
int fl_store_idea_vote(fl_tx *tx, int64_t idea_id, int64_t user_id, int64_t now);
/* Removes it and counts again; FL_ENOTFOUND when there was none. */
int fl_store_idea_unvote(fl_tx *tx, int64_t idea_id, int64_t user_id, int64_t now);
/* The people to tell about a change to idea_id: its voters and its author,
 * after user id after, in order of id, at most max. */
int fl_store_idea_audience(fl_tx *tx, int64_t idea_id, int64_t after, size_t max, fl_arena *a,
			   int64_t **out, size_t *n);

/* Comments, oldest first, after comment id after, skipping offset of
 * them, at most max. */
int fl_store_idea_comment_list(fl_tx *tx, int64_t idea_id, int64_t after, int64_t offset,
			       size_t max, fl_arena *a, struct fl_idea_comment **out, size_t *n);
/* Writes c (idea_id, author_id, body, created_at), sets c->id and counts
 * the idea's comments again. */
int fl_store_idea_comment_insert(fl_tx *tx, struct fl_idea_comment *c);
/* Removes comment id of idea_id and counts the idea's comments again;
 * FL_ENOTFOUND when idea_id has no such comment. */
int fl_store_idea_comment_delete(fl_tx *tx, int64_t idea_id, int64_t id);

/* The status whose news was last sent about idea id ("" when none yet),
 * and recording it. Kept in the settings ("ideas.announced:ID"), not in a
 * column: no migration for one word an idea. */
int fl_store_idea_announced(fl_tx *tx, int64_t id, fl_arena *a, char **status);
int fl_store_idea_announce(fl_tx *tx, int64_t id, const char *status);

/* Links ticket_id to idea_id (*added: whether it was not linked yet). */
int fl_store_idea_ticket_put(fl_tx *tx, int64_t idea_id, int64_t ticket_id, int64_t user_id,
			     int64_t now, int *added);
int fl_store_idea_ticket_delete(fl_tx *tx, int64_t idea_id, int64_t ticket_id);
/* The tickets idea_id links, newest link first, skipping offset, at most
 * max; *total: how many it links in all. */
int fl_store_idea_tickets(fl_tx *tx, int64_t idea_id, int64_t offset, size_t max, fl_arena *a,
			  struct fl_idea_ticket **out, size_t *n, int64_t *total);
/* The ideas ticket_id links, the same way. */
int fl_store_ticket_ideas(fl_tx *tx, int64_t ticket_id, int64_t offset, size_t max, fl_arena *a,
			  struct fl_idea_ticket **out, size_t *n, int64_t *total);

/* The report: how many ideas each status holds and their votes, one row
 * a status that holds any, of the ideas q->mine_or_public and q->me let
 * the reader see (the rest of q is not used). */
struct fl_idea_status_count {
	char *status;
	int64_t ideas, votes;
};
int fl_store_idea_status_counts(fl_tx *tx, const struct fl_idea_query *q, fl_arena *a,
				struct fl_idea_status_count **out, size_t *n);

#endif
