/* Unit tests for the mail we trust and the mail we write (the security
 * issue's items 1, 3 and 7): Authentication-Results read (RFC 8601) and
 * judged — only our host's topmost headers count; what goes into SMTP
 * commands and headers; no-reply addresses; and, against a real store in a
 * temporary SQLite file, the daily limit on automatic mail and our own
 * addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "mail/authres.h"
#include "mail/mail.h"
#include "mail/outbound.h"
#include "store/mail.h"
#include "store/settings.h"
#include "store/store.h"
#include "users/user.h"

/* ---- Authentication-Results ---------------------------------------------- */

static struct fl_authres g_ar;

static void parses(const char *z)
{
	if (fl_authres_parse(z, strlen(z), &g_ar)) {
		fprintf(stderr, "refused: %s\n", z);
		fail();
	}
}

static void refused(const char *z)
{
	if (!fl_authres_parse(z, strlen(z), &g_ar)) {
		fprintf(stderr, "parsed: %s\n", z);
		fail();
	}
}

static void test_authres_parse(void **state)
{
	(void)state;
	/* RFC 8601 appendix B.6, comments and all */
	parses("example.com;\r\n  spf=pass smtp.mailfrom=example.net (sender is ok);\r\n"
	       " dkim=pass (good signature) header.d=mail-router.example.net;\r\n"
	       " dkim=fail (bad signature) header.d=newyork.example.com");
	assert_string_equal(g_ar.authserv_id, "example.com");
	assert_int_equal(g_ar.n, 3);
	assert_string_equal(g_ar.r[0].method, "spf");
	assert_string_equal(g_ar.r[0].result, "pass");
	assert_string_equal(g_ar.r[0].props[0].ptype, "smtp");
	assert_string_equal(g_ar.r[0].props[0].property, "mailfrom");
	assert_string_equal(g_ar.r[0].props[0].value, "example.net");
	assert_string_equal(g_ar.r[2].result, "fail");
	assert_string_equal(g_ar.r[2].props[0].value, "newyork.example.com");
	/* a version, upper case, a method version, a reason, quoted values,
	 * nested comments, an address as a pvalue */
	parses("\"mx.example.org\" 1 (our (nested) host); DKIM/1 = Pass reason=\"good; sig\""
	       " header.i=@example.org header.b=\"abc def\"; spf=softfail"
	       " smtp.mailfrom=\"odd local\"@example.org; dmarc=none header.from=example.org");
	assert_string_equal(g_ar.authserv_id, "mx.example.org");
	assert_int_equal(g_ar.n, 3);
	assert_string_equal(g_ar.r[0].method, "dkim");
	assert_string_equal(g_ar.r[0].result, "pass");
	assert_int_equal(g_ar.r[0].nprops, 2);
	assert_string_equal(g_ar.r[0].props[0].value, "@example.org");
	assert_string_equal(g_ar.r[0].props[1].value, "abc def");
	assert_string_equal(g_ar.r[1].props[0].value, "odd local@example.org");
	parses("mx.example.org; none");
	assert_int_equal(g_ar.n, 0);
	parses("mx.example.org; spf=pass;"); /* a trailing ";" */
	assert_int_equal(g_ar.n, 1);
	/* a key=value without a ptype (Microsoft's "action=…") is read, not kept */
	parses("mx.example.org; dmarc=fail action=quarantine header.from=example.org; spf=pass smtp=x");
	assert_int_equal(g_ar.n, 2);
	assert_string_equal(g_ar.r[0].result, "fail");
	assert_int_equal(g_ar.r[0].nprops, 1);
	assert_string_equal(g_ar.r[0].props[0].value, "example.org");
	assert_int_equal(g_ar.r[1].nprops, 0);

	refused("");
	refused("mx.example.org");      /* no results at all */
	refused("mx.example.org; spf"); /* no result */
	refused("mx.example.org; spf=pass (unterminated");
	refused("mx.example.org; spf=pass smtp.mailfrom"); /* a property without a value */
	refused("mx.example.org; none; spf=pass");
	refused("mx.example.org; spf=pass junk");
	refused("\"mx.example.org; spf=pass");
	refused("mx.example.org; spf=pass smtp.mailfrom=a\x01"
		"b");
	{ /* more results than we keep: read to the end, and said */
		char many[1024] = "mx.example.org";
		for (int i = 0; i <= FL_AUTHRES_MAX_RESULTS; i++)
			cat(many, sizeof many, "; dkim=pass");
		parses(many);
		assert_int_equal(g_ar.n, FL_AUTHRES_MAX_RESULTS);
		assert_int_equal(g_ar.dropped, 1);
	}
	/* a header we cannot read is still known by its writer */
	refused("mx.example.org; dmarc");
	assert_string_equal(g_ar.authserv_id, "mx.example.org");
	{ /* comments nested past any sense */
		char deep[200] = "mx.example.org; spf=pass ";
		for (int i = 0; i < 40; i++)
			cat(deep, sizeof deep, "(");
		refused(deep);
	}
}

