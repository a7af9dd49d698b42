/* The webhook rules (webhooks/webhook.h): which addresses are refused, which
 * endpoints may be saved, the signature, the retry schedule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include "webhooks/webhook.h"

static const char *refused(const char *z)
{
	int is_ip;
	const char *why = fl_webhook_ip_refused(z, &is_ip);
	assert_true(is_ip);
	return why;
}

static void test_addresses_refused(void **state)
{
	static const struct {
		const char *ip, *why;
	} cases[] = {
		{"127.0.0.1", "loopback"},
		{"127.255.0.9", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"192.168.0.10", "private"},
		{"169.254.169.254", "link-local"},
		{"100.64.0.1", "shared address space (CGNAT)"},
		{"100.127.255.254", "shared address space (CGNAT)"},
		{"0.0.0.0", "unspecified"},
		{"224.0.0.1", "multicast"},
		{"255.255.255.255", "broadcast"},
		{"240.0.0.1", "reserved"},
		{"::1", "loopback"},
		{"[::1]", "loopback"},
		{"::", "unspecified"},
		{"fc00::1", "private"},
		{"fd12:3456::1", "private"},
		{"fe80::1", "link-local"},
		{"ff02::1", "multicast"},
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:169.254.169.254", "link-local"},
		{"2002:7f00:1::", "loopback"}, /* 6to4 of 127.0.0.1 */
		{"64:ff9b::a00:1", "private"}, /* NAT64 of 10.0.0.1 */
		/* what a resolver reads as 127.0.0.1 */
		{"127.1", "loopback"},
		{"0x7f.1", "loopback"},
		{"2130706433", "loopback"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *why = refused(cases[i].ip);
		if (!why || strcmp(why, cases[i].why))
			fail_msg("%s: %s, not %s", cases[i].ip, why ? why : "allowed",
				 cases[i].why);
	}
}

static void test_addresses_allowed(void **state)
{
	static const char *const ok[] = {"93.184.216.34",   "8.8.8.8",     "172.32.0.1",
					 "172.15.255.255",  "100.128.0.1", "169.255.0.1",
					 "2606:4700::1111", "2001:db8::1", "::ffff:8.8.8.8"};
	int is_ip;
	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		if (refused(ok[i]))
			fail_msg("%s refused as %s", ok[i], refused(ok[i]));
	assert_null(fl_webhook_ip_refused("example.com", &is_ip));
	assert_false(is_ip);
}

static int url(const char *u, const struct fl_webhook_allow *allow, struct fl_err *e)
{
	memset(e, 0, sizeof *e);
	return fl_webhook_url_check(u, allow, NULL, e);
}

static void test_endpoints(void **state)
{
	static const char *const bad[] = {
		"ftp://example.com/",     "file:///etc/passwd",   "https://u:p@example.com/",
		"https://u@example.com/", "http://10.0.0.1/",     "http://169.254.169.254/",
		"http://[::1]/",          "http://localhost/",    "http://a.localhost/",
		"http://LOCALHOST:80/",   "example.com",          "",
		"http://example.com:0/",  "http://exa mple.com/", "http://[fe80::1%25eth0]/",
	};
	char *hosts[] = {"localhost", "::1", "10.0.0.1"};
	struct fl_webhook_allow allow = {hosts, 3};
	struct fl_webhook_url u;
	struct fl_err e;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (url(bad[i], NULL, &e) != FL_EINVAL)
			fail_msg("%s was accepted", bad[i]);
		assert_string_equal(e.field, "endpoint");
	}
	assert_int_equal(url("https://hooks.example.com/a?b=c", NULL, &e), 0);
	assert_int_equal(fl_webhook_url_check("HTTPS://Hooks.Example.COM/x", NULL, &u, &e), 0);
	assert_string_equal(u.host, "hooks.example.com");
	assert_string_equal(u.scheme, "https");
	assert_int_equal(u.port, 443);
	/* what an admin allows is saved; only what is allowed */
	assert_int_equal(url("http://localhost:8080/", &allow, &e), 0);
	assert_int_equal(url("http://[::1]:8080/", &allow, &e), 0);
	assert_int_equal(url("http://10.0.0.1/", &allow, &e), 0);
	assert_int_equal(url("http://10.0.0.2/", &allow, &e), FL_EINVAL);
	assert_int_equal(url("https://u:p@localhost/", &allow, &e), FL_EINVAL);
}

static void test_allow_list(void **state)
{
	char text[] = "Hooks.Internal, 10.0.0.5\n::1";
	char *hosts[8];
	struct fl_webhook_allow a;
	(void)state;
	fl_webhook_allow_parse(text, hosts, 8, &a);
	assert_int_equal(a.n, 3);
	assert_true(fl_webhook_allowed(&a, "hooks.internal"));
	assert_true(fl_webhook_allowed(&a, "[::1]"));
	assert_false(fl_webhook_allowed(&a, "hooks.internal.evil.example"));
	assert_false(fl_webhook_allowed(&a, "10.0.0.50"));
	assert_true(fl_webhook_host_ok("hooks.internal"));
	assert_true(fl_webhook_host_ok("fe80::1"));
	assert_false(fl_webhook_host_ok("http://x/"));
	assert_false(fl_webhook_host_ok("x:80"));
	assert_false(fl_webhook_host_ok(""));
}

static void test_signature(void **state)
{
	char sig[45];
	(void)state;
	/* RFC 4231's second case (key "Jefe"), the message split as timestamp
	 * and body, in base64 */
	fl_webhook_sign("Jefe", "what do ya want ", "for nothing?", 12, sig);
	assert_string_equal(sig, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
}

static void test_retries(void **state)
{
	(void)state;
	assert_int_equal(fl_webhook_backoff(1, 10, 0), 10);
	assert_int_equal(fl_webhook_backoff(2, 10, 0), 20);
	assert_int_equal(fl_webhook_backoff(4, 10, 0), 80);
	assert_int_equal(fl_webhook_backoff(30, 10, 0), 3600);
	assert_int_equal(fl_webhook_backoff(1, 10, 30), 30);
	assert_int_equal(fl_webhook_backoff(1, 10, 86400), FL_WEBHOOK_RETRY_AFTER_MAX);
	assert_true(fl_webhook_retryable(0, 0));
	assert_true(fl_webhook_retryable(500, 0));
	assert_true(fl_webhook_retryable(503, 0));
	assert_true(fl_webhook_retryable(408, 0));
	assert_true(fl_webhook_retryable(429, 0));
	assert_false(fl_webhook_retryable(0, 1));
	assert_false(fl_webhook_retryable(404, 0));
	assert_false(fl_webhook_retryable(302, 0));
	assert_false(fl_webhook_retryable(200, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses_refused), cmocka_unit_test(test_addresses_allowed),
		cmocka_unit_test(test_endpoints),         cmocka_unit_test(test_allow_list),
		cmocka_unit_test(test_signature),         cmocka_unit_test(test_retries),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
