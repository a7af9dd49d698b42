/* Parsing a message with GMime 3 (mail.h, fl_mail_parse): the only file
 * that includes gmime.h. GMime decodes transfer encodings, RFC 2231
 * parameters and the RFC 2047 encoded words of file names; text is
 * converted to UTF-8 here (fl_mail_to_utf8), since labels are often wrong.
 *
 * The encoded words of the subject and of display names are not left to
 * GMime: 3.2.13 (Debian 12) decodes a run of adjacent words in one charset
 * by joining their encoded text before decoding it, so a B word that ends
 * in "=" padding swallows the words after it — "=?utf-8?b?0KXQvtGC0Y8=?=
 * =?utf-8?b?0Y/RgiA=?=" reads "Хотя", not "Хотяят ", and Python's e-mail
 * package folds every long non-ASCII subject that way. The subject is
 * decoded from the raw header (fl_mail_words_decode, each word on its
 * own), and GMime parses address headers only after each run of words has
 * been made one word (fl_mail_words_rejoin). tests/unit/mail/test_mail_words.c
 * holds the shapes real mailers write. */
#include <gmime/gmime.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "mail/mail.h"
#include "mail/parser.h"

struct walk {
	fl_arena *a;
	struct fl_mail *m;
	int err;
	GMimeParserOptions *opts;
	int in_forward; /* inside a forwarded message: its text only when ours has none */
	size_t decoded; /* bytes of parts decoded so far (FL_MAIL_MAX_DECODED) */
};

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	g_mime_init();
}

static char *copy(fl_arena *a, const char *z, int *err)
{
	char *s;
	if (!z)
		return NULL;
	/* GMime gives UTF-8, but a raw 8-bit header may not be */
	s = fl_utf8_valid(z, strlen(z)) ? fl_arena_strdup(a, z)
					: fl_mail_to_utf8(z, strlen(z), NULL, a);
	if (!s)
		*err = FL_ENOMEM;
	return s;
}

/* GMime's parse of an address list (never NULL: an empty list), in a
 * function of its own for tests/fuzz/lsan.supp to name: 3.2.13 leaks a
 * GString in its address parser on some broken lists. The caller unrefs. */
static InternetAddressList *gmime_addresses(GMimeParserOptions *opts, const char *text)
{
	InternetAddressList *list = internet_address_list_parse(opts, text);
	return list ? list : internet_address_list_new();
}

/* The addresses of every header called name, parsed by GMime from the raw
 * values with each run of encoded words rejoined (see the top of the
 * file). The caller unrefs the list. */
static InternetAddressList *address_list(struct walk *w, GMimeMessage *msg, const char *name)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	InternetAddressList *all = internet_address_list_new();
	int n = list ? g_mime_header_list_get_count(list) : 0;

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *v = g_mime_header_get_raw_value(h);
		InternetAddressList *one;
		char *fixed;
		if (!v || strcasecmp(g_mime_header_get_name(h), name))
			continue;
		if (!(fixed = fl_mail_words_rejoin(v, strlen(v), w->a))) {
			w->err = FL_ENOMEM;
			break;
		}
		one = gmime_addresses(w->opts, fixed);
		internet_address_list_append(all, one);
		g_object_unref(one);
	}
	return all;
}

/* The subject in UTF-8 (see the top of the file), "" when there is none. */
static char *subject(struct walk *w, GMimeMessage *msg)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	GMimeHeader *h = list ? g_mime_header_list_get_header(list, "Subject") : NULL;
	const char *v = h ? g_mime_header_get_raw_value(h) : NULL;
	char *s = fl_mail_words_decode(v ? v : "", v ? strlen(v) : 0, w->a);

	if (!s)
		w->err = FL_ENOMEM;
	return s;
}