static enum fl_mail_auth verdict(const char *authserv_id, const char *from, size_t n, ...)
{
	char *v[8];
	va_list ap;

	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		v[i] = va_arg(ap, char *);
	va_end(ap);
	return fl_authres_verdict(v, n, authserv_id, from);
}

#define MX "mx.shop.test"
#define ALICE "alice@customer.test"

static void test_authres_verdict(void **state)
{
	(void)state;
	/* the case: a DMARC failure from our host */
	assert_int_equal(verdict(MX, ALICE, 1, MX "; dmarc=fail header.from=customer.test"),
			 FL_MAIL_AUTH_FAILED);
	assert_int_equal(verdict(MX, ALICE, 1, MX "; dmarc=pass header.from=customer.test"),
			 FL_MAIL_AUTH_VERIFIED);
	/* no authserv_id set: nothing is trusted, whatever the header says */
	assert_int_equal(verdict(NULL, ALICE, 1, MX "; dmarc=pass"), FL_MAIL_AUTH_UNKNOWN);
	assert_int_equal(verdict("", ALICE, 1, MX "; dmarc=fail"), FL_MAIL_AUTH_UNKNOWN);
	/* another host's word counts for nothing; the id is compared whole */
	assert_int_equal(verdict(MX, ALICE, 1, "mx.evil.test; dmarc=pass"), FL_MAIL_AUTH_UNKNOWN);
	assert_int_equal(verdict(MX, ALICE, 1, "mx.shop.test.evil.test; dmarc=pass"),
			 FL_MAIL_AUTH_UNKNOWN);
	assert_int_equal(verdict(MX, ALICE, 1, "MX.Shop.Test; dmarc=pass"), FL_MAIL_AUTH_VERIFIED);
	/* the sender's own "ours" below ours: ours decides */
	assert_int_equal(verdict(MX, ALICE, 2, MX "; dmarc=fail", MX "; dmarc=pass"),
			 FL_MAIL_AUTH_FAILED);
	/* ... and below a foreign header it is never read */
	assert_int_equal(verdict(MX, ALICE, 2, "relay.other.test; spf=none", MX "; dmarc=pass"),
			 FL_MAIL_AUTH_UNKNOWN);
	/* a header of ours we cannot read whole is a failure, never "nothing
	 * said": a sender who can make our host write something odd (a MAIL
	 * FROM with a "(", 17 DKIM signatures) must not turn dmarc=fail into
	 * unknown and so into a participant's reply */
	assert_int_equal(verdict(MX, ALICE, 2, MX "; dmarc", MX "; dmarc=pass"),
			 FL_MAIL_AUTH_FAILED);
	assert_int_equal(verdict(MX, ALICE, 1,
				 MX "; spf=pass smtp.mailfrom=a(b@customer.test; dmarc=fail"),
			 FL_MAIL_AUTH_FAILED);
	{
		char many[1024] = MX;
		for (int i = 0; i < FL_AUTHRES_MAX_RESULTS; i++)
			cat(many, sizeof many, "; dkim=pass header.d=junk.test");
		cat(many, sizeof many, "; dmarc=fail header.from=customer.test");
		assert_int_equal(verdict(MX, ALICE, 1, many), FL_MAIL_AUTH_FAILED);
	}
	/* Microsoft's way of writing it */
	assert_int_equal(verdict(MX, ALICE, 1,
				 MX "; dmarc=fail action=quarantine header.from=customer.test"),
			 FL_MAIL_AUTH_FAILED);
	/* as many headers of ours as the parser keeps: one more may say fail */
	assert_int_equal(verdict(MX, ALICE, FL_MAIL_MAX_AUTHRES, MX "; dmarc=pass", MX "; spf=none",
				 MX "; spf=none", MX "; spf=none", MX "; spf=none", MX "; spf=none",
				 MX "; spf=none", MX "; spf=none"),
			 FL_MAIL_AUTH_FAILED);
	/* a DMARC result about another From is not about this mail */
	assert_int_equal(verdict(MX, ALICE, 1, MX "; dmarc=pass header.from=evil.test"),
			 FL_MAIL_AUTH_UNKNOWN);
	/* DMARC decides when there is one */
	assert_int_equal(verdict(MX, ALICE, 1,
				 MX "; spf=pass smtp.mailfrom=customer.test; dmarc=fail"),
			 FL_MAIL_AUTH_FAILED);
	assert_int_equal(verdict(MX, ALICE, 1,
				 MX "; spf=pass smtp.mailfrom=customer.test; dmarc=temperror"),
			 FL_MAIL_AUTH_UNKNOWN);
	/* without DMARC: an SPF or DKIM pass for the From domain (or a parent) */
	assert_int_equal(verdict(MX, ALICE, 1, MX "; spf=pass smtp.mailfrom=bounce@customer.test"),
			 FL_MAIL_AUTH_VERIFIED);
	assert_int_equal(verdict(MX, ALICE, 1, MX "; dmarc=none; dkim=pass header.d=customer.test"),
			 FL_MAIL_AUTH_VERIFIED);
	assert_int_equal(verdict(MX, "bob@eu.customer.test", 1,
				 MX "; dkim=pass header.i=@customer.test"),
			 FL_MAIL_AUTH_VERIFIED);
	/* ... never for someone else's domain, a child, or a look-alike */
	assert_int_equal(verdict(MX, ALICE, 1, MX "; spf=pass smtp.mailfrom=evil.test"),
			 FL_MAIL_AUTH_UNKNOWN);
	assert_int_equal(verdict(MX, ALICE, 1, MX "; dkim=pass header.d=evil.customer.test"),
			 FL_MAIL_AUTH_UNKNOWN);
	assert_int_equal(verdict(MX, ALICE, 1, MX "; dkim=pass header.d=ercustomer.test"),
			 FL_MAIL_AUTH_UNKNOWN);
	assert_int_equal(verdict(MX, ALICE, 1, MX "; spf=pass"), FL_MAIL_AUTH_UNKNOWN);
	/* both failing and none passing: forged */
	assert_int_equal(verdict(MX, ALICE, 1,
				 MX "; spf=fail smtp.mailfrom=customer.test; dkim=fail"),
			 FL_MAIL_AUTH_FAILED);
	assert_int_equal(verdict(MX, ALICE, 1,
				 MX "; spf=fail; dkim=fail; dkim=pass header.d=other.test"),
			 FL_MAIL_AUTH_UNKNOWN);
	assert_int_equal(verdict(MX, ALICE, 1, MX "; spf=fail; dkim=none"), FL_MAIL_AUTH_UNKNOWN);
	assert_int_equal(verdict(MX, ALICE, 0), FL_MAIL_AUTH_UNKNOWN);
}

