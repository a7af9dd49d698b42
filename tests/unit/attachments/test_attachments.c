/* Attachment rules and the event hub (plain C), and the purge of unclaimed
 * uploads on a real store, with its bytes in the database and in a folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "attachments/attachment.h"
#include "core/time.h"
#include "events/hub.h"
#include "store/attachments.h"
#include "store/store.h"
#include "store/users.h"

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

/* What a stranger may not send: programs and scripts, by their first
 * bytes or their name, whatever the other says. */
static void test_executable(void **state)
{
	static const unsigned char elf[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
	static const unsigned char macho64[] = {0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1};
	static const unsigned char fat[] = {0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2};
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

	(void)state;
	/* by the bytes, under an innocent name */
	assert_true(fl_attachment_executable("photo.jpg", "MZ\x90\x00", 4));
	assert_true(fl_attachment_executable("notes.txt", elf, sizeof elf));
	assert_true(fl_attachment_executable("a.pdf", macho64, sizeof macho64));
	assert_true(fl_attachment_executable(NULL, fat, sizeof fat));
	assert_true(fl_attachment_executable("readme", "#!/bin/sh\nrm -rf ~", 19));
	/* by the name, whatever the bytes */
	const char *const bad[] = {"setup.exe",       "RUN.BAT",    "x.cmd",   "a.com",
				   "s.scr",           "i.msi",      "p.ps1",   "v.vbs",
				   "app.js",          "lib.jar",    "g.apk",   "Tool.app",
				   "d.dmg",           "install.sh", "p.deb",   "p.rpm",
				   "invoice.pdf.exe", "x.exe.",     "x.Exe . "};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_true(fl_attachment_executable(bad[i], "hello", 5));
	/* what is not */
	assert_false(fl_attachment_executable("photo.png", png, sizeof png));
	assert_false(fl_attachment_executable("notes.txt", "hello", 5));
	assert_false(fl_attachment_executable("report.json", "{}", 2));
	assert_false(fl_attachment_executable("exe", "hello", 5));
	assert_false(fl_attachment_executable("archive.sha", "hello", 5));
	assert_false(fl_attachment_executable("M", "M", 1));
	assert_false(fl_attachment_executable(NULL, NULL, 0));
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
	fl_hub_publish(h, "no-json-here");            /* no space: dropped */
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

/* A visitor's stream keeps its own chat's events, and is woken for them
 * only; an agent's (no filter) hears everything. */
static void test_hub_chat(void **state)
{
	struct fl_hub *h = fl_hub_new();
	struct fl_hub_listener agent = {.wake = wake}, visitor = {.wake = wake, .chat_id = 7};
	char buf[4096];
	long n;
	(void)state;

	assert_int_equal(fl_hub_event_chat("chat.message {\"chat_id\":7,\"seq\":2}"), 7);
	assert_int_equal(fl_hub_event_chat("chat.message {\"chat_id\":70}"), 70);
	assert_int_equal(fl_hub_event_chat("ticket.updated {\"ticket_id\":7}"), 0);
	assert_int_equal(fl_hub_event_chat("chat.x {\"seq\":1,\"chat_id\":7}"), 0);
	assert_int_equal(fl_hub_event_chat("chat.x {\"chat_id\":99999999999999999999}"), 0);
	assert_int_equal(fl_hub_event_chat("nospace"), 0);

	fl_hub_join(h, &agent, 0);
	fl_hub_join(h, &visitor, 0);
	woken = 0;
	fl_hub_publish(h, "ticket.updated {\"ticket_id\":7}");
	fl_hub_publish(h, "chat.message {\"chat_id\":70,\"seq\":1,\"author\":\"visitor\"}");
	assert_int_equal(woken, 2); /* the agent, twice */
	assert_int_equal(fl_hub_read(h, &visitor, buf, sizeof buf), 0);
	fl_hub_publish(h, "chat.typing {\"chat_id\":7,\"author\":\"agent\",\"typing\":true}");
	assert_int_equal(woken, 4);
	n = fl_hub_read(h, &visitor, buf, sizeof buf);
	assert_true(n > 0);
	buf[n] = 0;
	assert_string_equal(buf,
			    "id: 3\nevent: chat.typing\ndata: "
			    "{\"chat_id\":7,\"author\":\"agent\",\"typing\":true}\n\n");
	n = fl_hub_read(h, &agent, buf, sizeof buf);
	buf[n] = 0;
	assert_non_null(strstr(buf, "id: 1\n"));
	assert_non_null(strstr(buf, "id: 2\n"));
	assert_non_null(strstr(buf, "id: 3\n"));
	/* resuming after event 1 skips the other chat's event 2 */
	fl_hub_leave(h, &visitor);
	fl_hub_join(h, &visitor, 1);
	n = fl_hub_read(h, &visitor, buf, sizeof buf);
	buf[n] = 0;
	assert_null(strstr(buf, "id: 2\n"));
	assert_non_null(strstr(buf, "id: 3\n"));
	fl_hub_leave(h, &agent);
	fl_hub_leave(h, &visitor);
	fl_hub_free(h);
}

struct upload {
	struct fl_attachment a;
	const char *bytes;
	int64_t uploader;
};

static int tx_user(fl_tx *tx, void *arg)
{
	struct fl_user *u = arg;
	return fl_store_user_insert(tx, u);
}

static int tx_upload(fl_tx *tx, void *arg)
{
	struct upload *u = arg;
	return fl_store_attachment_insert(tx, &u->a, u->bytes, strlen(u->bytes));
}

static fl_arena g_arena;

static int tx_exists(fl_tx *tx, void *arg)
{
	struct upload *u = arg;
	struct fl_attachment got;
	void *p;
	size_t n;
	int rc = fl_store_attachment_get(tx, u->a.id, &g_arena, &got);
	if (!rc && u->a.in_db)
		rc = fl_store_attachment_data(tx, u->a.id, &g_arena, &p, &n);
	return rc;
}

/* Opens a store in a new folder (files: an attachments folder in it). */
static fl_store *open_store(char *dir, int files, char *folder)
{
	struct fl_store_opts o = {0};
	char db[300];
	fl_store *s;
	struct fl_user u = {.role = FL_ROLE_END_USER,
			    .name = "Uploader",
			    .email = "up@example.test",
			    .locale = "en",
			    .notes = "",
			    .details = "",
			    .tags = "[]",
			    .active = 1};

	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/frontline.db", dir);
	snprintf(folder, 300, "%s/files", dir);
	o.target = db;
	o.files = files ? folder : NULL;
	assert_int_equal(fl_store_open(&s, &o, NULL), 0);
	u.created_at = u.updated_at = fl_now();
	assert_int_equal(fl_store_write(s, tx_user, &u), 0);
	return s;
}

static struct upload upload(fl_store *s, const char *token, const char *bytes, const char *digest,
			    int64_t at)
{
	struct upload u = {{.token = (char *)token,
			    .uploader_id = 1,
			    .file_name = "f.txt",
			    .content_type = "text/plain",
			    .size = (int64_t)strlen(bytes),
			    .digest = (char *)digest,
			    .in_db = fl_store_files_in_db(s),
			    .created_at = at},
			   bytes,
			   1};
	if (!u.a.in_db)
		assert_int_equal(fl_store_file_put(s, digest, bytes, strlen(bytes), NULL), 0);
	assert_int_equal(fl_store_write(s, tx_upload, &u), 0);
	return u;
}

static void test_purge(void **state)
{
	static const char d1[] = "aa11111111111111111111111111111111111111111111111111111111111111";
	static const char d2[] = "bb22222222222222222222222222222222222222222222222222222222222222";
	char dir[64], folder[300], path[400];
	int64_t n = -1;
	(void)state;

	for (int files = 0; files <= 1; files++) {
		fl_store *s;
		struct upload old, recent, shared;
		snprintf(dir, sizeof dir, "/tmp/fl-purge-XXXXXX");
		s = open_store(dir, files, folder);
		fl_arena_init(&g_arena, 0);
		old = upload(s, "t-old", "old bytes", d1, 1000);
		shared = upload(s, "t-shared", "old bytes", d1, 5000); /* the same file, later */
		recent = upload(s, "t-recent", "new bytes", d2, 9000);
		/* uploads before 2000: only the oldest */
		assert_int_equal(fl_store_upload_purge(s, 2000, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(fl_store_read(s, tx_exists, &old), FL_ENOTFOUND);
		assert_int_equal(fl_store_read(s, tx_exists, &shared), 0);
		assert_int_equal(fl_store_read(s, tx_exists, &recent), 0);
		snprintf(path, sizeof path, "%s/aa/%s", folder, d1);
		/* a file another upload still names stays */
		assert_int_equal(access(path, F_OK) == 0, files);
		assert_int_equal(fl_store_upload_purge(s, 6000, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(access(path, F_OK), -1);
		assert_int_equal(fl_store_read(s, tx_exists, &recent), 0);
		fl_store_free(s);
		fl_arena_free(&g_arena);
		snprintf(path, sizeof path, "rm -rf '%s'", dir);
		assert_int_equal(system(path), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),  cmocka_unit_test(test_types),
		cmocka_unit_test(test_inline), cmocka_unit_test(test_visible),
		cmocka_unit_test(test_hub),    cmocka_unit_test(test_hub_chat),
		cmocka_unit_test(test_purge),  cmocka_unit_test(test_executable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