static char *lower(char *s)
{
	for (char *p = s; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

/* Fills out (up to max) from an address list, groups flattened. */
static size_t addresses(struct walk *w, InternetAddressList *list, struct fl_mail_addr *out,
			size_t max, size_t have)
{
	int n = list ? internet_address_list_length(list) : 0;

	for (int i = 0; i < n && have < max; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			have = addresses(
				w, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)),
				out, max, have);
			continue;
		}
		const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
		char *email = addr ? copy(w->a, addr, &w->err) : NULL;
		/* what is not a plain addr-spec (a quoted local part holding CR LF
		 * and an SMTP command, say) never becomes anyone's address */
		if (!email || fl_email_normalize(email)) {
			w->m->addrs_refused++;
			continue;
		}
		out[have].email = email;
		out[have].name = internet_address_get_name(ia) && *internet_address_get_name(ia)
					 ? copy(w->a, internet_address_get_name(ia), &w->err)
					 : NULL;
		have++;
	}
	return have;
}

/* The decoded bytes of a part, in a. */
static const char *content(struct walk *w, GMimePart *part, size_t *n)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *ba;
	char *p;

	*n = 0;
	if (!dw)
		return "";
	/* decoding never makes a part larger than its encoded bytes: past the
	 * budget, the part is not decoded at all, and the message is flagged */
	if (w->decoded + (size_t)MAX(g_mime_stream_length(g_mime_data_wrapper_get_stream(dw)), 0) >
	    FL_MAIL_MAX_DECODED) {
		w->m->truncated = 1;
		return "";
	}
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(dw, mem);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	p = fl_arena_alloc(w->a, ba->len + 1);
	if (p) {
		if (ba->len) /* an empty array has no data at all */
			memcpy(p, ba->data, ba->len);
		p[ba->len] = 0;
		*n = ba->len;
		w->decoded += ba->len;
	} else {
		w->err = FL_ENOMEM;
	}
	g_object_unref(mem);
	return p ? p : "";
}

static void add_file(struct walk *w, GMimeObject *obj, const char *data, size_t n,
		     const char *fallback_name)
{
	struct fl_mail *m = w->m;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *name = GMIME_IS_PART(obj) ? g_mime_part_get_filename(GMIME_PART(obj)) : NULL;
	char type[128];
	struct fl_mail_file *f;

	if (m->nfiles == FL_MAIL_MAX_FILES) {
		m->files_dropped++;
		return;
	}
	f = &m->files[m->nfiles++];
	snprintf(type, sizeof type, "%s/%s",
		 ct ? g_mime_content_type_get_media_type(ct) : "application",
		 ct ? g_mime_content_type_get_media_subtype(ct) : "octet-stream");
	f->file_name = copy(w->a, name && *name ? name : fallback_name, &w->err);
	f->content_type = copy(w->a, lower(type), &w->err);
	f->content_id = GMIME_IS_PART(obj)
				? copy(w->a, g_mime_part_get_content_id(GMIME_PART(obj)), &w->err)
				: NULL;
	f->data = data;
	f->n = n;
}

/* Text of an HTML part, roughly: tags dropped, entities for the few that
 * matter decoded, blocks on their own lines. For a message with no plain
 * text; the HTML itself is kept for display. */
static char *html_to_text(const char *html, fl_arena *a)
{
	size_t n = strlen(html), k = 0;
	char *out = fl_arena_alloc(a, n + 1);
	const char *p = html;

	if (!out)
		return NULL;
	while (*p) {
		if (*p == '<') {
			const char *end = strchr(p, '>');
			if (!strncasecmp(p, "<br", 3) || !strncasecmp(p, "<p", 2) ||
			    !strncasecmp(p, "</p", 3) || !strncasecmp(p, "<div", 4) ||
			    !strncasecmp(p, "</div", 5))
				out[k++] = '\n';
			if (!strncasecmp(p, "<style", 6) || !strncasecmp(p, "<script", 7)) {
				const char *close = strcasestr(
					p, !strncasecmp(p, "<style", 6) ? "</style" : "</script");
				end = close ? strchr(close, '>') : NULL;
			}
			if (!end)
				break;
			p = end + 1;
		} else if (*p == '&') {
			static const struct {
				const char *ent, *text;
			} ents[] = {{"&nbsp;", " "}, {"&amp;", "&"},   {"&lt;", "<"},
				    {"&gt;", ">"},   {"&quot;", "\""}, {"&#39;", "'"}};
			size_t i;
			for (i = 0; i < sizeof ents / sizeof *ents; i++)
				if (!strncasecmp(p, ents[i].ent, strlen(ents[i].ent)))
					break;
			if (i < sizeof ents / sizeof *ents) {
				out[k++] = ents[i].text[0];
				p += strlen(ents[i].ent);
			} else {
				out[k++] = *p++;
			}
		} else {
			out[k++] = *p++;
		}
	}
	out[k] = 0;
	return out;
}

