/* Attachment rules and the event hub: plain C, no store, no server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "attachments/attachment.h"
#include "events/hub.h"

static void name_is(const char *in, const char *want)
{
	char out[FL_ATTACHMENT_NAME_MAX + 1];
	struct fl_err e = {0};
	assert_int_equal(fl_attachment_name(in, out, sizeof out, &e), 0);
	assert_string_equal(out, want);
}

static void test_names(void **state)
{
	char out[FL_ATTACHMENT_NAME_MAX + 1], longer[601];
	struct fl_err e = {0};
	(void)state;

	name_is("рахунок.pdf", "рахунок.pdf");
	name_is("C:\\Users\\x\\sąskaita.pdf", "sąskaita.pdf");
	name_is("../../etc/passwd", "passwd");
	name_is("a\"b;c<d>e\r\nf.txt", "a_b_c_d_e__f.txt");
	name_is("dir/", "attachment");
	name_is("..", "attachment");
	name_is(" ", "attachment");
	/* cut at 255 bytes, never inside a character */
	memset(longer, 0, sizeof longer);
	for (size_t i = 0; i < 300; i++)
		memcpy(longer + 2 * i, "ж", 2);
	assert_int_equal(fl_attachment_name(longer, out, sizeof out, &e), 0);
	assert_int_equal(strlen(out), 254);
	assert_int_equal(fl_attachment_name("bad\xff.txt", out, sizeof out, &e), FL_EINVAL);
	assert_string_equal(e.field, "filename");
}

static void type_is(const char *in, const char *want)
{
	char out[128];
	fl_attachment_type(in, out, sizeof out);
	assert_string_equal(out, want);
}

static void test_types(void **state)
{
	(void)state;
	type_is("text/plain; charset=utf-8", "text/plain");
	type_is("Image/PNG", "image/png");
	type_is("application/vnd.ms-excel", "application/vnd.ms-excel");
	type_is(NULL, "application/octet-stream");
	type_is("", "application/octet-stream");
	type_is("text", "application/octet-stream");
	type_is("a/b/c", "application/octet-stream");
	type_is("text/html\r\nX-Evil: 1", "application/octet-stream");
	type_is("/png", "application/octet-stream");
	type_is("image/", "application/octet-stream");
}

static void test_inline(void **state)
{
	(void)state;
	assert_string_equal(fl_attachment_inline_type("\x89PNG\r\n\x1a\n....", 12), "image/png");
	assert_string_equal(fl_attachment_inline_type("\xff\xd8\xff\xe0", 4), "image/jpeg");
	assert_string_equal(fl_attachment_inline_type("GIF89a..", 8), "image/gif");
	assert_string_equal(fl_attachment_inline_type("RIFF\0\0\0\0WEBPVP8 ", 16), "image/webp");
	assert_null(fl_attachment_inline_type("<svg onload=x>", 14));
	assert_null(fl_attachment_inline_type("<html>", 6));
	assert_null(fl_attachment_inline_type("\x89PN", 3));
}

static void test_visible(void **state)
{
	struct fl_attachment a = {.uploader_id = 7};
	struct fl_actor owner = {7, FL_ROLE_END_USER}, other = {8, FL_ROLE_END_USER},
			agent = {9, FL_ROLE_AGENT};
	(void)state;

	assert_true(fl_attachment_visible(&a, &owner, 0));
	assert_false(fl_attachment_visible(&a, &agent, 1)); /* unclaimed */
	a.comment_id = 3;
	a.comment_public = 1;
	assert_true(fl_attachment_visible(&a, &other, 1));
	assert_false(fl_attachment_visible(&a, &other, 0));
	a.comment_public = 0;
	assert_false(fl_attachment_visible(&a, &other, 1));
	assert_true(fl_attachment_visible(&a, &agent, 1));
}

static int woken;
static void wake(void *arg)
{
	(void)arg;
	woken++;
}

static void test_hub(void **state)
{
	struct fl_hub *h = fl_hub_new();
	struct fl_hub_listener l = {.wake = wake}, late = {.wake = wake};
	char buf[4096];
	long n;
	(void)state;

	fl_hub_join(h, &l, 0);
	woken = 0;
	fl_hub_publish(h, "ticket.created {\"ticket_id\":1}");
	fl_hub_publish(h, "no-json-here");           /* no space: dropped */
	fl_hub_publish(h, "bad {\"a\":1}\ninjected"); /* a new line: dropped */
	assert_int_equal(woken, 1);
	n = fl_hub_read(h, &l, buf, sizeof buf);
	assert_true(n > 0);
	buf[n] = 0;
	assert_string_equal(buf, "id: 1\nevent: ticket.created\ndata: {\"ticket_id\":1}\n\n");
	assert_int_equal(fl_hub_read(h, &l, buf, sizeof buf), 0);
	/* a listener that falls more than FL_HUB_KEEP behind is told to reload */
	for (int i = 0; i < FL_HUB_KEEP + 5; i++)
		fl_hub_publish(h, "ticket.updated {}");
	n = fl_hub_read(h, &l, buf, sizeof buf);
	buf[n] = 0;
	assert_non_null(strstr(buf, "event: reset"));
	while (fl_hub_read(h, &l, buf, sizeof buf) > 0)
		;
	/* resuming after an event still held */
	fl_hub_join(h, &late, FL_HUB_KEEP);
	n = fl_hub_read(h, &late, buf, 64);
	buf[n] = 0;
	assert_non_null(strstr(buf, "id: 1025\n"));
	fl_hub_heartbeat(h);
	while (fl_hub_read(h, &late, buf, sizeof buf) > 0 && !strstr(buf, ": ping"))
		;
	fl_hub_close(h);
	assert_int_equal(fl_hub_read(h, &l, buf, sizeof buf), -1);
	assert_int_equal(fl_hub_listeners(h), 2);
	fl_hub_leave(h, &l);
	fl_hub_leave(h, &late);
	assert_int_equal(fl_hub_listeners(h), 0);
	fl_hub_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_visible),
		cmocka_unit_test(test_hub),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
