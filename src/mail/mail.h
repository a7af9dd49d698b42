/* E-mail as Frontline reads it: one message, parsed into plain C.
 *
 * fl_mail_parse (mime.c, on GMime) turns an RFC 5322 message into a struct
 * fl_mail: addresses, threading headers, the text to show (converted to
 * UTF-8 whatever the charset said, or failed to say), the HTML, and the
 * files. The rest of this header is rules without a library: reading
 * charsets (charset.c), cutting the quoted history off a reply (quote.c),
 * telling automatic mail from people's, and finding the ticket a reply
 * belongs to (inbound.c). */
#ifndef FL_MAIL_MAIL_H
#define FL_MAIL_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

#define FL_MAIL_MAX_ADDRS 50          /* To and Cc addresses kept each */
#define FL_MAIL_MAX_REFS 32           /* References kept (the last ones) */
#define FL_MAIL_MAX_FILES 50          /* attachments kept */
#define FL_MAIL_MAX_DEPTH 32          /* MIME nesting followed */
#define FL_MAIL_MAX_BYTES (50u << 20) /* a whole message */
#define FL_MAIL_MAX_AUTHRES 8         /* Authentication-Results headers kept (the topmost) */

struct fl_mail_addr {
	char *name;  /* display name, UTF-8, or NULL */
	char *email; /* lower case */
};

struct fl_mail_file {
	char *file_name;    /* as the message names it (cleaned later) */
	char *content_type; /* "type/subtype" */
	char *content_id;   /* for inline images (cid:), or NULL */
	const char *data;
	size_t n;
};

struct fl_mail {
	struct fl_mail_addr from;
	struct fl_mail_addr to[FL_MAIL_MAX_ADDRS], cc[FL_MAIL_MAX_ADDRS];
	size_t nto, ncc;
	char *reply_to;    /* an address, or NULL */
	char *subject;     /* UTF-8, "" when none */
	char *message_id;  /* without <>, or NULL */
	char *in_reply_to; /* without <>, or NULL */
	char *refs[FL_MAIL_MAX_REFS];
	size_t nrefs;
	int64_t date; /* Unix seconds, 0 when missing */
	char *text;   /* the text, UTF-8 (from text/plain, else from the HTML) */
	char *html;   /* the HTML part, UTF-8, or NULL */
	struct fl_mail_file files[FL_MAIL_MAX_FILES];
	size_t nfiles;
	size_t files_dropped;    /* past FL_MAIL_MAX_FILES */
	int automatic;           /* an auto-reply or bulk mail: never answer it */
	int report;              /* a delivery status notification (RFC 3464) */
	char *report_recipient;  /* its Final-Recipient address, lower case */
	char *report_status;     /* its Action, Status and Diagnostic-Code */
	char *report_message_id; /* the Message-ID of the message it is about */
	int truncated;           /* nesting past FL_MAIL_MAX_DEPTH was not followed */
	size_t addrs_refused;    /* From/To/Cc/Reply-To addresses that are not addr-specs */
	/* the Authentication-Results header values (RFC 8601), topmost first:
	 * the first ones were added by the hosts nearest to us; unparsed and
	 * untrusted until their authserv-id is checked */
	char *auth_results[FL_MAIL_MAX_AUTHRES];
	size_t nauth_results;
	/* set by fl_mail_parse_isolated only: the files' bytes are in a mapped
	 * temporary file, whose pages fl_mail_file_release gives back */
	int spooled;
};

/* Parses n bytes of an RFC 5322 message; strings and file bytes are copied
 * into a. Every address kept passed fl_email_normalize (an addr-spec with
 * no quotes, spaces or control characters, lower case); the others are
 * counted in addrs_refused, never kept. FL_EINVAL (e says why) for what is
 * not a message at all: no valid From address, nothing but garbage;
 * anything else is read as far as it goes. */
int fl_mail_parse(const char *raw, size_t n, fl_arena *a, struct fl_mail *out, struct fl_err *e);