/* Line ends as "\n", no white space at the end. */
static void tidy(char *s)
{
	char *w = s;
	for (const char *p = s; *p; p++)
		if (!(*p == '\r' && p[1] == '\n'))
			*w++ = *p;
	while (w > s && (w[-1] == ' ' || w[-1] == '\t' || w[-1] == '\n' || w[-1] == '\r'))
		w--;
	*w = 0;
}

/* The value of header name in the text block p (a delivery-status part,
 * rfc822 headers), without leading white space, in a; NULL when absent. */
static char *field(const char *p, const char *name, fl_arena *a)
{
	size_t n = strlen(name);
	for (const char *line = p; line && *line;) {
		const char *end = line + strcspn(line, "\r\n");
		if ((size_t)(end - line) > n && !strncasecmp(line, name, n) && line[n] == ':') {
			const char *v = line + n + 1;
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			return fl_arena_strndup(a, v, (size_t)(end - v));
		}
		line = *end ? end + 1 + (end[0] == '\r' && end[1] == '\n') : NULL;
	}
	return NULL;
}

/* What a delivery report says: who could not be reached, why, and about
 * which message of ours. */
static void report_fields(struct walk *w, const char *text, int headers)
{
	struct fl_mail *m = w->m;
	char *v;

	if (headers) {
		if (!m->report_message_id && (v = field(text, "Message-ID", w->a))) {
			char *id = g_mime_utils_decode_message_id(v);
			m->report_message_id = id ? copy(w->a, id, &w->err) : NULL;
			g_free(id);
		}
		return;
	}
	if (!m->report_recipient && (v = field(text, "Final-Recipient", w->a))) {
		char *semi = strchr(v, ';');
		char *addr = semi ? semi + 1 : v;
		while (*addr == ' ')
			addr++;
		m->report_recipient = lower(addr);
	}
	if (!m->report_status) {
		char *action = field(text, "Action", w->a), *status = field(text, "Status", w->a);
		char *diag = field(text, "Diagnostic-Code", w->a);
		size_t n = 64 + (action ? strlen(action) : 0) + (status ? strlen(status) : 0) +
			   (diag ? strlen(diag) : 0);
		if ((m->report_status = fl_arena_alloc(w->a, n)))
			snprintf(m->report_status, n, "%s %s%s%s", action ? action : "failed",
				 status ? status : "", diag ? ": " : "", diag ? diag : "");
	}
}

static void walk(struct walk *w, GMimeObject *obj, int depth);

static void walk_message(struct walk *w, GMimeMessage *msg, int depth)
{
	GMimeObject *body = msg ? g_mime_message_get_mime_part(msg) : NULL;
	if (body)
		walk(w, body, depth + 1);
}

