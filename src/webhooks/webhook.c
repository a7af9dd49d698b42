/* The rules of webhooks (webhooks/webhook.h): which addresses may be
 * called, which endpoints saved, how a request is signed and when it is
 * tried again. Nothing here makes a request or touches the store. */
#include "webhooks/webhook.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"

static const char *const events[FL_WH__EVENTS] = {
	"ticket.created", "ticket.updated",       "ticket.solved",
	"ticket.deleted", "ticket.comment_added",
};

const char *fl_webhook_event_name(int index)
{
	return index >= 0 && index < FL_WH__EVENTS ? events[index] : NULL;
}

int fl_webhook_event_bit(const char *name)
{
	for (int i = 0; i < FL_WH__EVENTS; i++)
		if (!strcmp(name, events[i]))
			return i;
	return -1;
}

void fl_webhook_allow_parse(char *text, char **hosts, size_t max, struct fl_webhook_allow *a)
{
	char *save = NULL, *tok;

	a->hosts = hosts;
	a->n = 0;
	for (tok = text ? strtok_r(text, ", \t\r\n", &save) : NULL; tok && a->n < max;
	     tok = strtok_r(NULL, ", \t\r\n", &save))
		hosts[a->n++] = tok;
}

/* host as the allow list keeps it: an IPv6 literal without its brackets,
 * compared without regard to case */
int fl_webhook_allowed(const struct fl_webhook_allow *a, const char *host)
{
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	for (size_t i = 0; a && i < a->n; i++)
		if (strlen(a->hosts[i]) == n && !strncasecmp(a->hosts[i], host, n))
			return 1;
	return 0;
}

int fl_webhook_host_ok(const char *z)
{
	unsigned char buf[16];
	size_t n = strlen(z);

	if (!n || n > FL_WEBHOOK_HOST_MAX)
		return 0;
	if (inet_pton(AF_INET6, z, buf) == 1 || inet_pton(AF_INET, z, buf) == 1)
		return 1;
	for (const char *p = z; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return 0;
	return 1;
}

static const char *v4_refused(const unsigned char *a)
{
	uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
#define IN(net, bits) ((x >> (32 - (bits))) == ((uint32_t)(net) >> (32 - (bits))))
	if (x == 0xffffffffu)
		return "broadcast";
	if (IN(0x00000000, 8))
		return "unspecified";
	if (IN(0x7f000000, 8))
		return "loopback";
	if (IN(0x0a000000, 8) || IN(0xac100000, 12) || IN(0xc0a80000, 16))
		return "private";
	if (IN(0xa9fe0000, 16))
		return "link-local";
	if (IN(0x64400000, 10))
		return "shared address space (CGNAT)";
	if (IN(0xe0000000, 4))
		return "multicast";
	/* 240/4 (future use), the IETF's 192.0.0/24, benchmarking 198.18/15 */
	if (IN(0xf0000000, 4) || IN(0xc0000000, 24) || IN(0xc6120000, 15))
		return "reserved";
#undef IN
	return NULL;
}

const char *fl_webhook_addr_refused(int family, const unsigned char *a)
{
	static const unsigned char zero[16],
		mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (family == AF_INET)
		return v4_refused(a);
	if (family != AF_INET6)
		return "reserved";
	if (!memcmp(a, zero, 16))
		return "unspecified";
	if (!memcmp(a, zero, 15) && a[15] == 1)
		return "loopback";
	/* ::ffff:a.b.c.d, the deprecated ::a.b.c.d and the IPv4-translated
	 * ::ffff:0:a.b.c.d (RFC 2765) reach the IPv4 address */
	if (!memcmp(a, mapped, 12) || !memcmp(a, zero, 12) ||
	    (!memcmp(a, zero, 8) && a[8] == 0xff && a[9] == 0xff && !a[10] && !a[11]))
		return v4_refused(a + 12);
	/* 6to4 (2002::/16) and NAT64 (64:ff9b::/96) carry one too */
	if (a[0] == 0x20 && a[1] == 0x02)
		return v4_refused(a + 2);
	if (a[0] == 0 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && !memcmp(a + 4, zero, 8))
		return v4_refused(a + 12);
	/* local-use NAT64 (64:ff9b:1::/48, RFC 8215): the operator picks the
	 * prefix's length, so where the IPv4 address sits depends on it. The
	 * /96 layout is judged by its address; any other cannot be read with
	 * certainty and is refused */
	if (a[0] == 0 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && a[4] == 0 && a[5] == 1)
		return memcmp(a + 6, zero, 6) ? "reserved" : v4_refused(a + 12);
	/* Teredo (2001::/32) reaches whatever its relay and client say */
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0)
		return "Teredo tunnel";
	if ((a[0] & 0xfe) == 0xfc)
		return "private";
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "link-local";
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) /* site-local, deprecated */
		return "private";
	if (a[0] == 0xff)
		return "multicast";
	return NULL;
}

