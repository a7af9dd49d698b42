/* The contact form's rules (portal/portal.h tells them). */
#include "core/random.h"
#include "portal/portal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "tickets/ticket.h"
#include "users/user.h"

static const char *const langs[] = {"en", "uk", "ru", "lt"};

/* Ours for a language tag ("uk", "uk-UA", "RU"), or NULL. */
static const char *ours(const char *tag, size_t n)
{
	if (n < 2 || (n > 2 && tag[2] != '-' && tag[2] != '_'))
		return NULL;
	for (size_t i = 0; i < sizeof langs / sizeof *langs; i++)
		if (!strncasecmp(tag, langs[i], 2))
			return langs[i];
	return NULL;
}

/* q of one Accept-Language entry's parameters, in thousandths (RFC 9110
 * section 12.4.2: "q=" 0 to 1 with up to three decimals); 1000 when none,
 * -1 when malformed. */
static int qvalue(const char *p, const char *end)
{
	int q = 1000;

	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;
		while (p < stop && (*p == ' ' || *p == '\t'))
			p++;
		if (stop - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			int v = 0, scale = 1000;
			p += 2;
			if (p == stop || (*p != '0' && *p != '1'))
				return -1;
			v = (*p++ - '0') * 1000;
			if (p < stop && *p == '.')
				for (p++; p < stop && *p >= '0' && *p <= '9' && scale > 1; p++)
					scale /= 10, v += (*p - '0') * scale;
			while (p < stop && (*p == ' ' || *p == '\t'))
				p++;
			if (p != stop || v > 1000)
				return -1;
			q = v;
		}
		p = semi ? semi + 1 : end;
	}
	return q;
}

const char *fl_portal_lang(const char *locale, const char *accept_language)
{
	const char *best = NULL, *p = accept_language;
	int best_q = 0;

	if (locale && (best = ours(locale, strlen(locale))))
		return best;
	while (p && *p) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
		const char *tag = p, *tag_end, *lang;
		int q;

		while (tag < end && (*tag == ' ' || *tag == '\t'))
			tag++;
		tag_end = tag;
		while (tag_end < end && *tag_end != ';' && *tag_end != ' ' && *tag_end != '\t')
			tag_end++;
		lang = ours(tag, (size_t)(tag_end - tag));
		q = qvalue(tag_end, end);
		if (lang && q > best_q)
			best = lang, best_q = q;
		p = comma ? comma + 1 : end;
	}
	return best ? best : "en";
}

/* clang-format off: one message in four languages a block */
static const struct {
	const char *reason;
	const char *text[4]; /* in the order of langs[] */
} problems[FL_PP__MAX] = {
	[FL_PP_NAME_TOO_LONG] = {"TooLong",
				 {"Name: is too long (maximum is 255 characters)",
				  "Ім'я задовге (щонайбільше 255 символів)",
				  "Имя слишком длинное (не более 255 символов)",
				  "Vardas per ilgas (ne daugiau kaip 255 simboliai)"}},
	[FL_PP_EMAIL_BLANK] = {"Blank",
			       {"Email: cannot be blank", "Вкажіть адресу електронної пошти",
				"Укажите адрес электронной почты", "Nurodykite el. pašto adresą"}},
	[FL_PP_EMAIL_INVALID] = {"InvalidValue",
				 {"Email: is not a valid e-mail address",
				  "Адреса електронної пошти неправильна",
				  "Неверный адрес электронной почты",
				  "Neteisingas el. pašto adresas"}},
	[FL_PP_EMAIL_REFUSED] = {"InvalidValue",
				 {"Email: requests from this address are not accepted",
				  "Звернення з цієї адреси не приймаються",
				  "Обращения с этого адреса не принимаются",
				  "Užklausos iš šio adreso nepriimamos"}},
	[FL_PP_SUBJECT_BLANK] = {"Blank",
				 {"Subject: cannot be blank", "Вкажіть тему", "Укажите тему",
				  "Nurodykite temą"}},
	[FL_PP_SUBJECT_TOO_LONG] = {"TooLong",
				    {"Subject: is too long (maximum is 300 characters)",
				     "Тема задовга (щонайбільше 300 символів)",
				     "Тема слишком длинная (не более 300 символов)",
				     "Tema per ilga (ne daugiau kaip 300 simbolių)"}},
	[FL_PP_DESCRIPTION_BLANK] = {"Blank",
				     {"Description: cannot be blank", "Опишіть ваше питання",
				      "Опишите ваш вопрос", "Aprašykite savo klausimą"}},
	[FL_PP_DESCRIPTION_TOO_LONG] = {"TooLong",
					{"Description: is too long (maximum is 65536 characters)",
					 "Опис задовгий (щонайбільше 65536 символів)",
					 "Описание слишком длинное (не более 65536 символов)",
					 "Aprašymas per ilgas (ne daugiau kaip 65536 simboliai)"}},
	[FL_PP_FILES_TOO_MANY] = {"TooMany",
				  {"Attachments: at most 10 files",
				   "Можна додати щонайбільше 10 файлів",
				   "Можно добавить не более 10 файлов",
				   "Galima pridėti ne daugiau kaip 10 failų"}},
	[FL_PP_FILE_TOO_BIG] = {"TooLong",
				{"Attachments: a file is too large", "Файл завеликий",
				 "Файл слишком большой", "Failas per didelis"}},
	[FL_PP_NOT_TEXT] = {"InvalidValue",
			    {"A field is not text, or is given twice",
			     "Одне з полів заповнено неправильно",
			     "Одно из полей заполнено неправильно",
			     "Vienas iš laukų užpildytas neteisingai"}},
	[FL_PP_FORM] = {"InvalidValue",
			{"The form could not be read", "Не вдалося прочитати форму",
			 "Не удалось прочитать форму", "Nepavyko perskaityti formos"}},
};
/* clang-format on */