static void walk(struct walk *w, GMimeObject *obj, int depth)
{
	struct fl_mail *m = w->m;
	GMimeContentType *ct;
	GMimeContentDisposition *disp;
	int attachment;

	if (depth > FL_MAIL_MAX_DEPTH) {
		m->truncated = 1;
		return;
	}
	ct = g_mime_object_get_content_type(obj);
	if (GMIME_IS_MULTIPART(obj)) {
		int n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		if (ct && g_mime_content_type_is_type(ct, "multipart", "report"))
			m->report = 1;
		for (int i = 0; i < n; i++)
			walk(w, g_mime_multipart_get_part(GMIME_MULTIPART(obj), i), depth + 1);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		/* a forwarded message: its bytes as a file, its text when ours has none */
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		char *raw = inner ? g_mime_object_to_string(GMIME_OBJECT(inner), NULL) : NULL;
		if (m->report && inner && !m->report_message_id &&
		    g_mime_message_get_message_id(inner))
			m->report_message_id =
				copy(w->a, g_mime_message_get_message_id(inner), &w->err);
		if (raw && w->decoded + strlen(raw) > FL_MAIL_MAX_DECODED) {
			m->truncated = 1; /* forwards in forwards: each copy counts */
		} else if (raw) {
			char *copy_raw = fl_arena_strdup(w->a, raw);
			if (copy_raw) {
				w->decoded += strlen(copy_raw);
				add_file(w, obj, copy_raw, strlen(copy_raw), "forwarded.eml");
			}
		}
		g_free(raw);
		w->in_forward++;
		walk_message(w, inner, depth);
		w->in_forward--;
		return;
	}
	if (!GMIME_IS_PART(obj))
		return;
	disp = g_mime_object_get_content_disposition(obj);
	attachment = disp && g_mime_content_disposition_is_attachment(disp);
	if (m->report && ct &&
	    (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
	     g_mime_content_type_is_type(ct, "text", "rfc822-headers"))) {
		size_t n;
		const char *b = content(w, GMIME_PART(obj), &n);
		report_fields(w, b, g_mime_content_type_is_type(ct, "text", "rfc822-headers"));
		return;
	}
	/* a forward's parts are in its .eml already */
	if (w->in_forward &&
	    (attachment || !ct || !g_mime_content_type_is_type(ct, "text", "*") || m->text))
		return;
	if (!attachment && ct && g_mime_content_type_is_type(ct, "text", "plain") && !m->text) {
		size_t n;
		const char *b = content(w, GMIME_PART(obj), &n);
		m->text = fl_mail_to_utf8(b, n, g_mime_content_type_get_parameter(ct, "charset"),
					  w->a);
		if (!m->text)
			w->err = FL_ENOMEM;
		return;
	}
	if (!attachment && ct && g_mime_content_type_is_type(ct, "text", "html") && !m->html) {
		size_t n;
		const char *b = content(w, GMIME_PART(obj), &n);
		m->html = fl_mail_to_utf8(b, n, g_mime_content_type_get_parameter(ct, "charset"),
					  w->a);
		if (!m->html)
			w->err = FL_ENOMEM;
		return;
	}
	{
		size_t n;
		const char *b = content(w, GMIME_PART(obj), &n);
		add_file(w, obj, b, n, "attachment");
	}
}

static const char *header(GMimeMessage *msg, const char *name)
{
	return g_mime_object_get_header(GMIME_OBJECT(msg), name);
}

/* Auto-replies and bulk mail (RFC 3834 and the usual signs). */
static int automatic(GMimeMessage *msg)
{
	const char *v;
	if ((v = header(msg, "Auto-Submitted")) && strncasecmp(v, "no", 2))
		return 1;
	if ((v = header(msg, "Precedence")) &&
	    (strcasestr(v, "bulk") || strcasestr(v, "junk") || strcasestr(v, "list") ||
	     strcasestr(v, "auto_reply")))
		return 1;
	if (header(msg, "X-Auto-Response-Suppress") || header(msg, "List-Id") ||
	    header(msg, "List-Unsubscribe") || header(msg, "X-Autoreply") ||
	    header(msg, "X-Autorespond"))
		return 1;
	if ((v = header(msg, "Return-Path")) && strstr(v, "<>"))
		return 1;
	return 0;
}

/* s with its folding undone in place (RFC 5322 section 2.2.3: a line
 * break before white space is removed) and a trailing line break dropped. */
static char *unfold(char *s)
{
	char *w = s;

	for (const char *p = s; p && *p; p++)
		if (*p != '\r' && *p != '\n')
			*w++ = *p;
	if (w)
		*w = 0;
	return s;
}

