/* Queries about queues: the built-in queues' counts, the tickets' write
 * generation and the counts kept while it stays (src/store/queues.h). */
#include <pthread.h>

#include "store/queues.h"
#include "store/store_int.h"
#include "store/tickets.h"
#include "tickets/ticket.h"

int fl_store_queue_counts(fl_tx *tx, int64_t me, int64_t solved_since,
			  int64_t counts[FL_QUEUE__MAX])
{
	/* ticket_counts has a row a (status, assignee, group, writer shard)
	 * that ever held a ticket; the solved count is a range of the
	 * tickets_solved index (status, solved_at, id) */
	static const char sql[] =
		"SELECT COALESCE(SUM(CASE WHEN status < ? AND assignee_id = ? THEN n END), 0),"
		"       COALESCE(SUM(CASE WHEN status < ? AND assignee_id = 0 THEN n END), 0),"
		"       COALESCE(SUM(CASE WHEN status < ? THEN n END), 0),"
		"       COALESCE(SUM(CASE WHEN status = ? THEN n END), 0),"
		"       (SELECT COUNT(*)"
		"          FROM tickets"
		"         WHERE status = ?"
		"           AND solved_at >= ?"
		"           AND deleted_at IS NULL),"
		"       COALESCE(SUM(n), 0)"
		" FROM ticket_counts";
	int64_t solved = FL_STATUS_SOLVED;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iiiiiii", solved, me, solved, solved,
		      (int64_t)FL_STATUS_PENDING, solved, solved_since);

	if (rc)
		return rc;
	rc = fl_q_step(tx, st);
	if (rc == 1) {
		for (int q = 0; q < FL_QUEUE__MAX; q++)
			counts[q] = fl_col_int(tx, st, q);
		rc = 0;
	} else if (rc == 0) {
		rc = FL_EINTERNAL;
	}
	fl_q_done(tx, st);
	return rc;
}

int fl_store_ticket_generation(fl_tx *tx, int64_t *gen)
{
	static const char sql[] =
		"SELECT COALESCE(SUM(n), 0)"
		" FROM ticket_writes";
	return fl_q_int(tx, sql, gen, "");
}

static size_t slot_of(const struct fl_count_key *k)
{
	uint64_t h = (uint64_t)k->view_id * 0x9e3779b97f4a7c15u ^
		     (uint64_t)k->actor_id * 0xc2b2ae3d27d4eb4fu;
	return (size_t)(h >> 56) % FL_COUNT_CACHE;
}

static int same_key(const struct fl_count_key *a, const struct fl_count_key *b)
{
	return a->view_id == b->view_id && a->view_version == b->view_version &&
	       a->actor_id == b->actor_id;
}

int fl_store_ticket_count_kept(fl_tx *tx, const struct fl_count_key *key, const struct fl_filter *f,
			       int64_t *n)
{
	struct fl_count_cache *c = fl_store_count_cache(tx->store);
	struct fl_count_entry *e = &c->e[slot_of(key)];
	int64_t gen, count;
	int hit, rc = fl_store_ticket_generation(tx, &gen);

	if (rc)
		return rc;
	pthread_mutex_lock(&c->lock);
	hit = e->used && e->gen == gen && same_key(&e->key, key);
	count = e->n;
	pthread_mutex_unlock(&c->lock);
	if (!hit) {
		/* counted in the snapshot the generation was read in */
		if ((rc = fl_store_ticket_count(tx, f, &count)))
			return rc;
		pthread_mutex_lock(&c->lock);
		*e = (struct fl_count_entry){*key, gen, count, 1};
		pthread_mutex_unlock(&c->lock);
	}
	*n = count;
	return 0;
}
