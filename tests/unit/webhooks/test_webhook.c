/* The webhook rules (webhooks/webhook.h): which addresses are refused, which
 * endpoints may be saved, the signature, the retry schedule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
		/* IPv4-translated (::ffff:0:0/96) carries the address too */
		{"::ffff:0:127.0.0.1", "loopback"},
		{"::ffff:0:a9fe:a9fe", "link-local"},
		/* local-use NAT64, /96 layout: judged by the address it carries */
		{"64:ff9b:1::a9fe:a9fe", "link-local"},
		{"64:ff9b:1::7f00:1", "loopback"},
		/* …any other layout cannot be read with certainty */
		{"64:ff9b:1:a9fe:a9:fe00::", "reserved"},
		/* Teredo reaches whatever its relay says */
		{"2001::1", "Teredo tunnel"},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo tunnel"},
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
	static const char *const ok[] = {
		"93.184.216.34",  "8.8.8.8",          "172.32.0.1",         "172.15.255.255",
		"100.128.0.1",    "169.255.0.1",      "2606:4700::1111",    "2001:db8::1",
		"::ffff:8.8.8.8", "::ffff:0:8.8.8.8", "64:ff9b:1::808:808", "2001:1::1"};
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

/* curl calls a name that is not ASCII by its punycode, another name than
 * the one we would judge: such a host is refused, naming the fix. */
static void test_endpoint_not_ascii(void **state)
{
	static const char *const bad[] = {
		"http://x\xe2\x93\x9b.attacker.tld/", /* xⓛ */
		"http://\xd0\xbf\xd1\x80\xd0\xb8\xd0\xba\xd0\xbb\xd0\xb0\xd0\xb4.\xd1\x83\xd0\xba"
		"\xd1\x80/",
		"http://x%e2%93%9b.attacker.tld/", /* the same, percent-encoded */
	};
	struct fl_err e;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (url(bad[i], NULL, &e) != FL_EINVAL)
			fail_msg("%s was accepted", bad[i]);
		assert_string_equal(e.field, "endpoint");
	}
	assert_int_equal(url(bad[0], NULL, &e), FL_EINVAL);
	assert_non_null(strstr(e.msg, "use the punycode form"));
	assert_int_equal(url("https://xn--80aikifvh.xn--j1amh/", NULL, &e), 0);
}

/* The check curl's open-socket callback makes, on the address itself. */
static void test_sockaddr(void **state)
{
	struct sockaddr_in v4 = {0};
	struct sockaddr_in6 v6 = {0};
	struct sockaddr un = {0};
	char text[64];
	(void)state;
	v4.sin_family = AF_INET;
	inet_pton(AF_INET, "169.254.169.254", &v4.sin_addr);
	assert_string_equal(fl_webhook_sockaddr_refused((struct sockaddr *)&v4, text, sizeof text),
			    "link-local");
	assert_string_equal(text, "169.254.169.254");
	inet_pton(AF_INET, "93.184.216.34", &v4.sin_addr);
	assert_null(fl_webhook_sockaddr_refused((struct sockaddr *)&v4, text, sizeof text));
	v6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:0:127.0.0.1", &v6.sin6_addr);
	assert_string_equal(fl_webhook_sockaddr_refused((struct sockaddr *)&v6, text, sizeof text),
			    "loopback");
	inet_pton(AF_INET6, "2606:4700::1111", &v6.sin6_addr);
	assert_null(fl_webhook_sockaddr_refused((struct sockaddr *)&v6, text, sizeof text));
	un.sa_family = AF_UNIX;
	assert_string_equal(fl_webhook_sockaddr_refused(&un, text, sizeof text), "reserved");
}

/* A one-shot HTTP server on 127.0.0.1: answers 204 to one request. */
static void *serve_once(void *arg)
{
	int fd = accept(*(int *)arg, NULL, NULL);
	static const char answer[] = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
	char buf[8192];
	if (fd >= 0) {
		(void)!read(fd, buf, sizeof buf);
		(void)!write(fd, answer, sizeof answer - 1);
		close(fd);
	}
	return NULL;
}

/* A host name our rules pass (not an IP literal, not localhost) that
 * resolves to loopback: the address is checked where curl connects. */
static void test_request_checks_the_socket(void **state)
{
	char name[256] = "", *hosts[1] = {name}, endpoint[400];
	struct fl_webhook_allow allow = {hosts, 1};
	struct fl_webhook w = {
		.id = 1, .endpoint = endpoint, .http_method = "POST", .signing_secret = "s"};
	struct fl_webhook_result res;
	struct sockaddr_in sa = {0};
	socklen_t len = sizeof sa;
	struct addrinfo *ai = NULL, hints = {.ai_family = AF_INET};
	pthread_t th;
	int fd;
	(void)state;
	/* the machine's own name is in /etc/hosts as 127.0.x.x here; skip
	 * where it is not */
	if (gethostname(name, sizeof name) || getaddrinfo(name, NULL, &hints, &ai) ||
	    !fl_webhook_sockaddr_refused(ai->ai_addr, NULL, 0) || strchr(name, '_')) {
		if (ai)
			freeaddrinfo(ai);
		skip();
	}
	freeaddrinfo(ai);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 4), 0);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	snprintf(endpoint, sizeof endpoint, "http://%s:%d/hook", name, ntohs(sa.sin_port));

	/* not allowed: no socket is connected, and the reason is the address */
	assert_int_equal(fl_webhook_request(&w, NULL, 1, "{}", &res), 0);
	assert_true(res.refused);
	assert_int_equal(res.status, 0);
	assert_non_null(strstr(res.error, "loopback"));
	assert_false(fl_webhook_retryable(res.status, res.refused));

	/* allowed: called */
	pthread_create(&th, NULL, serve_once, &fd);
	assert_int_equal(fl_webhook_request(&w, &allow, 1, "{}", &res), 0);
	pthread_join(th, NULL);
	assert_int_equal(res.status, 204);
	assert_false(res.refused);
	close(fd);
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
		cmocka_unit_test(test_addresses_refused),
		cmocka_unit_test(test_addresses_allowed),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_allow_list),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_retries),
		cmocka_unit_test(test_endpoint_not_ascii),
		cmocka_unit_test(test_sockaddr),
		cmocka_unit_test(test_request_checks_the_socket),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