/* The Authentication-Results headers, in the order they appear. */
static void auth_results(struct walk *w, GMimeMessage *msg)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	int n = list ? g_mime_header_list_get_count(list) : 0;

	for (int i = 0; i < n && w->m->nauth_results < FL_MAIL_MAX_AUTHRES; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		/* the raw value: GMime's decoded one turns RFC 2047 encoded words
		 * into text, and a sender who puts "=?us-ascii?q?x=3B_spf=3Dpass…?="
		 * in his MAIL FROM would have our host's header say what he likes */
		const char *v = g_mime_header_get_raw_value(h);
		if (v && !strcasecmp(g_mime_header_get_name(h), "Authentication-Results"))
			w->m->auth_results[w->m->nauth_results++] = unfold(copy(w->a, v, &w->err));
	}
}

static char *message_id(struct walk *w, const char *raw)
{
	char *id, *s;
	if (!raw)
		return NULL;
	id = g_mime_utils_decode_message_id(raw);
	s = id && *id ? copy(w->a, id, &w->err) : NULL;
	g_free(id);
	return s;
}

/* Counting parts before GMime builds a tree (RFC 2046 section 5.1.1).
 *
 * GMime allocates a couple of kilobytes for every part it meets, so 5.7 MB
 * of 100,000 empty parts became some 180 MB. The count is taken from the
 * raw bytes: every line that is "--" and a boundary some Content-Type
 * declares (optionally "--" after it, then white space: what GMime takes
 * for a delimiter), plus every "Content-Type: message/…" header (a
 * forwarded message nests without a delimiter). A boundary this scan
 * cannot read as GMime does (RFC 2231 "boundary*=", backslash escapes)
 * could hide delimiters from it, so every line that starts with "--" is
 * also counted, against a limit 20 times higher.
 *
 * Past the limit the message is refused (FL_EINVAL, 422, a reason that
 * names the limit) rather than read in part: no mail program writes a
 * thousand parts (we keep 50 files anyway), a sender whose message was
 * cut would never know what was lost, and a refusal reaches them as a
 * bounce (mailgate's EX_DATAERR) or, for IMAP, a FrontlineRefused keyword
 * and a log line. */
#define DASH_LINES_MAX (20 * FL_MAIL_MAX_PARTS)

struct bound {
	const char *p;
	size_t n;
};

static int bound_cmp(const void *x, const void *y)
{
	const struct bound *a = x, *b = y;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return memcmp(a->p, b->p, a->n);
}

static int is_lwsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The boundaries declared in raw (at most max, plus one to say "more"). */
static size_t boundaries(const char *raw, size_t n, struct bound *out, size_t max)
{
	static const char name[] = "boundary";
	const char *end = raw + n;
	size_t k = 0;

	for (const char *p = raw; k <= max && (p = memmem(p, (size_t)(end - p), "oundary", 7));) {
		const char *v;
		if (p == raw || strncasecmp(p - 1, name, sizeof name - 1)) {
			p++;
			continue;
		}
		p += sizeof name - 2;
		v = p;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v == end || *v != '=')
			continue;
		for (v++; v < end && (*v == ' ' || *v == '\t');)
			v++;
		if (v < end && *v == '"') {
			const char *q = memchr(v + 1, '"', (size_t)(end - v - 1));
			if (!q)
				continue;
			out[k++] = (struct bound){v + 1, (size_t)(q - v - 1)};
			p = q;
		} else {
			const char *q = v;
			while (q < end && !is_lwsp(*q) && *q != ';' && *q != '"')
				q++;
			out[k++] = (struct bound){v, (size_t)(q - v)};
			p = q;
		}
	}
	return k;
}

/* Whether the line "--" b [--] is a delimiter of a declared boundary. */
static int is_delimiter(const char *b, size_t len, const struct bound *set, size_t nset)
{
	struct bound key = {b, len};
	while (key.n && is_lwsp(key.p[key.n - 1]))
		key.n--;
	if (bsearch(&key, set, nset, sizeof *set, bound_cmp))
		return 1;
	if (key.n >= 2 && key.p[key.n - 2] == '-' && key.p[key.n - 1] == '-') {
		key.n -= 2;
		return bsearch(&key, set, nset, sizeof *set, bound_cmp) != NULL;
	}
	return 0;
}

