/* Sending a message through an SMTP relay with libcurl (mail.h). */
#include <curl/curl.h>
#include <string.h>

#include "core/str.h"
#include "mail/mail.h"

struct source {
	const char *p;
	size_t left;
};

static size_t feed(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct source *s = arg;
	size_t n = size * nmemb < s->left ? size * nmemb : s->left;
	memcpy(buf, s->p, n);
	s->p += n;
	s->left -= n;
	return n;
}

/* Whether z may go into MAIL FROM or RCPT TO: an addr-spec exactly as
 * fl_email_normalize keeps it (no quotes, spaces, CR, LF or other control
 * characters, nothing to trim). libcurl writes the address into the command
 * as it is, so "a\r\nRCPT TO:<b>" would be a second command. */
static int commandable(const char *z)
{
	char copy[256];
	size_t n = z ? strlen(z) : 0;

	if (!n || n >= sizeof copy)
		return 0;
	memcpy(copy, z, n + 1);
	return !fl_email_normalize(copy) && strlen(copy) == n;
}

int fl_smtp_send(const struct fl_smtp *relay, const char *from, const char *const *rcpt,
		 size_t nrcpt, const char *data, size_t n, struct fl_err *e)
{
	struct source src = {data, n};
	struct curl_slist *to = NULL;
	char sender[300];
	long code = 0;
	CURLcode cc;
	CURL *curl;

	/* every address that becomes an SMTP command is checked here, the one
	 * place all mail goes out through, before any connection */
	if (!commandable(from))
		return fl_err_set(e, FL_EINVAL, "from", "InvalidValue",
				  "not sent: the sender is not an e-mail address");
	if (!nrcpt)
		return fl_err_set(e, FL_EINVAL, "to", "Blank", "not sent: no recipient");
	for (size_t i = 0; i < nrcpt; i++)
		if (!commandable(rcpt[i]))
			return fl_err_set(e, FL_EINVAL, "to", "InvalidValue",
					  "not sent: recipient %zu is not an e-mail address",
					  i + 1);
	if (!(curl = curl_easy_init()))
		return FL_ENOMEM;
	snprintf(sender, sizeof sender, "<%s>", from);
	for (size_t i = 0; i < nrcpt; i++)
		to = curl_slist_append(to, rcpt[i]);
	curl_easy_setopt(curl, CURLOPT_URL, relay->url);
	/* nothing but the protocol meant, whatever a stored URL says */
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, sender);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, feed);
	curl_easy_setopt(curl, CURLOPT_READDATA, &src);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
	if (relay->starttls)
		curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (relay->user && *relay->user) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, relay->user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, relay->password ? relay->password : "");
	}
	cc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(to);
	curl_easy_cleanup(curl);
	if (cc == CURLE_OK)
		return 0;
	/* a 5xx answer is the relay's final word on this message */
	if (code >= 500 && code < 600)
		return fl_err_set(e, FL_EINVAL, NULL, NULL,
				  "the relay refused the message (%ld): %s", code,
				  curl_easy_strerror(cc));
	return fl_err_set(e, FL_EBUSY, NULL, NULL, "the relay %s: %s",
			  code ? "deferred it" : "is unreachable", curl_easy_strerror(cc));
}