/* ---- what goes out -------------------------------------------------------- */

/* The public case a review found: a MAIL FROM whose local part is an RFC
 * 2047 encoded word, copied by our host into its own header as written.
 * Decoded, it read "spf=pass smtp.mailfrom=customer.test"; the header is
 * kept raw, so it says only what our host wrote. */
static void test_authres_raw(void **state)
{
	static const char raw[] =
		"Authentication-Results: mx.shop.test;\r\n"
		"  spf=pass smtp.mailfrom==?us-ascii?q?x=3B_spf=3Dpass_smtp.mailfrom=3Dcustomer.test=3B_x=3Dy?=@evil.test;\r\n"
		"  dmarc=none header.from=customer.test\r\n"
		"From: Alice <alice@customer.test>\r\nSubject: Re: [#1] refund\r\n\r\nhi\r\n";
	struct fl_mail m;
	struct fl_err e = {0};
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	assert_int_equal(fl_mail_parse(raw, sizeof raw - 1, &a, &m, &e), 0);
	assert_int_equal(m.nauth_results, 1);
	assert_non_null(strstr(m.auth_results[0], "=?us-ascii?q?"));
	assert_null(strpbrk(m.auth_results[0], "\r\n"));
	assert_int_equal(fl_authres_verdict(m.auth_results, m.nauth_results, MX, m.from.email),
			 FL_MAIL_AUTH_UNKNOWN);
	fl_arena_free(&a);
}