static size_t lang_index(const char *lang)
{
	for (size_t i = 0; lang && i < sizeof langs / sizeof *langs; i++)
		if (!strcmp(lang, langs[i]))
			return i;
	return 0;
}

const char *fl_portal_problem_reason(int kind)
{
	return kind >= 0 && kind < FL_PP__MAX ? problems[kind].reason : "InvalidValue";
}

const char *fl_portal_problem_text(int kind, const char *lang)
{
	if (kind < 0 || kind >= FL_PP__MAX)
		kind = FL_PP_FORM;
	return problems[kind].text[lang_index(lang)];
}

void fl_portal_problem_add(struct fl_portal_request *r, const char *field, int kind)
{
	for (size_t i = 0; i < r->nproblems; i++)
		if (r->problems[i].kind == kind && !strcmp(r->problems[i].field, field))
			return;
	if (r->nproblems < FL_PORTAL_MAX_PROBLEMS)
		r->problems[r->nproblems++] = (struct fl_portal_problem){field, kind};
}

static const struct fl_portal_words words[] = {
	{"en", "Request #%lld received", "Thank you, %s.", "We will answer you at %s.", "Subject",
	 "Your request was not sent", "Please correct the following:",
	 "Too many requests from your address. Try again in %lld minutes.", "Back to the form",
	 "Back to the help centre"},
	{"uk", "Звернення #%lld отримано", "Дякуємо, %s.", "Ми відповімо вам на %s.", "Тема",
	 "Звернення не надіслано",
	 "Будь ласка, виправте:", "Забагато звернень з вашої адреси. Спробуйте ще раз за %lld хв.",
	 "Повернутися до форми", "До центру допомоги"},
	{"ru", "Обращение #%lld получено", "Спасибо, %s.", "Мы ответим вам на %s.", "Тема",
	 "Обращение не отправлено", "Пожалуйста, исправьте:",
	 "Слишком много обращений с вашего адреса. Попробуйте снова через %lld мин.",
	 "Вернуться к форме", "В центр помощи"},
	{"lt", "Užklausa #%lld gauta", "Ačiū, %s.", "Atsakysime jums adresu %s.", "Tema",
	 "Užklausa neišsiųsta",
	 "Pataisykite:", "Per daug užklausų iš jūsų adreso. Bandykite dar kartą po %lld min.",
	 "Grįžti į formą", "Į pagalbos centrą"},
};

const struct fl_portal_words *fl_portal_words(const char *lang)
{
	return &words[lang_index(lang)];
}

/* The form's fields, by name. */
enum { F_NAME, F_EMAIL, F_SUBJECT, F_DESCRIPTION, F_LOCALE, F_WEBSITE, F__MAX };
static const char *const field_names[F__MAX] = {"name",        "email",  "subject",
						"description", "locale", "website"};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Whether n bytes at p are text a field may hold: UTF-8 with no control
 * characters but tab, and CR and LF only where lines may break (the
 * description: the others are one-line inputs). */
static int text_ok(const char *p, size_t n, int lines)
{
	if (!fl_utf8_valid(p, n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c < 0x20 && c != '\t' && !(lines && (c == '\r' || c == '\n'))) || c == 0x7f)
			return 0;
	}
	return 1;
}

/* A copy of z without surrounding white space; NULL when nothing is left
 * (or z is NULL, or no memory: *err says). */
static char *trimmed(const char *z, fl_arena *a, int *err)
{
	size_t n;
	char *out;

	if (!z)
		return NULL;
	while (is_space(*z))
		z++;
	n = strlen(z);
	while (n && is_space(z[n - 1]))
		n--;
	if (!n)
		return NULL;
	out = fl_arena_strndup(a, z, n);
	if (!out)
		*err = FL_ENOMEM;
	return out;
}

/* The description as typed: a browser sends a text area's line breaks as
 * CRLF (HTML's form submission), which were LF in the text. */
static char *unix_lines(const char *z, fl_arena *a)
{
	char *out = fl_arena_alloc(a, strlen(z) + 1), *w = out;

	if (!out)
		return NULL;
	for (; *z; z++)
		if (!(z[0] == '\r' && z[1] == '\n'))
			*w++ = *z;
	*w = 0;
	return out;
}

