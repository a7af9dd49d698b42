/* The e-mail parser on the project's fixtures (tests/fixtures/mail, made by
 * tools/mail_fixtures.py): every charset the channel reads, labelled right,
 * wrong and not at all; a multipart reply with quoted history, a file named
 * in RFC 2231 and an inline image; a forward; an auto-reply. Then the rules
 * without a library: quote stripping and the subject token. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"

#include "core/str.h"
#include "core/html.h"
#include "mail/mail.h"

static fl_arena g_a;
static char *g_raw;
static size_t g_n;

static int setup(void **state)
{
	(void)state;
	fl_arena_init(&g_a, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fl_arena_free(&g_a);
	free(g_raw);
	g_raw = NULL;
	return 0;
}

static struct fl_mail parse(const char *name)
{
	struct fl_mail m;
	struct fl_err e = {0};

	free(g_raw);
	g_raw = unit_fixture(name, &g_n);
	assert_non_null(g_raw);
	if (fl_mail_parse(g_raw, g_n, &g_a, &m, &e)) {
		fprintf(stderr, "%s: %s\n", name, e.msg);
		fail();
	}
	return m;
}

static const char UK[] =
	"Доброго дня! Прошу повернути кошти за замовлення номер 4411: "
	"ґудзик відірвався, їжак і єнот у коробці.";
static const char RU[] =
	"Здравствуйте! Посылка пришла разбитой, прошу вернуть деньги за "
	"заказ номер 7302. Съёмка приложена.";
static const char LT[] =
	"Laba diena, sąskaitą gavau, bet ąžuolinė lentyna atvyko sulūžusi. "
	"Prašau grąžinti pinigus už užsakymą Nr. 5520.";

static void text_is(const char *fixture, const char *want, const char *subject)
{
	struct fl_mail m = parse(fixture);
	if (!strstr(m.text, want)) {
		fprintf(stderr, "%s read as: %s\n", fixture, m.text);
		fail();
	}
	if (subject)
		assert_string_equal(m.subject, subject);
	assert_string_equal(m.from.email, "customer@example.test");
	assert_false(m.automatic);
}

static void test_charsets_labelled(void **state)
{
	(void)state;
	text_is("uk-koi8u", UK, "Повернення коштів");
	text_is("uk-utf8", UK, "Повернення коштів");
	text_is("ru-cp1251", RU, "Разбитая посылка");
	text_is("ru-koi8r", RU, "Разбитая посылка");
	text_is("ru-iso88595", RU, "Разбитая посылка");
	text_is("lt-cp1257", LT, "Sąskaita ir grąžinimas");
	text_is("lt-iso885913", LT, "Sąskaita ir grąžinimas");
	text_is("en-latin1",
		"Bonjour, la cafetière est arrivée cassée. Merci de me rembourser, "
		"naïvement vôtre.",
		"Cafetière cassée");
}

static void test_charsets_mislabelled_or_missing(void **state)
{
	(void)state;
	text_is("ru-cp1251-as-latin1", RU, NULL);
	text_is("ru-koi8r-as-cp1251", RU, NULL);
	text_is("uk-cp1251-unlabelled", UK, NULL);
	text_is("lt-cp1257-unlabelled", LT, NULL);
}

static void test_reply_multipart(void **state)
{
	struct fl_mail m = parse("ru-reply-multipart");
	(void)state;

	assert_string_equal(m.from.email, "ivan@example.test");
	assert_string_equal(m.from.name, "Иван Петров");
	assert_string_equal(m.subject, "Re: [#42] Разбитая посылка");
	assert_string_equal(m.message_id, "ru-reply-multipart@example.test");
	assert_string_equal(m.in_reply_to, "frontline-42-1@frontline.test");
	assert_int_equal(m.nrefs, 2);
	assert_string_equal(m.refs[1], "frontline-42-1@frontline.test");
	assert_int_equal(m.ncc, 2);
	assert_string_equal(m.cc[0].email, "olena@example.test");
	assert_string_equal(m.cc[1].email, "boss@example.test");
	assert_non_null(strstr(m.text, "Спасибо, деньги получил."));
	assert_non_null(strstr(m.html, "<b>деньги получил</b>"));
	assert_int_equal(m.nfiles, 2);
	assert_string_equal(m.files[0].file_name, "Чек №4411.pdf");
	assert_string_equal(m.files[0].content_type, "application/pdf");
	assert_int_equal(m.files[0].n, 13);
	assert_memory_equal(m.files[0].data, "%PDF-1.4 fake", 13);
	assert_string_equal(m.files[1].content_id, "logo@x");
	assert_string_equal(m.files[1].content_type, "image/png");
	assert_int_equal(fl_mail_subject_ticket(m.subject), 42);
	assert_string_equal(fl_mail_strip_quotes(m.text, &g_a), "Спасибо, деньги получил.");
}

static void test_forward_and_auto_reply(void **state)
{
	struct fl_mail m = parse("lt-forward");
	(void)state;

	assert_non_null(strstr(m.text, "Persiunčiu laišką."));
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.files[0].file_name, "forwarded.eml");
	assert_non_null(strstr(m.files[0].data, "Order 5520"));
	m = parse("auto-reply");
	assert_true(m.automatic);
}

static void test_not_a_message(void **state)
{
	struct fl_mail m;
	struct fl_err e = {0};
	static const char no_from[] = "Subject: hello\r\n\r\nbody\r\n";
	static const char garbage[] = "\x01\x02\xff\xfe nothing here";
	(void)state;

	assert_int_equal(fl_mail_parse(no_from, sizeof no_from - 1, &g_a, &m, &e), FL_EINVAL);
	assert_string_equal(e.field, "from");
	assert_int_not_equal(fl_mail_parse(garbage, sizeof garbage - 1, &g_a, &m, &e), 0);
}

#define HOSTILE_CAP (1 << 20)

/* Appends to raw (HOSTILE_CAP bytes) at *k. */
static void add(char *raw, size_t *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	*k += (size_t)vsnprintf(raw + *k, HOSTILE_CAP - *k, fmt, ap);
	va_end(ap);
	assert_true(*k < HOSTILE_CAP);
}

