/* The store's webhooks and their delivery log (src/store/webhooks.c). */
#ifndef FL_STORE_WEBHOOKS_H
#define FL_STORE_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "webhooks/webhook.h"

/* One call of a webhook and its state: "queued", "retrying", "delivered"
 * or "failed". */
struct fl_webhook_invocation {
	int64_t id, webhook_id;
	char *event;
	int64_t ticket_id;
	char *body, *status;
	int attempts;
	int64_t created_at, updated_at;
	int last_status_code; /* the latest attempt's, in lists; 0 for none */
};
struct fl_webhook_attempt {
	int64_t id, invocation_id;
	int attempt, status_code;
	char *error;
	int64_t duration_ms, at;
};

int fl_store_webhook_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_webhook *out);
/* By id, at most FL_WEBHOOKS_MAX. */
int fl_store_webhook_list(fl_tx *tx, fl_arena *a, struct fl_webhook **out, size_t *n);
/* The active webhooks that subscribe to some event, by id. */
int fl_store_webhook_subscribed(fl_tx *tx, fl_arena *a, struct fl_webhook **out, size_t *n);
int fl_store_webhook_count(fl_tx *tx, int64_t *n);
int fl_store_webhook_insert(fl_tx *tx, struct fl_webhook *w);
int fl_store_webhook_update(fl_tx *tx, const struct fl_webhook *w);
/* Deletes the webhook with its log. */
int fl_store_webhook_delete(fl_tx *tx, int64_t id);

/* Adds an invocation (queued, no attempts) and forgets the webhook's
 * invocations beyond the newest FL_WEBHOOK_LOG_KEEP. */
int fl_store_webhook_invocation_add(fl_tx *tx, struct fl_webhook_invocation *inv);
int fl_store_webhook_invocation_get(fl_tx *tx, int64_t id, fl_arena *a,
				    struct fl_webhook_invocation *out);
/* Replaces invocation id's body (the log's copy, cut once it is final). */
int fl_store_webhook_invocation_set_body(fl_tx *tx, int64_t id, const char *body);
/* A webhook's invocations, newest first, with ids below before (0: from
 * the newest), at most limit. */
int fl_store_webhook_invocation_list(fl_tx *tx, int64_t webhook_id, int64_t before, size_t limit,
				     fl_arena *a, struct fl_webhook_invocation **out, size_t *n);
/* Records attempt a of its invocation and sets the invocation's state. */
int fl_store_webhook_attempt_add(fl_tx *tx, const struct fl_webhook_attempt *a, const char *status,
				 int64_t now);
/* An invocation's attempts, in order. */
int fl_store_webhook_attempt_list(fl_tx *tx, int64_t invocation_id, fl_arena *a,
				  struct fl_webhook_attempt **out, size_t *n);

#endif