const char *fl_webhook_sockaddr_refused(const struct sockaddr *sa, char *text, size_t cap)
{
	const unsigned char *bytes;

	if (cap)
		text[0] = 0;
	if (!sa)
		return "reserved";
	if (sa->sa_family == AF_INET)
		bytes = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		bytes = (const unsigned char *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		return "reserved"; /* not an internet address at all */
	if (cap)
		inet_ntop(sa->sa_family, bytes, text, (socklen_t)cap);
	return fl_webhook_addr_refused(sa->sa_family, bytes);
}

const char *fl_webhook_ip_refused(const char *z, int *is_ip)
{
	unsigned char buf[16];
	char v6[64];
	size_t n = strlen(z);
	struct in_addr in;

	*is_ip = 0;
	if (n >= 2 && z[0] == '[' && z[n - 1] == ']' && n - 2 < sizeof v6) {
		memcpy(v6, z + 1, n - 2);
		v6[n - 2] = 0;
		z = v6;
	}
	if (inet_pton(AF_INET6, z, buf) == 1) {
		*is_ip = 1;
		return fl_webhook_addr_refused(AF_INET6, buf);
	}
	/* inet_aton reads what a resolver would: "127.1", "0x7f.1", "2130706433" */
	if (inet_aton(z, &in)) {
		*is_ip = 1;
		return fl_webhook_addr_refused(AF_INET, (const unsigned char *)&in.s_addr);
	}
	return NULL;
}

static int bad_url(struct fl_err *e, const char *why)
{
	return fl_err_set(e, FL_EINVAL, "endpoint", "InvalidValue", "Endpoint: %s", why);
}

int fl_webhook_url_check(const char *url, const struct fl_webhook_allow *allow,
			 struct fl_webhook_url *out, struct fl_err *e)
{
	struct fl_webhook_url u = {0};
	char *scheme = NULL, *user = NULL, *pass = NULL, *host = NULL, *port = NULL;
	const char *why = NULL, *refused;
	CURLU *h;
	int64_t portno = 0;
	int rc = 0, is_ip;
	size_t n;

	if (!url || !*url)
		return fl_err_set(e, FL_EINVAL, "endpoint", "Blank", "Endpoint: cannot be blank");
	if (strlen(url) > FL_WEBHOOK_ENDPOINT_MAX)
		return fl_err_set(e, FL_EINVAL, "endpoint", "TooLong",
				  "Endpoint: at most %d characters", FL_WEBHOOK_ENDPOINT_MAX);
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return bad_url(e, "a URL has no spaces or control characters");
	if (!(h = curl_url()))
		return FL_ENOMEM;
	if (curl_url_set(h, CURLUPART_URL, url, 0) ||
	    curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(h, CURLUPART_HOST, &host, 0)) {
		why = "must be an absolute http:// or https:// URL";
		goto out;
	}
	curl_url_get(h, CURLUPART_USER, &user, 0);
	curl_url_get(h, CURLUPART_PASSWORD, &pass, 0);
	curl_url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	if (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")) {
		why = "only http:// and https:// URLs are called";
		goto out;
	}
	if (user || pass) {
		why = "must not hold a user name or password (the signature says it is us)";
		goto out;
	}
	/* curl turns a name that is not ASCII into its punycode (IDN) before
	 * it resolves it, so the name we would judge is not the name called */
	for (const char *p = host; *p; p++)
		if ((unsigned char)*p >= 0x80 || *p == '%') {
			why = "the host is not ASCII: use the punycode form (xn--…) of its name";
			goto out;
		}
	n = strlen(host);
	if (!n || n >= sizeof u.host) {
		why = "must name a host";
		goto out;
	}
	for (size_t i = 0; i <= n; i++)
		u.host[i] = (char)((host[i] >= 'A' && host[i] <= 'Z') ? host[i] + 32 : host[i]);
	snprintf(u.scheme, sizeof u.scheme, "%s", strcasecmp(scheme, "https") ? "http" : "https");
	if (!port || fl_str_to_i64(fl_str_c(port), &portno) || portno <= 0 || portno > 65535) {
		why = "the port must be 1 to 65535";
		goto out;
	}
	u.port = (int)portno;
	if (fl_webhook_allowed(allow, u.host))
		goto out;
	refused = fl_webhook_ip_refused(u.host, &is_ip);
	if (refused) {
		rc = fl_err_set(e, FL_EINVAL, "endpoint", "ForbiddenAddress",
				"Endpoint: %s is a %s address; an admin must allow the host first",
				u.host, refused);
		goto out;
	}
	if (!strcmp(u.host, "localhost") || (n > 10 && !strcmp(u.host + n - 10, ".localhost")) ||
	    (n > 11 && !strcmp(u.host + n - 11, ".localhost."))) {
		rc = fl_err_set(e, FL_EINVAL, "endpoint", "ForbiddenAddress",
				"Endpoint: %s is this machine; an admin must allow the host first",
				u.host);
		goto out;
	}
out:
	if (why)
		rc = bad_url(e, why);
	if (!rc && out)
		*out = u;
	curl_free(scheme);
	curl_free(user);
	curl_free(pass);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(h);
	return rc;
}

int fl_webhook_check(const struct fl_webhook *w, const struct fl_webhook_allow *allow,
		     struct fl_err *e)
{
	size_t n = w->name ? strlen(w->name) : 0;

	if (!n || !w->name[strspn(w->name, " \t\r\n")])
		return fl_err_set(e, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
	if (n > FL_WEBHOOK_NAME_MAX || !fl_utf8_valid(w->name, n))
		return fl_err_set(e, FL_EINVAL, "name", "TooLong", "Name: at most %d bytes of text",
				  FL_WEBHOOK_NAME_MAX);
	if (w->description && (strlen(w->description) > FL_WEBHOOK_DESCRIPTION_MAX ||
			       !fl_utf8_valid(w->description, strlen(w->description))))
		return fl_err_set(e, FL_EINVAL, "description", "TooLong",
				  "Description: at most %d bytes of text",
				  FL_WEBHOOK_DESCRIPTION_MAX);
	if (!w->http_method || (strcmp(w->http_method, "POST") && strcmp(w->http_method, "PUT") &&
				strcmp(w->http_method, "PATCH")))
		return fl_err_set(e, FL_EINVAL, "http_method", "InvalidValue",
				  "HTTP method: must be POST, PUT or PATCH");
	if (!w->request_format || strcmp(w->request_format, "json"))
		return fl_err_set(e, FL_EINVAL, "request_format", "InvalidValue",
				  "Request format: must be json");
	if (!w->status || (strcmp(w->status, "active") && strcmp(w->status, "inactive")))
		return fl_err_set(e, FL_EINVAL, "status", "InvalidValue",
				  "Status: must be active or inactive");
	return fl_webhook_url_check(w->endpoint, allow, NULL, e);
}

void fl_webhook_sign(const char *secret, const char *timestamp, const char *body, size_t nbody,
		     char out[45])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp, strlen(timestamp));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, nbody);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(out, 45, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
}

int64_t fl_webhook_backoff(int attempt, int64_t first, int64_t retry_after)
{
	int64_t wait = first > 0 ? first : 1;

	if (retry_after > 0)
		return retry_after < FL_WEBHOOK_RETRY_AFTER_MAX ? retry_after
								: FL_WEBHOOK_RETRY_AFTER_MAX;
	for (int i = 1; i < attempt && wait < 3600; i++)
		wait *= 2;
	return wait < 3600 ? wait : 3600;
}

int fl_webhook_retryable(long status, int refused)
{
	if (refused)
		return 0;
	return status == 0 || status == 408 || status == 429 || (status >= 500 && status <= 599);
}