/* Parses a message built by the caller. */
static struct fl_mail parse_raw(const char *raw, size_t n, int want_rc)
{
	struct fl_mail m;
	struct fl_err e = {0};
	assert_int_equal(fl_mail_parse(raw, n, &g_a, &m, &e), want_rc);
	return m;
}

static void test_hostile(void **state)
{
	char *raw = malloc(HOSTILE_CAP);
	size_t k = 0;
	struct fl_mail m;
	(void)state;

	assert_non_null(raw);
	/* nesting 100 multiparts deep: read to the limit, flagged */
	k = 0;
	add(raw, &k, "From: deep@example.test\r\nSubject: deep\r\n");
	for (int i = 0; i < 100; i++)
		add(raw, &k, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i,
		    i);
	add(raw, &k, "Content-Type: text/plain\r\n\r\ninnermost\r\n");
	m = parse_raw(raw, k, 0);
	assert_true(m.truncated);
	/* nine hundred parts: fifty files kept, the rest counted */
	k = 0;
	add(raw, &k,
	    "From: many@example.test\r\nSubject: many\r\n"
	    "Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n"
	    "--x\r\nContent-Type: text/plain\r\n\r\nthe text\r\n");
	for (int i = 0; i < 900; i++)
		add(raw, &k,
		    "--x\r\nContent-Type: application/octet-stream\r\n"
		    "Content-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\r\nx\r\n");
	add(raw, &k, "--x--\r\n");
	m = parse_raw(raw, k, 0);
	assert_string_equal(m.text, "the text");
	assert_int_equal(m.nfiles, FL_MAIL_MAX_FILES);
	assert_int_equal(m.files_dropped, 900 - FL_MAIL_MAX_FILES);
	assert_string_equal(m.files[0].file_name, "../../etc/passwd"); /* cleaned when stored */
	/* three thousand parts: refused before GMime reads them (1,000 at most) */
	k -= sizeof "--x--\r\n" - 1;
	for (int i = 900; i < 3000; i++)
		add(raw, &k, "--x\r\n\r\nx\r\n");
	add(raw, &k, "--x--\r\n");
	m = parse_raw(raw, k, FL_EINVAL);
	/* 8-bit garbage in headers: still UTF-8 out */
	k = 0;
	add(raw, &k, "From: \xff\xfe <g@example.test>\r\nSubject: \xc0\xc1\xfe\xff ok\r\n\r\nbody");
	m = parse_raw(raw, k, 0);
	assert_true(fl_utf8_valid(m.subject, strlen(m.subject)));
	assert_non_null(strstr(m.subject, "ok"));
	free(raw);
}