static void test_smtp_refuses_commands(void **state)
{
	/* port 1 on loopback: were anything sent, this would be "unreachable"
	 * (FL_EBUSY); a refusal before connecting is FL_EINVAL */
	struct fl_smtp relay = {"smtp://127.0.0.1:1", NULL, NULL, 0};
	struct fl_err e = {0};
	const char *good[] = {"alice@customer.test"};
	const char *crlf[] = {"alice@customer.test",
			      "x\r\n RCPT TO:<evil@evil.example>\r\n y@example.org"};
	const char *lf[] = {"a@b.test\nRCPT TO:<evil@evil.example>"};
	const char *quoted[] = {"\"x y\"@example.org"};
	const char *spaced[] = {" alice@customer.test"};
	(void)state;

	assert_int_equal(fl_smtp_send(&relay, "support@shop.test", good, 1, "x", 1, &e), FL_EBUSY);
	assert_int_equal(fl_smtp_send(&relay, "support@shop.test", crlf, 2, "x", 1, &e), FL_EINVAL);
	assert_string_equal(e.field, "to");
	assert_int_equal(fl_smtp_send(&relay, "support@shop.test", lf, 1, "x", 1, &e), FL_EINVAL);
	assert_int_equal(fl_smtp_send(&relay, "support@shop.test", quoted, 1, "x", 1, &e),
			 FL_EINVAL);
	assert_int_equal(fl_smtp_send(&relay, "support@shop.test", spaced, 1, "x", 1, &e),
			 FL_EINVAL);
	assert_int_equal(fl_smtp_send(&relay, "support@shop.test\r\nRSET", good, 1, "x", 1, &e),
			 FL_EINVAL);
	assert_string_equal(e.field, "from");
	assert_int_equal(fl_smtp_send(&relay, "support@shop.test", good, 0, "x", 1, &e), FL_EINVAL);
}

/* The header block of raw (up to the blank line), unfolded. */
static void headers_of(const char *raw, char *out, size_t cap)
{
	const char *end = strstr(raw, "\r\n\r\n");
	size_t k = 0;

	assert_non_null(end);
	for (const char *p = raw; p < end && k + 1 < cap; p++) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
			p += 1;
			continue;
		}
		out[k++] = *p;
	}
	out[k] = 0;
}

static void test_headers_we_write(void **state)
{
	struct fl_mail_out m = {0};
	fl_arena a;
	char *raw, head[8192];
	size_t n;
	(void)state;

	fl_arena_init(&a, 0);
	m.from = "support@shop.test";
	m.from_name = "Support\r\nBcc: evil@evil.example";
	m.to[m.nto++] = "alice@customer.test";
	/* U+202E turns what follows around; U+2066 and U+2069 isolate it */
	m.subject =
		"[#7] Hi\r\nBcc: evil@evil.example\r\n\r\nbody \xe2\x80\xae"
		"cod.exe\xe2\x81\xa6x\xe2\x81\xa9";
	m.message_id = "frontline-7-1@shop.test";
	m.in_reply_to = "theirs@customer.test>\r\nBcc: evil@evil.example";
	m.refs[m.nrefs++] = "one@customer.test";
	m.refs[m.nrefs++] = "two\r\nBcc: evil@evil.example";
	m.text = "Thanks";
	assert_int_equal(fl_mail_out_clean(&m, &a), 0);
	assert_string_equal(m.subject, "[#7] Hi Bcc: evil@evil.example body cod.exex");
	assert_string_equal(m.from_name, "Support Bcc: evil@evil.example");
	assert_null(m.in_reply_to);
	assert_int_equal(m.nrefs, 1);
	assert_string_equal(m.refs[0], "one@customer.test");
	assert_int_equal(fl_mail_build(&m, &a, &raw, &n), 0);
	headers_of(raw, head, sizeof head);
	/* no line of the header block starts anything of the writer's */
	assert_null(strstr(head, "\r\nBcc:"));
	assert_null(strstr(head, "\nBcc:"));
	assert_null(strstr(raw, "\xe2\x80\xae"));
	/* a Message-ID of ours that is not one is not sent at all */
	m.message_id = "x\r\nBcc: evil@evil.example";
	assert_int_equal(fl_mail_out_clean(&m, &a), FL_EINVAL);
	/* text without anything to clean is kept as it is */
	m.subject = "Звернення #7 ✓";
	m.message_id = "frontline-7-1@shop.test";
	assert_int_equal(fl_mail_out_clean(&m, &a), 0);
	assert_string_equal(m.subject, "Звернення #7 ✓");
	fl_arena_free(&a);
}

