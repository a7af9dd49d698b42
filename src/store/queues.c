/* Queries about queues: the built-in queues' counts, the tickets' write
 * generation and the counts kept while it stays (src/store/queues.h). */
#include <pthread.h>
#include <string.h>

#include "store/queues.h"
#include "store/store_int.h"
#include "store/tickets.h"
#include "tickets/ticket.h"

/* The counts themselves, in this transaction's snapshot. */
static int count_queues(fl_tx *tx, int64_t me, int64_t solved_since, int64_t counts[FL_QUEUE__MAX])
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

int fl_store_queue_counts(fl_tx *tx, int64_t me, int64_t solved_since,
			  int64_t counts[FL_QUEUE__MAX])
{
	struct fl_count_cache *c = fl_store_count_cache(tx->store);
	struct fl_queue_entry *e = &c->q[(uint64_t)me % FL_QUEUE_CACHE];
	int64_t gen;
	int hit, rc;

	/* a write's own generation may be rolled back, and another's commit
	 * reach the same number: only committed snapshots are kept */
	if (tx->write)
		return count_queues(tx, me, solved_since, counts);
	if ((rc = fl_store_ticket_generation(tx, &gen)))
		return rc;
	pthread_mutex_lock(&c->lock);
	hit = e->used && e->me == me && e->since == solved_since && e->gen == gen;
	if (hit)
		memcpy(counts, e->counts, sizeof e->counts);
	pthread_mutex_unlock(&c->lock);
	if (hit)
		return 0;
	/* counted in the snapshot the generation was read in */
	if ((rc = count_queues(tx, me, solved_since, counts)))
		return rc;
	pthread_mutex_lock(&c->lock);
	*e = (struct fl_queue_entry){me, solved_since, gen, {0}, 1};
	memcpy(e->counts, counts, sizeof e->counts);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int fl_store_ticket_generation(fl_tx *tx, int64_t *gen)
{
	static const char sql[] =
		"SELECT COALESCE(SUM(n), 0)"
		" FROM ticket_writes";
	return fl_q_int(tx, sql, gen, "");
}

int fl_store_ticket_counts_compact(fl_tx *tx)
{
	static const char fold[] =
		"INSERT INTO ticket_counts (status, assignee_id, group_id, shard, n)"
		" SELECT status, assignee_id, group_id, 0, SUM(n)"
		"   FROM ticket_counts"
		"  WHERE shard <> 0"
		"  GROUP BY status, assignee_id, group_id"
		" ON CONFLICT (status, assignee_id, group_id, shard)"
		" DO UPDATE SET n = ticket_counts.n + excluded.n";
	static const char drop[] = "DELETE FROM ticket_counts WHERE shard <> 0 OR n = 0";
	/* the generation is the sum: shard 0 takes all of it */
	static const char gen[] =
		"INSERT INTO ticket_writes (shard, n)"
		" SELECT 0, COALESCE(SUM(n), 0) FROM ticket_writes WHERE 1 = 1"
		" ON CONFLICT (shard) DO UPDATE SET n = excluded.n";
	static const char gen_drop[] = "DELETE FROM ticket_writes WHERE shard <> 0";
	int rc = fl_q_exec(tx, fold, "");

	if (!rc)
		rc = fl_q_exec(tx, drop, "");
	if (!rc)
		rc = fl_q_exec(tx, gen, "");
	return rc ? rc : fl_q_exec(tx, gen_drop, "");
}

static size_t slot_of(const struct fl_count_key *k)
{
	uint64_t h = (uint64_t)k->view_id * 0x9e3779b97f4a7c15u ^
		     (uint64_t)k->actor_id * 0xc2b2ae3d27d4eb4fu;
	return (size_t)(h >> 56) % FL_COUNT_CACHE;
}

/* FNV-1a over n bytes at p, continuing from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3u;
	return h;
}

static uint64_t fnv_text(uint64_t h, const char *z)
{
	return z ? fnv(h, z, strlen(z) + 1) : fnv(h, "", 1) * 31;
}

/* A fingerprint of everything f selects by: two filters with the same one
 * select the same tickets (but for a 64-bit collision). */
static uint64_t fingerprint(const struct fl_filter *f)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < f->n; i++) {
		const struct fl_pred *p = &f->p[i];
		int64_t v[5] = {p->field, p->op, p->ival, p->ival2, p->group};
		h = fnv_text(fnv(h, v, sizeof v), p->sval);
	}
	for (size_t i = 0; i < f->ntext; i++)
		h = fnv_text(fnv(h, &f->text_prefix[i], sizeof f->text_prefix[i]), f->text[i]);
	for (size_t i = 0; i < f->nnot_text; i++)
		h = fnv_text(fnv(h, &f->not_text_prefix[i], sizeof f->not_text_prefix[i]),
			     f->not_text[i]);
	return fnv(h, &f->public_only, sizeof f->public_only);
}

int fl_store_ticket_count_kept(fl_tx *tx, const struct fl_count_key *key, const struct fl_filter *f,
			       int64_t *n)
{
	struct fl_count_cache *c = fl_store_count_cache(tx->store);
	struct fl_count_entry *e = &c->e[slot_of(key)];
	uint64_t filter = fingerprint(f);
	int64_t gen, count;
	int hit, rc;

	if (tx->write) /* as fl_store_queue_counts: committed snapshots only */
		return fl_store_ticket_count(tx, f, n);
	if ((rc = fl_store_ticket_generation(tx, &gen)))
		return rc;
	pthread_mutex_lock(&c->lock);
	hit = e->used && e->gen == gen && e->filter == filter && e->key.view_id == key->view_id &&
	      e->key.actor_id == key->actor_id;
	count = e->n;
	pthread_mutex_unlock(&c->lock);
	if (!hit) {
		/* counted in the snapshot the generation was read in */
		if ((rc = fl_store_ticket_count(tx, f, &count)))
			return rc;
		pthread_mutex_lock(&c->lock);
		*e = (struct fl_count_entry){*key, filter, gen, count, 1};
		pthread_mutex_unlock(&c->lock);
	}
	*n = count;
	return 0;
}