/* The public case: a quoted local part carrying CR LF and an SMTP command
 * must never become an address (it was stored, and the acknowledgement
 * sent "rcpt to:<evil@evil.example>" to the relay). */
static void test_address_injection(void **state)
{
	static const char raw[] =
		"From: Ana <ana@example.lt>\r\n"
		"To: help@desk.test\r\n"
		"Cc: \"x\r\n RCPT TO:<evil@evil.example>\r\n y\"@example.org, ok@example.org,\r\n"
		" \"spaced name\"@example.org, bad\x01ctl@example.org\r\n"
		"Reply-To: \"a\r\nb\"@example.org\r\n"
		"Authentication-Results: mx.desk.test; dmarc=pass header.from=example.lt\r\n"
		"Authentication-Results: other.example; dmarc=fail\r\n"
		"Subject: hi\r\n\r\nbody\r\n";
	static const char bad_from[] =
		"From: \"x\r\n RCPT TO:<e@e.example>\"@example.org\r\n"
		"Subject: hi\r\n\r\nbody\r\n";
	struct fl_err e = {0};
	struct fl_mail m = parse_raw(raw, sizeof raw - 1, 0);
	(void)state;

	assert_string_equal(m.from.email, "ana@example.lt");
	assert_int_equal(m.ncc, 1);
	assert_string_equal(m.cc[0].email, "ok@example.org");
	assert_null(m.reply_to);
	assert_true(m.addrs_refused >= 2); /* the Cc and the Reply-To at least */
	for (size_t i = 0; i < m.ncc; i++)
		assert_null(strpbrk(m.cc[i].email, "\r\n\" "));
	assert_int_equal(m.nauth_results, 2);
	assert_non_null(strstr(m.auth_results[0], "mx.desk.test"));
	assert_non_null(strstr(m.auth_results[1], "other.example"));
	/* a From that is not an address is no message of anyone's */
	assert_int_equal(fl_mail_parse(bad_from, sizeof bad_from - 1, &g_a, &m, &e), FL_EINVAL);
	assert_string_equal(e.field, "from");
}

static void strip_is(const char *in, const char *want)
{
	char *t = fl_arena_strdup(&g_a, in);
	assert_string_equal(fl_mail_strip_quotes(t, &g_a), want);
}

static void test_quotes(void **state)
{
	(void)state;
	strip_is("Thanks!\n\nOn Sun, 22 Nov 2026 at 10:00, Support <s@x> wrote:\n> old", "Thanks!");
	strip_is("Дякую!\n\n22.11.2026 Підтримка написав:\n> старе", "Дякую!");
	strip_is("Ačiū.\n\n2026-11-22, Pagalba rašė:\n> sena", "Ačiū.");
	strip_is("Ок\n\n-----Original Message-----\nFrom: a", "Ок");
	strip_is("Ок\n\n-----Исходное сообщение-----\nОт: a", "Ок");
	strip_is("Fine\n\nFrom: Support <s@x>\nSent: Sunday\nTo: me\n\nold", "Fine");
	strip_is("Fine\n\nFrom: the start of my story, a line\nthat goes on",
		 "Fine\n\nFrom: the start of my story, a line\nthat goes on");
	strip_is("Yes\n> quoted\n> more\n", "Yes");
	/* answers between quotes stay; only the quoted tail goes */
	strip_is("> I said\nand I answer here\n> more", "> I said\nand I answer here");
	strip_is("> only a quote", "> only a quote");
	strip_is("no quote at all", "no quote at all");
}

static void html_is(const char *in, const char *want)
{
	char *out = fl_html_sanitize(in, &g_a);
	assert_non_null(out);
	if (strcmp(out, want)) {
		fprintf(stderr, "sanitized: %s\nwanted:    %s\n", out, want);
		fail();
	}
}