/* Whether raw holds more than FL_MAIL_MAX_PARTS parts (see above). */
static int too_many_parts(const char *raw, size_t n, fl_arena *a, int *err)
{
	struct bound *set = fl_arena_alloc(a, (FL_MAIL_MAX_PARTS + 1) * sizeof *set);
	const char *end = raw + n;
	size_t nset, parts = 0, dashes = 0;

	if (!set) {
		*err = FL_ENOMEM;
		return 0;
	}
	nset = boundaries(raw, n, set, FL_MAIL_MAX_PARTS);
	if (nset > FL_MAIL_MAX_PARTS)
		return 1; /* each declaration is a multipart: a part of its own */
	qsort(set, nset, sizeof *set, bound_cmp);
	for (const char *line = raw; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		size_t len = eol ? (size_t)(eol - line) : (size_t)(end - line);
		if (len >= 2 && line[0] == '-' && line[1] == '-') {
			dashes++;
			parts += is_delimiter(line + 2, len - 2, set, nset);
		} else if (len > 13 && !strncasecmp(line, "Content-Type:", 13)) {
			const char *v = line + 13;
			while (v < end && is_lwsp(*v)) /* folded lines too */
				v++;
			parts += (size_t)(end - v) > 8 && !strncasecmp(v, "message/", 8);
		}
		if (parts > FL_MAIL_MAX_PARTS || dashes > DASH_LINES_MAX)
			return 1;
		line = eol ? eol + 1 : end;
	}
	return 0;
}

int fl_mail_parse(const char *raw, size_t n, fl_arena *a, struct fl_mail *out, struct fl_err *e)
{
	static const char *fallback[] = {"UTF-8", "windows-1251", NULL};
	struct walk w = {a, out, 0, NULL, 0, 0};
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeReferences *refs;
	GDateTime *date;
	const char *v;

	memset(out, 0, sizeof *out);
	if (n > FL_MAIL_MAX_BYTES)
		return fl_err_set(e, FL_ETOOBIG, NULL, NULL, "the message is larger than %u bytes",
				  FL_MAIL_MAX_BYTES);
	if (too_many_parts(raw, n, a, &w.err))
		return fl_err_set(e, FL_EINVAL, "message", "TooManyParts",
				  "the message has more than %d MIME parts", FL_MAIL_MAX_PARTS);
	if (w.err)
		return w.err;
	pthread_once(&once, init);
	w.opts = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(w.opts, fallback);
	stream = g_mime_stream_mem_new_with_buffer(raw, n);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	msg = g_mime_parser_construct_message(parser, w.opts);
	g_object_unref(parser);
	if (!msg) {
		g_mime_parser_options_free(w.opts);
		return fl_err_set(e, FL_EINVAL, NULL, NULL, "this is not an e-mail message");
	}
	{
		InternetAddressList *from = address_list(&w, msg, "From");
		InternetAddressList *to = address_list(&w, msg, "To");
		InternetAddressList *cc = address_list(&w, msg, "Cc");
		InternetAddressList *reply_to = address_list(&w, msg, "Reply-To");
		struct fl_mail_addr rt = {0};
		addresses(&w, from, &out->from, 1, 0);
		out->nto = addresses(&w, to, out->to, FL_MAIL_MAX_ADDRS, 0);
		out->ncc = addresses(&w, cc, out->cc, FL_MAIL_MAX_ADDRS, 0);
		if (addresses(&w, reply_to, &rt, 1, 0))
			out->reply_to = rt.email;
		g_object_unref(from);
		g_object_unref(to);
		g_object_unref(cc);
		g_object_unref(reply_to);
	}
	out->subject = subject(&w, msg);
	out->message_id = copy(a, g_mime_message_get_message_id(msg), &w.err);
	out->in_reply_to = message_id(&w, header(msg, "In-Reply-To"));
	if ((v = header(msg, "References")) && (refs = g_mime_references_parse(w.opts, v))) {
		int k = g_mime_references_length(refs);
		for (int i = k > FL_MAIL_MAX_REFS ? k - FL_MAIL_MAX_REFS : 0; i < k; i++)
			out->refs[out->nrefs++] =
				copy(a, g_mime_references_get_message_id(refs, i), &w.err);
		g_mime_references_free(refs);
	}
	if ((date = g_mime_message_get_date(msg)))
		out->date = g_date_time_to_unix(date);
	out->automatic = automatic(msg);
	auth_results(&w, msg);
	walk_message(&w, msg, 0);
	g_object_unref(msg);
	g_mime_parser_options_free(w.opts);
	if (w.err)
		return w.err;
	if (!out->text)
		out->text = out->html ? html_to_text(out->html, a) : fl_arena_strdup(a, "");
	if (!out->text)
		return FL_ENOMEM;
	tidy(out->text);
	if (!out->from.email)
		return fl_err_set(
			e, FL_EINVAL, "from", NULL,
			out->addrs_refused
				? "the message's From address is not a valid e-mail address"
				: "the message has no From address");
	return 0;
}

