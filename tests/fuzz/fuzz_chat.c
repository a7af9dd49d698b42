/* libFuzzer target: what the live chat reads from strangers.
 *
 * The input is a request body as a chat widget (or anyone) may send it. It
 * goes through what the visitor's handlers do with it — fl_input_parse,
 * then fl_chat_start_decode (a start: the pre-chat form and the first
 * message) and fl_chat_message_decode (a message alone) — and through the
 * settings' parser (an admin's PUT, or what is stored), and its text as an
 * event through the hub's chat filter (fl_hub_event_chat) and a visitor's
 * read of it, staff ids hidden (fl_hub_read). Nothing may crash, leak or
 * read out of bounds, whatever the bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chat/chat.h"
#include "chat/chat_api.h"
#include "core/input.h"
#include "events/hub.h"

static void wake(void *arg)
{
	(void)arg;
}

/* text published and read by a visitor of its chat (or of chat 1) */
static void through_hub(const char *text)
{
	static struct fl_hub *hub;
	struct fl_hub_listener l = {.wake = wake};
	char buf[4 * FL_HUB_EVENT_MAX];

	if (!hub && !(hub = fl_hub_new()))
		return;
	l.chat_id = fl_hub_event_chat(text);
	if (!l.chat_id)
		l.chat_id = 1;
	fl_hub_join(hub, &l, 0);
	fl_hub_publish(hub, text);
	fl_hub_read(hub, &l, buf, sizeof buf);
	fl_hub_leave(hub, &l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fl_err e = {0};
	struct fl_chat_start_in start;
	struct fl_chat_post_in post;
	struct fl_chat_settings settings;
	json_t *body = NULL;
	char *text;
	fl_arena a;

	fl_arena_init(&a, 1u << 24);
	if (fl_input_parse((const char *)data, size, &body, &e) == 0) {
		fl_chat_start_decode(body, &a, &start, &e);
		fl_chat_message_decode(body, "", &a, &post, &e);
		json_decref(body);
	}
	fl_chat_settings_parse((const char *)data, size, &a, &settings, &e);
	text = malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = 0;
		through_hub(text);
		free(text);
	}
	fl_arena_free(&a);
	return 0;
}