static int take_file(struct fl_portal_request *r, const struct fl_form_part *part)
{
	struct fl_intake_file *f;
	struct fl_err ignore = {0};

	if (!part->file_name[0] && !part->n)
		return 0; /* a file input with no file chosen */
	if (r->nfiles == FL_PORTAL_MAX_FILES) {
		fl_portal_problem_add(r, "attachments", FL_PP_FILES_TOO_MANY);
		return 0;
	}
	f = &r->files[r->nfiles++];
	f->data = part->data;
	f->n = part->n;
	if (fl_attachment_name(part->file_name[0] ? part->file_name : "attachment", f->name,
			       sizeof f->name, &ignore))
		snprintf(f->name, sizeof f->name, "attachment");
	fl_attachment_type(part->content_type, f->type, sizeof f->type);
	return 0;
}

static void check(struct fl_portal_request *r)
{
	if (r->name && fl_utf8_len(r->name, strlen(r->name)) > FL_PORTAL_NAME_MAX)
		fl_portal_problem_add(r, "name", FL_PP_NAME_TOO_LONG);
	if (!r->email)
		fl_portal_problem_add(r, "email", FL_PP_EMAIL_BLANK);
	else if (fl_email_normalize(r->email))
		fl_portal_problem_add(r, "email", FL_PP_EMAIL_INVALID);
	if (!r->subject)
		fl_portal_problem_add(r, "subject", FL_PP_SUBJECT_BLANK);
	else if (fl_utf8_len(r->subject, strlen(r->subject)) > FL_PORTAL_SUBJECT_MAX)
		fl_portal_problem_add(r, "subject", FL_PP_SUBJECT_TOO_LONG);
	if (!r->description)
		fl_portal_problem_add(r, "description", FL_PP_DESCRIPTION_BLANK);
	else if (fl_utf8_len(r->description, strlen(r->description)) > FL_PORTAL_DESCRIPTION_MAX)
		fl_portal_problem_add(r, "description", FL_PP_DESCRIPTION_TOO_LONG);
}

int fl_portal_request_read(const struct fl_form *f, const char *accept_language, fl_arena *a,
			   struct fl_portal_request *r)
{
	const char *v[F__MAX] = {0};
	int err = 0;

	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < f->nparts; i++) {
		const struct fl_form_part *part = &f->parts[i];
		size_t k = 0;

		if (!strcmp(part->name, "attachments")) {
			/* text there is no file: an urlencoded form sends a file
			 * input's name, and some clients an empty input as "" */
			if (part->file_name)
				take_file(r, part);
			continue;
		}
		while (k < F__MAX && strcmp(part->name, field_names[k]))
			k++;
		if (k == F__MAX)
			continue; /* not ours: ignored, as the API ignores unknown fields */
		if (part->file_name || v[k] || strlen(part->data) != part->n ||
		    !text_ok(part->data, part->n, k == F_DESCRIPTION)) {
			fl_portal_problem_add(r, field_names[k], FL_PP_NOT_TEXT);
			continue;
		}
		v[k] = part->data;
	}
	r->name = trimmed(v[F_NAME], a, &err);
	r->email = trimmed(v[F_EMAIL], a, &err);
	r->subject = trimmed(v[F_SUBJECT], a, &err);
	if (trimmed(v[F_DESCRIPTION], a, &err) &&
	    !(r->description = unix_lines(v[F_DESCRIPTION], a)))
		err = FL_ENOMEM;
	r->honeypot = trimmed(v[F_WEBSITE], a, &err) != NULL;
	r->lang = fl_portal_lang(v[F_LOCALE], accept_language);
	if (err)
		return err;
	check(r);
	return 0;
}

int fl_portal_files_prepare(fl_store *s, struct fl_portal_request *r, struct fl_err *e)
{
	for (size_t i = 0; i < r->nfiles; i++) {
		struct fl_intake_file *f = &r->files[i];
		int rc = fl_intake_file_prepare(s, f, f->name, f->type, f->data, f->n, e);
		if (rc)
			return rc;
	}
	return 0;
}

struct fl_sender fl_portal_sender(const struct fl_portal_request *r)
{
	return (struct fl_sender){FL_SENDER_EMAIL, r->email, r->name};
}

int fl_portal_submit(fl_tx *tx, const struct fl_portal_request *r, fl_arena *a,
		     struct fl_portal_result *out, struct fl_err *e)
{
	struct fl_intake *in = fl_arena_alloc(a, sizeof *in);
	struct fl_intake_result made;
	int rc;

	if (!in)
		return FL_ENOMEM;
	/* the form writes as its requester, a customer like any other */
	*in = (struct fl_intake){.channel = FL_CHANNEL_WEB,
				 .from = fl_portal_sender(r),
				 .field = "email",
				 .lang = r->lang,
				 .subject = r->subject,
				 .text = r->description,
				 .files = (struct fl_intake_file *)r->files,
				 .nfiles = r->nfiles};
	if ((rc = fl_ticket_intake(tx, in, a, &made, e)))
		return rc;
	out->ticket_id = made.ticket.id;
	out->requester_id = made.requester_id;
	out->status = made.ticket.status;
	return 0;
}