static void test_sanitize_html(void **state)
{
	(void)state;
	html_is("<p>Спасибо, <b>деньги</b> получил.</p>", "<p>Спасибо, <b>деньги</b> получил.</p>");
	html_is("<script>alert(1)</script><p onclick=\"x()\" style=\"color:red\">hi</p>",
		"<p>hi</p>");
	html_is("<a href=\"javascript:alert(1)\">x</a> <a href=\" https://shop.test/a?b=1&amp;c=2\">y</a>",
		"<a rel=\"noopener noreferrer nofollow\" target=\"_blank\">x</a> "
		"<a href=\"https://shop.test/a?b=1&amp;c=2\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">y</a>");
	html_is("<img src=\"https://tracker.test/p.gif\"><img src=\"cid:logo@x\" alt=\"Лого\">",
		"<img><img src=\"cid:logo@x\" alt=\"Лого\">");
	html_is("<iframe src=x>frame</iframe><form><input value=1>text</form>", "text");
	html_is("<table><tr><td colspan=2 width=9>a &lt; b</td></tr></table>",
		"<table><tbody><tr><td colspan=\"2\">a &lt; b</td></tr></tbody></table>");
	html_is("<p>unclosed <b>bold", "<p>unclosed <b>bold</b></p>");
	html_is("<svg><script>x</script></svg><style>p{}</style>ok", "ok");
	assert_null(fl_html_sanitize(NULL, &g_a));
}

/* The article mode's images from our own files: exactly
 * /hc/article_attachments/<digits>[/<safe file name>]; a path that a
 * browser would normalise to somewhere else of ours loses its src. */
static void test_sanitize_article_images(void **state)
{
	static const char *const kept[] = {
		"/hc/article_attachments/7",
		"/hc/article_attachments/123/card.png",
		"/hc/article_attachments/9/My_file-2.v1.jpeg",
	};
	static const char *const dropped[] = {
		"/hc/article_attachments/../../api/v2/users/me",
		"/hc/article_attachments/1/../../../api/v2/x",
		"/hc/article_attachments/%2e%2e/api/v2/x",
		"/hc/article_attachments/1/%2e%2e%2fapi",
		"/hc/article_attachments/1%2f..%2f..%2fapi",
		"/hc/article_attachments/1\\..\\..\\api",
		"/hc/article_attachments/&#46;&#46;/api/v2/x",
		"/hc/article_attachments/1?x=/../../api",
		"/hc/article_attachments/1#../api",
		"/hc/article_attachments/1/a..png",
		"/hc/article_attachments/1/",
		"/hc/article_attachments/",
		"/hc/article_attachments/abc",
		"/hc/article_attachments/1/a b.png",
		"/hc/article_attachments/1/a/b.png",
		"/hc/article_attachments/1 ",
		"/hc/article_attachments//api",
		"/HC/article_attachments/1",
	};
	char in[256], want[256];
	char *out;

	(void)state;
	for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
		snprintf(in, sizeof in, "<img src=\"%s\" alt=\"a\">", kept[i]);
		out = fl_html_sanitize_as(in, FL_HTML_ARTICLE, &g_a);
		assert_non_null(out);
		assert_string_equal(out, in);
	}
	for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++) {
		snprintf(in, sizeof in, "<img src=\"%s\" alt=\"a\">", dropped[i]);
		snprintf(want, sizeof want, "<img alt=\"a\">");
		out = fl_html_sanitize_as(in, FL_HTML_ARTICLE, &g_a);
		assert_non_null(out);
		if (strcmp(out, want))
			fprintf(stderr, "kept: %s\n", dropped[i]);
		assert_string_equal(out, want);
	}
}

static void test_subject_token(void **state)
{
	(void)state;
	assert_int_equal(fl_mail_subject_ticket("Re: [#123] Refund"), 123);
	assert_int_equal(fl_mail_subject_ticket("[#] x [#7]"), 7);
	assert_int_equal(fl_mail_subject_ticket("Order #123"), 0);
	assert_int_equal(fl_mail_subject_ticket("[#99999999999999999999999]"), 0);
	assert_int_equal(fl_mail_subject_ticket(""), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_charsets_labelled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_charsets_mislabelled_or_missing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reply_multipart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forward_and_auto_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_address_injection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quotes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sanitize_html, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sanitize_article_images, setup, teardown),
		cmocka_unit_test(test_subject_token),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
