/* Cutting the quoted history off a reply, and the subject's ticket token. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "mail/mail.h"

/* Whether line (len bytes) ends, ignoring trailing white space, with suffix. */
static int ends_with(const char *line, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	return len >= n && !memcmp(line + len - n, suffix, n);
}

static int starts_with(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	return len >= n && !strncasecmp(line, prefix, n);
}

/* The lines that introduce quoted history, in the languages we read. The
 * "… wrote:" forms end a line (the sender's name and date come first). */
static const char *const intro_ends[] = {
	"wrote:",       "writes:", "пишет:", "написал:", "написала:", "написал(а):", "написав:",
	"написала(в):", "пише:",   "rašė:",  "parašė:",  "schrieb:",  "a écrit :",   "a écrit:",
};
static const char *const intro_starts[] = {
	"-----Original Message-----",       "----- Original Message -----",
	"-----Исходное сообщение-----",     "-----Оригинальное сообщение-----",
	"-----Вихідне повідомлення-----",   "-----Originalus pranešimas-----",
	"________________________________", "Begin forwarded message:",
};
/* Outlook's block: a "From:" line followed by a "Sent:" (or "Date:") line. */
static const char *const from_names[] = {"From:", "От:", "Від:", "Nuo:"};
static const char *const sent_names[] = {
	"Sent:", "Date:", "Отправлено:", "Надіслано:", "Išsiųsta:", "Дата:"};

static int any_start(const char *line, size_t len, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (starts_with(line, len, list[i]))
			return 1;
	return 0;
}

/* Whether the quote starts at line (len bytes, next the rest after it). */
static int quote_starts(const char *line, size_t len, const char *next)
{
	for (size_t i = 0; i < sizeof intro_ends / sizeof *intro_ends; i++)
		if (ends_with(line, len, intro_ends[i]))
			return 1;
	if (any_start(line, len, intro_starts, sizeof intro_starts / sizeof *intro_starts))
		return 1;
	if (any_start(line, len, from_names, sizeof from_names / sizeof *from_names) && next) {
		size_t nl = strcspn(next, "\n");
		return any_start(next, nl, sent_names, sizeof sent_names / sizeof *sent_names);
	}
	return 0;
}

/* Whether from p to the end every line is quoted ("> ") or blank. */
static int only_quoted(const char *p)
{
	while (*p) {
		size_t n = strcspn(p, "\n");
		size_t i = 0;
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
			i++;
		if (i < n && p[i] != '>')
			return 0;
		p += n + (p[n] == '\n');
	}
	return 1;
}

char *fl_mail_strip_quotes(char *text, fl_arena *a)
{
	const char *p = text, *cut = NULL;
	size_t keep;

	if (!text)
		return text;
	while (*p && !cut) {
		size_t n = strcspn(p, "\n");
		const char *next = p[n] ? p + n + 1 : NULL;
		if (quote_starts(p, n, next) ||
		    ((*p == '>' || !strncmp(p, " >", 2)) && only_quoted(p)))
			cut = p;
		p = next ? next : p + n;
	}
	if (!cut)
		return text;
	keep = (size_t)(cut - text);
	while (keep && isspace((unsigned char)text[keep - 1]))
		keep--;
	if (!keep)
		return text; /* nothing but a quote: keep it all */
	{
		char *out = fl_arena_strndup(a, text, keep);
		return out ? out : text;
	}
}

int64_t fl_mail_subject_ticket(const char *subject)
{
	const char *p = subject;

	while (p && (p = strstr(p, "[#")) != NULL) {
		int64_t id = 0;
		const char *q = p + 2;
		while (*q >= '0' && *q <= '9' && id < INT64_MAX / 10)
			id = id * 10 + (*q++ - '0');
		if (*q == ']' && q > p + 2 && id > 0)
			return id;
		p += 2;
	}
	return 0;
}

const char *fl_mail_language(const char *text)
{
	int cyrillic = 0;

	for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
		/* і ї є ґ (and capitals): U+0404-0407, U+0454-0457, U+0490-0491 */
		if ((p[0] == 0xD0 && (p[1] == 0x84 || p[1] == 0x86 || p[1] == 0x87)) ||
		    (p[0] == 0xD1 && (p[1] == 0x94 || p[1] == 0x96 || p[1] == 0x97)) ||
		    (p[0] == 0xD2 && (p[1] == 0x90 || p[1] == 0x91)))
			return "uk";
		if (p[0] == 0xD0 || p[0] == 0xD1)
			cyrillic = 1;
		/* ą č ę ė į š ų ū ž: U+0104-0105, 010C-010D, 0116-0119, 012E-012F,
		 * 0160-0161, 016A-016B, 0172-0173, 017D-017E */
		if ((p[0] == 0xC4 &&
		     ((p[1] >= 0x84 && p[1] <= 0x8D) || (p[1] >= 0x96 && p[1] <= 0x99) ||
		      p[1] == 0xAE || p[1] == 0xAF)) ||
		    (p[0] == 0xC5 &&
		     (p[1] == 0xA0 || p[1] == 0xA1 || p[1] == 0xAA || p[1] == 0xAB ||
		      p[1] == 0xB2 || p[1] == 0xB3 || p[1] == 0xBD || p[1] == 0xBE)))
			return cyrillic ? "ru" : "lt";
	}
	return cyrillic ? "ru" : "en";
}
