/* frontline mailgate: one message from an MTA into Frontline */
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "mail/mail.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline mailgate --url URL [--token TOKEN] [--queue GROUP]\n"
		"\n"
		"Reads one e-mail message (RFC 5322) on standard input and delivers it to\n"
		"the Frontline server at URL (http://HOST:PORT), which makes it a ticket or\n"
		"a comment. For Postfix and Exim pipe transports, procmail and fetchmail;\n"
		"docs/email.md has the Postfix setup. The token is an admin's API token\n"
		"(--token, else $FRONTLINE_TOKEN). With --queue, a new ticket goes to the\n"
		"group of that name (one address a group: billing@, returns@).\n"
		"\n"
		"Exit status, as an MTA reads it (sysexits.h):\n"
		"  0   delivered\n"
		"  75  EX_TEMPFAIL: the server could not be reached, refused the token, or\n"
		"      failed — the MTA keeps the message and tries again later\n"
		"  65  EX_DATAERR: the message will never be accepted (larger than 50 MiB,\n"
		"      or not a message)\n"
		"  64  EX_USAGE: wrong arguments\n");
}

struct reply {
	char buf[2048];
	size_t n;
};

static size_t keep(char *p, size_t size, size_t nmemb, void *arg)
{
	struct reply *r = arg;
	size_t n = size * nmemb, room = sizeof r->buf - 1 - r->n;
	memcpy(r->buf + r->n, p, n < room ? n : room);
	r->n += n < room ? n : room;
	r->buf[r->n] = 0;
	return n;
}

/* Reads standard input, up to FL_MAIL_MAX_BYTES; -1 when there is more. */
static long read_message(char **out)
{
	size_t cap = 1 << 16, n = 0;
	char *p = malloc(cap);

	while (p) {
		size_t k;
		if (n == cap) {
			char *q = cap > FL_MAIL_MAX_BYTES ? NULL : realloc(p, cap * 2);
			if (!q)
				break;
			p = q;
			cap *= 2;
		}
		k = fread(p + n, 1, cap - n, stdin);
		n += k;
		if (n > FL_MAIL_MAX_BYTES) {
			free(p);
			return -1;
		}
		if (k == 0)
			break;
	}
	*out = p;
	return p ? (long)n : -2;
}

int fl_cmd_mailgate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"url", required_argument, 0, 'u'},
		{"token", required_argument, 0, 't'},
		{"queue", required_argument, 0, 'q'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	const char *url = NULL, *token = getenv("FRONTLINE_TOKEN"), *queue = NULL;
	struct curl_slist *headers = NULL;
	struct reply reply = {{0}, 0};
	char endpoint[1024], auth[256], *msg = NULL;
	long n, status = 0;
	CURLcode cc;
	CURL *curl;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'u': url = optarg; break;
		case 't': token = optarg; break;
		case 'q': queue = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (!url || !token || !*token || optind < argc ||
	    (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))) {
		usage(stderr);
		return EX_USAGE;
	}
	n = read_message(&msg);
	if (n == -1) {
		fprintf(stderr, "frontline mailgate: the message is larger than %u bytes\n",
			FL_MAIL_MAX_BYTES);
		return EX_DATAERR;
	}
	if (n < 0) {
		fprintf(stderr, "frontline mailgate: out of memory\n");
		return EX_TEMPFAIL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	{
		char *q = queue ? curl_easy_escape(curl, queue, 0) : NULL;
		snprintf(endpoint, sizeof endpoint, "%.*s/api/v2/mail/inbound%s%s",
			 (int)(strlen(url) - (url[strlen(url) - 1] == '/')), url,
			 q ? "?queue=" : "", q ? q : "");
		curl_free(q);
	}
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	headers = curl_slist_append(headers, auth);
	headers = curl_slist_append(headers, "Content-Type: message/rfc822");
	headers = curl_slist_append(headers, "Expect:");
	curl_easy_setopt(curl, CURLOPT_URL, endpoint);
	/* nothing but the protocol meant, whatever a stored URL says */
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, msg);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	cc = curl_easy_perform(curl);
	if (cc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	free(msg);
	if (cc != CURLE_OK) {
		fprintf(stderr, "frontline mailgate: %s: %s (the message stays queued)\n", endpoint,
			curl_easy_strerror(cc));
		return EX_TEMPFAIL;
	}
	if (status >= 200 && status < 300)
		return 0;
	fprintf(stderr, "frontline mailgate: the server answered %ld: %s\n", status, reply.buf);
	/* a refused token, a busy or failing server: try again later; a
	 * message the server says is bad or too large: never */
	if (status == 413 || status == 415 || status == 422 || status == 400)
		return EX_DATAERR;
	return EX_TEMPFAIL;
}