static GMimePart *text_part(const char *subtype, const char *text)
{
	GMimeTextPart *p = g_mime_text_part_new_with_subtype(subtype);
	g_mime_text_part_set_text(p, text); /* sets charset=utf-8 */
	g_mime_part_set_content_encoding(GMIME_PART(p), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return GMIME_PART(p);
}

int fl_mail_build(const struct fl_mail_out *m, fl_arena *a, char **out, size_t *n)
{
	GMimeMessage *msg;
	GMimeObject *body;
	GMimeFormatOptions *fo;
	GDateTime *date;
	char *raw, *refs = NULL;
	int rc = 0;

	pthread_once(&once, init);
	msg = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, m->from_name, m->from);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_REPLY_TO, m->from_name, m->from);
	for (size_t i = 0; i < m->nto; i++)
		g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, m->to[i]);
	g_mime_message_set_subject(msg, m->subject, "utf-8");
	g_mime_message_set_message_id(msg, m->message_id);
	date = g_date_time_new_from_unix_utc(m->date);
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	if (m->in_reply_to) {
		char *v = g_strdup_printf("<%s>", m->in_reply_to);
		g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To", v, NULL);
		g_free(v);
	}
	for (size_t i = 0; i < m->nrefs; i++) {
		char *v =
			g_strdup_printf("%s%s<%s>", refs ? refs : "", refs ? " " : "", m->refs[i]);
		g_free(refs);
		refs = v;
	}
	if (refs) {
		g_mime_object_set_header(GMIME_OBJECT(msg), "References", refs, NULL);
		g_free(refs);
	}
	if (m->automatic)
		g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted", "auto-generated",
					 NULL);
	if (m->list_unsubscribe) {
		char *v = g_strdup_printf("<%s>", m->list_unsubscribe);
		g_mime_object_set_header(GMIME_OBJECT(msg), "List-Unsubscribe", v, NULL);
		g_mime_object_set_header(GMIME_OBJECT(msg), "List-Unsubscribe-Post",
					 "List-Unsubscribe=One-Click", NULL);
		g_free(v);
	}
	if (m->html) {
		GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
		GMimePart *t = text_part("plain", m->text), *h = text_part("html", m->html);
		g_mime_multipart_add(alt, GMIME_OBJECT(t));
		g_mime_multipart_add(alt, GMIME_OBJECT(h));
		g_object_unref(t);
		g_object_unref(h);
		body = GMIME_OBJECT(alt);
	} else {
		body = GMIME_OBJECT(text_part("plain", m->text));
	}
	g_mime_message_set_mime_part(msg, body);
	g_object_unref(body);
	/* SMTP wants CRLF line ends: a relay reads bare LFs as one long line */
	fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	raw = g_mime_object_to_string(GMIME_OBJECT(msg), fo);
	g_mime_format_options_free(fo);
	g_object_unref(msg);
	if (!raw)
		return FL_ENOMEM;
	*n = strlen(raw);
	if (!(*out = fl_arena_strndup(a, raw, *n)))
		rc = FL_ENOMEM;
	g_free(raw);
	return rc;
}
