/* Attachment rules (attachment.h). */
#include "attachments/attachment.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "core/time.h"
#include "store/attachments.h"
#include "store/jobs.h"
#include "store/store.h"

int fl_attachment_name(const char *name, char *out, size_t cap, struct fl_err *e)
{
	const char *base = name, *p;
	size_t k = 0;

	if (!fl_utf8_valid(name, strlen(name)))
		return fl_err_set(e, FL_EINVAL, "filename", "InvalidValue",
				  "filename must be UTF-8 text");
	for (p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if (cap > FL_ATTACHMENT_NAME_MAX + 1)
		cap = FL_ATTACHMENT_NAME_MAX + 1;
	for (p = base; *p && k + 1 < cap;) {
		size_t len = 1;
		unsigned char c = (unsigned char)*p;
		if (c >= 0x80)
			while (((unsigned char)p[len] & 0xC0) == 0x80)
				len++;
		if (k + len >= cap)
			break; /* never half a character */
		if (c < 0x20 || c == 0x7f || c == '"' || c == ';' || c == '<' || c == '>') {
			out[k++] = '_';
		} else {
			memcpy(out + k, p, len);
			k += len;
		}
		p += len;
	}
	out[k] = 0;
	/* nothing but dots and spaces is no name ("..", " ") */
	if (strspn(out, ". ") == k)
		snprintf(out, cap, "attachment");
	return 0;
}

void fl_attachment_type(const char *declared, char *out, size_t cap)
{
	size_t k = 0, slash = 0;

	for (const char *p = declared; p && *p && *p != ';' && *p != ' ' && k + 1 < cap; p++) {
		char c = (char)tolower((unsigned char)*p);
		if (c == '/')
			slash++;
		else if (!isalnum((unsigned char)c) && !strchr("!#$&^_.+-", c))
			break;
		out[k++] = c;
	}
	out[k] = 0;
	if (slash != 1 || out[0] == '/' || out[k ? k - 1 : 0] == '/' || k + 1 >= cap ||
	    (declared[k] && declared[k] != ';' && declared[k] != ' '))
		snprintf(out, cap, "application/octet-stream");
}

const char *fl_attachment_inline_type(const void *head, size_t n)
{
	const unsigned char *b = head;

	if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		return "image/jpeg";
	if (n >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6)))
		return "image/gif";
	if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4))
		return "image/webp";
	return NULL;
}

int fl_attachment_visible(const struct fl_attachment *a, const struct fl_actor *actor,
			  int ticket_visible)
{
	if (a->uploader_id == actor->id)
		return 1;
	if (!a->comment_id || !ticket_visible)
		return 0;
	return a->comment_public || actor->role >= FL_ROLE_AGENT;
}

int fl_attachments_purge_job(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	int64_t n = 1000;
	int rc = 0;

	(void)job;
	/* a thousand at a time, so that one batch stays short */
	while (!rc && n == 1000)
		rc = fl_store_upload_purge(s, fl_now() - FL_UPLOAD_KEEP, &n);
	return rc ? fl_err_set(e, rc, NULL, NULL, "purging unclaimed uploads failed") : 0;
}

int fl_attachment_executable(const char *name, const void *head, size_t n)
{
	static const char *const exts[] = {"exe", "bat", "cmd", "com", "scr", "msi", "ps1", "vbs",
					   "js",  "jar", "apk", "app", "dmg", "sh",  "deb", "rpm"};
	static const unsigned char macho[][4] = {{0xfe, 0xed, 0xfa, 0xce},
						 {0xce, 0xfa, 0xed, 0xfe},
						 {0xfe, 0xed, 0xfa, 0xcf},
						 {0xcf, 0xfa, 0xed, 0xfe},
						 {0xca, 0xfe, 0xba, 0xbe}};
	const unsigned char *p = head;
	const char *dot;
	size_t len;

	if (n >= 2 && ((p[0] == 'M' && p[1] == 'Z') || (p[0] == '#' && p[1] == '!')))
		return 1;
	if (n >= 4 && !memcmp(p,
			      "\x7f"
			      "ELF",
			      4))
		return 1;
	for (size_t i = 0; n >= 4 && i < sizeof macho / sizeof *macho; i++)
		if (!memcmp(p, macho[i], 4))
			return 1;
	if (!name)
		return 0;
	/* Windows drops trailing dots and spaces: "x.exe. " runs as x.exe */
	len = strlen(name);
	while (len && (name[len - 1] == '.' || name[len - 1] == ' '))
		len--;
	for (dot = name + len; dot > name && dot[-1] != '.' && dot[-1] != '/';)
		dot--;
	if (dot == name || dot[-1] != '.')
		return 0;
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
		size_t k = strlen(exts[i]);
		if ((size_t)(name + len - dot) == k && !strncasecmp(dot, exts[i], k))
			return 1;
	}
	return 0;
}
