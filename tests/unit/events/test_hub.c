/* Unit tests for src/events/hub.c: a visitor's stream filtered on its chat
 * keeps up with its own events however much other chats say and reads no
 * staff ids, and a Last-Event-ID the hub cannot resume from is told to
 * reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "events/hub.h"

static int g_wakes;
static void wake(void *arg)
{
	(void)arg;
	g_wakes++;
}

static void publish_chat(struct fl_hub *h, const char *type, int64_t chat)
{
	char ev[128];
	snprintf(ev, sizeof ev, "%s {\"chat_id\":%lld,\"seq\":1}", type, (long long)chat);
	fl_hub_publish(h, ev);
}

/* A quiet visitor of chat 7 while chat 9 says more than the hub keeps:
 * no reset, and chat 7's next event arrives. */
static void test_quiet_listener_keeps_up(void **state)
{
	struct fl_hub *h = fl_hub_new();
	struct fl_hub_listener l = {.chat_id = 7, .wake = wake};
	char buf[4096];
	long n;

	(void)state;
	assert_non_null(h);
	fl_hub_join(h, &l, 0);
	publish_chat(h, "chat.message", 7);
	n = fl_hub_read(h, &l, buf, sizeof buf);
	assert_true(n > 0);
	buf[n] = 0;
	assert_non_null(strstr(buf, "event: chat.message"));
	g_wakes = 0;
	for (int i = 0; i < FL_HUB_KEEP + 100; i++)
		publish_chat(h, "chat.message", 9);
	assert_int_equal(g_wakes, 0);
	publish_chat(h, "chat.typing", 7);
	assert_int_equal(g_wakes, 1);
	n = fl_hub_read(h, &l, buf, sizeof buf);
	assert_true(n > 0);
	buf[n] = 0;
	assert_null(strstr(buf, "event: reset"));
	assert_non_null(strstr(buf, "event: chat.typing"));
	assert_null(strstr(buf, "\"chat_id\":9"));
	fl_hub_leave(h, &l);
	fl_hub_free(h);
}

/* The same chat.offered and chat.updated read by an agent's stream with
 * the agent's id, by the chat's visitor with 0 in its place. */
static void test_visitor_reads_no_staff_ids(void **state)
{
	struct fl_hub *h = fl_hub_new();
	struct fl_hub_listener agent = {.wake = wake}, visitor = {.chat_id = 7, .wake = wake};
	char buf[4096];
	long n;

	(void)state;
	assert_non_null(h);
	fl_hub_join(h, &agent, 0);
	fl_hub_join(h, &visitor, 0);
	fl_hub_publish(h, "chat.offered {\"chat_id\":7,\"agent_id\":1234}");
	fl_hub_publish(h, "chat.updated {\"chat_id\":7,\"state\":\"active\",\"agent_id\":56}");
	fl_hub_publish(h, "chat.offered {\"chat_id\":7,\"agent_id\":0}");
	n = fl_hub_read(h, &agent, buf, sizeof buf);
	assert_true(n > 0);
	buf[n] = 0;
	assert_non_null(strstr(buf, "data: {\"chat_id\":7,\"agent_id\":1234}\n"));
	assert_non_null(strstr(buf, "\"state\":\"active\",\"agent_id\":56}\n"));
	n = fl_hub_read(h, &visitor, buf, sizeof buf);
	assert_true(n > 0);
	buf[n] = 0;
	assert_string_equal(buf,
			    "id: 1\nevent: chat.offered\n"
			    "data: {\"chat_id\":7,\"agent_id\":0}\n\n"
			    "id: 2\nevent: chat.updated\n"
			    "data: {\"chat_id\":7,\"state\":\"active\",\"agent_id\":0}\n\n"
			    "id: 3\nevent: chat.offered\n"
			    "data: {\"chat_id\":7,\"agent_id\":0}\n\n");
	fl_hub_leave(h, &agent);
	fl_hub_leave(h, &visitor);
	fl_hub_free(h);
}

/* Last-Event-ID: resumed when held; a number the hub never had (another
 * node's) or one fallen out of the ring reads "reset" first, then what
 * comes. */
static void test_resume_or_reset(void **state)
{
	struct fl_hub *h = fl_hub_new();
	struct fl_hub_listener held = {.wake = wake}, foreign = {.wake = wake},
			       old = {.wake = wake};
	char buf[1 << 16];
	long n;

	(void)state;
	for (int i = 0; i < 3; i++)
		publish_chat(h, "chat.message", 1);
	fl_hub_join(h, &held, 2);
	n = fl_hub_read(h, &held, buf, sizeof buf);
	buf[n] = 0;
	assert_null(strstr(buf, "event: reset"));
	assert_non_null(strstr(buf, "id: 3\n"));
	assert_null(strstr(buf, "id: 2\n"));

	fl_hub_join(h, &foreign, 5000);
	publish_chat(h, "chat.read", 1);
	n = fl_hub_read(h, &foreign, buf, sizeof buf);
	buf[n] = 0;
	assert_true(!strncmp(buf, "event: reset\n", 13));
	assert_non_null(strstr(buf, "id: 4\nevent: chat.read"));
	n = fl_hub_read(h, &foreign, buf, sizeof buf);
	assert_int_equal(n, 0);

	for (int i = 0; i < FL_HUB_KEEP + 10; i++)
		publish_chat(h, "chat.message", 2);
	fl_hub_join(h, &old, 3);
	n = fl_hub_read(h, &old, buf, sizeof buf);
	buf[n] = 0;
	assert_true(!strncmp(buf, "event: reset\n", 13));
	fl_hub_leave(h, &held);
	fl_hub_leave(h, &foreign);
	fl_hub_leave(h, &old);
	fl_hub_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet_listener_keeps_up),
		cmocka_unit_test(test_resume_or_reset),
		cmocka_unit_test(test_visitor_reads_no_staff_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