/* List-Unsubscribe (feedback/unsub.h): a web address is written between
 * <> with List-Unsubscribe-Post; anything that could break out of the
 * header, or is not http(s), is left out. */
static void test_list_unsubscribe(void **state)
{
	struct fl_mail_out m = {0};
	fl_arena a;
	char *raw, head[8192];
	size_t n;
	(void)state;

	fl_arena_init(&a, 0);
	m.from = "support@shop.test";
	m.to[m.nto++] = "alice@customer.test";
	m.subject = "A quick question";
	m.message_id = "frontline-message-1@shop.test";
	m.text = "0 … 10";
	m.list_unsubscribe = "https://desk.test/unsubscribe/7-0-0-0123456789abcdef";
	assert_int_equal(fl_mail_out_clean(&m, &a), 0);
	assert_int_equal(fl_mail_build(&m, &a, &raw, &n), 0);
	headers_of(raw, head, sizeof head);
	assert_non_null(strstr(
		head, "List-Unsubscribe: <https://desk.test/unsubscribe/7-0-0-0123456789abcdef>"));
	assert_non_null(strstr(head, "List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
	/* a line break, a >, a mailto: or no scheme: not written */
	static const char *const bad[] = {"https://desk.test/u\r\nBcc: evil@evil.example",
					  "https://desk.test/u>, <mailto:x@evil.example",
					  "mailto:unsub@desk.test", "desk.test/u"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		m.list_unsubscribe = bad[i];
		assert_int_equal(fl_mail_out_clean(&m, &a), 0);
		assert_null(m.list_unsubscribe);
		assert_int_equal(fl_mail_build(&m, &a, &raw, &n), 0);
		assert_null(strstr(raw, "List-Unsubscribe"));
		assert_null(strstr(raw, "Bcc:"));
	}
	fl_arena_free(&a);
}

static void test_noreply(void **state)
{
	(void)state;
	assert_true(fl_mail_noreply("no-reply@shop.test"));
	assert_true(fl_mail_noreply("NoReply@shop.test"));
	assert_true(fl_mail_noreply("do-not-reply@shop.test"));
	assert_true(fl_mail_noreply("donotreply@shop.test"));
	assert_true(fl_mail_noreply("mailer-daemon@relay.test"));
	assert_true(fl_mail_noreply("postmaster@relay.test"));
	assert_true(fl_mail_noreply("bounces+1234@sendgrid.test"));
	assert_true(fl_mail_noreply("bounce-77@list.test"));
	assert_true(fl_mail_noreply("noreply.billing@shop.test"));
	assert_false(fl_mail_noreply("alice@customer.test"));
	assert_false(fl_mail_noreply("noreplyanne@customer.test"));
	assert_false(fl_mail_noreply("bouncer@club.test"));
	assert_false(fl_mail_noreply("anne@noreply.test"));
	assert_false(fl_mail_noreply(NULL));
}

/* ---- the store ------------------------------------------------------------ */

static fl_store *g_store;
static struct unit_store g_files;

static int group_setup(void **state)
{
	(void)state;

	if (sodium_init() < 0)
		return -1;
	if (unit_store_open(&g_files, "fl-test-trust", NULL, &g_store))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fl_store_free(g_store);
	unit_store_remove(&g_files);
	return 0;
}

struct take {
	const char *email, *message_id;
	int64_t now;
	int taken;
};

static int tx_take(fl_tx *tx, void *arg)
{
	struct take *t = arg;
	return fl_store_mail_auto_take(tx, t->email, t->message_id, 3, t->now, &t->taken);
}

static int take(const char *email, const char *message_id, int64_t now)
{
	struct take t = {email, message_id, now, -1};
	assert_int_equal(fl_store_write(g_store, tx_take, &t), 0);
	return t.taken;
}

static void test_auto_limit(void **state)
{
	int64_t t0 = 1800000000;
	(void)state;

	assert_true(take("loop@customer.test", "m1", t0));
	assert_true(take("loop@customer.test", "m2", t0 + 3600));
	assert_true(take("other@customer.test", "m1", t0 + 3600)); /* per address */
	assert_true(take("loop@customer.test", "m3", t0 + 7200));
	assert_false(take("loop@customer.test", "m4", t0 + 7300)); /* the fourth in a day */
	assert_true(take("loop@customer.test", "m2", t0 + 7400));  /* a retry of the second */
	assert_false(take("loop@customer.test", "m5", t0 + 86399)); /* the first is not 24 h old… */
	assert_true(take("loop@customer.test", "m6", t0 + 86400)); /* …and now it is */
	assert_false(take("loop@customer.test", "m7", t0 + 86401));
}

struct own {
	const char *email;
	struct fl_err e;
	int rc;
};

static int tx_setup_own(fl_tx *tx, void *arg)
{
	struct fl_mailbox mb = {0};
	struct fl_user admin = {0};
	int rc;
	(void)arg;
	admin.role = FL_ROLE_ADMIN;
	admin.name = "Admin";
	admin.email = "admin@shop.test";
	if ((rc = fl_user_create(tx, &admin, NULL, NULL)))
		return rc;
	mb.owner_id = admin.id;
	mb.url = "imaps://imap.shop.test";
	mb.username = "Billing@Shop.test";
	mb.password = "x";
	mb.folder = "INBOX";
	rc = fl_store_setting_set(tx, "mail.from", "support@shop.test");
	return rc ? rc : fl_store_mailbox_insert(tx, &mb);
}

static int tx_user(fl_tx *tx, void *arg)
{
	struct own *o = arg;
	struct fl_user u = {0};
	u.role = FL_ROLE_END_USER;
	u.name = "Someone";
	u.email = (char *)o->email;
	o->rc = fl_user_create(tx, &u, NULL, &o->e);
	return 0;
}

static void test_own_addresses(void **state)
{
	struct own o = {0};
	(void)state;

	assert_int_equal(fl_store_write(g_store, tx_setup_own, NULL), 0);
	o.email = "support@shop.test";
	assert_int_equal(fl_store_write(g_store, tx_user, &o), 0);
	assert_int_equal(o.rc, FL_EINVAL);
	assert_string_equal(o.e.field, "email");
	o.email = "billing@shop.test"; /* an IMAP mailbox's, whatever its case */
	assert_int_equal(fl_store_write(g_store, tx_user, &o), 0);
	assert_int_equal(o.rc, FL_EINVAL);
	o.email = "alice@customer.test";
	assert_int_equal(fl_store_write(g_store, tx_user, &o), 0);
	assert_int_equal(o.rc, 0);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_authres_parse),
		cmocka_unit_test(test_authres_verdict),
		cmocka_unit_test(test_authres_raw),
		cmocka_unit_test(test_smtp_refuses_commands),
		cmocka_unit_test(test_headers_we_write),
		cmocka_unit_test(test_list_unsubscribe),
		cmocka_unit_test(test_noreply),
	};
	const struct CMUnitTest stored[] = {
		cmocka_unit_test(test_auto_limit),
		cmocka_unit_test(test_own_addresses),
	};
	return cmocka_run_group_tests(pure, NULL, NULL) |
	       cmocka_run_group_tests(stored, group_setup, group_teardown);
}