/* Converts n bytes of text in charset (NULL or unknown: guessed) to UTF-8
 * in a. A label that does not fit the bytes (windows-1251 text sent as
 * ISO-8859-1, KOI8-R as windows-1251) is overruled by the candidate that
 * reads best: UTF-8, windows-1251, KOI8-U, KOI8-R, ISO-8859-5,
 * windows-1257, ISO-8859-13, ISO-8859-1. Never fails for want of a
 * charset: bytes nothing reads become U+FFFD, and so does a NUL (the text
 * after it is kept). NULL only when out of memory. */
char *fl_mail_to_utf8(const char *p, size_t n, const char *charset, fl_arena *a);

/* The text of an unstructured header value (Subject; n bytes, raw as it
 * came) in UTF-8 in a: folding undone, RFC 2047 encoded words decoded each
 * on its own (charset.c: adjacent words in one charset joined as bytes,
 * the white space between words dropped, charsets read as
 * fl_mail_to_utf8 reads them), raw 8-bit text between them read as
 * fl_mail_to_utf8 does, white space trimmed at both ends. NULL only when
 * out of memory. */
char *fl_mail_words_decode(const char *p, size_t n, fl_arena *a);

/* A structured header value (From, To, Cc, Reply-To) as it came, in a,
 * with each run of adjacent encoded words replaced by one encoded word,
 * "=?UTF-8?B?…?=", of the run's text as fl_mail_words_decode reads it:
 * what an address parser that decodes a run as one word (GMime, see
 * mime.c) then reads right. The rest is left as it was. NULL only when
 * out of memory. */
char *fl_mail_words_rejoin(const char *p, size_t n, fl_arena *a);

/* The new text of a reply: text cut before the first line that starts
 * quoted history ("On … wrote:", "-----Original Message-----", an Outlook
 * "From:/Sent:" block, "пишет:", "написав:", "rašė:", or a run of "> "
 * lines to the end), with trailing blank lines removed. When nothing would
 * be left, the whole text. Returns a pointer into a (or text itself). */
char *fl_mail_strip_quotes(char *text, fl_arena *a);

/* A message to send. */
struct fl_mail_out {
	const char *from, *from_name; /* our address, and the name people see */
	const char *to[FL_MAIL_MAX_ADDRS + 1];
	size_t nto;
	const char *subject;
	const char *message_id;  /* without <> */
	const char *in_reply_to; /* without <>, or NULL */
	const char *refs[FL_MAIL_MAX_REFS];
	size_t nrefs;
	const char *text, *html; /* UTF-8; html may be NULL */
	int automatic;           /* a notification: Auto-Submitted: auto-generated */
	/* an https:// or http:// URL that unsubscribes the recipient, or NULL:
	 * List-Unsubscribe and List-Unsubscribe-Post (RFC 2369, RFC 8058) */
	const char *list_unsubscribe;
	int64_t date;
};

/* Writes m as a MIME message (multipart/alternative when there is HTML,
 * UTF-8, encoded-word subject and names, our Message-ID, In-Reply-To and
 * References, Reply-To our address) into a. */
int fl_mail_build(const struct fl_mail_out *m, fl_arena *a, char **out, size_t *n);

/* Sending through an SMTP relay (smtp.c, libcurl). url is smtp://HOST:PORT
 * or smtps://HOST:PORT (implicit TLS); starttls requires STARTTLS on smtp://;
 * user and password (NULL: none) for AUTH. FL_EBUSY when the relay cannot
 * be reached or refuses for now (4xx), FL_EINVAL when it refuses for good. */
struct fl_smtp {
	const char *url, *user, *password;
	int starttls;
};
int fl_smtp_send(const struct fl_smtp *relay, const char *from, const char *const *rcpt,
		 size_t nrcpt, const char *data, size_t n, struct fl_err *e);

/* The language of a text, for the notifications its sender gets: "uk" with
 * Ukrainian letters, "ru" with other Cyrillic, "lt" with Lithuanian
 * letters, else "en". */
const char *fl_mail_language(const char *text);

/* The ticket id in a subject's "[#123]" token, or 0. */
int64_t fl_mail_subject_ticket(const char *subject);

#endif
