/* Customer satisfaction: the rules of a rating and the report's arithmetic
 * (feedback/csat.h). */
#include "feedback/csat.h"

#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "feedback/unsub.h"
#include "portal/link.h"
#include "portal/site.h"
#include "rules/trigger.h"
#include "store/satisfaction.h"
#include "store/tickets.h"
#include "store/users.h"

static const char *const score_names[FL_CSAT__MAX] = {"offered", "good", "bad"};
static const char *const period_names[FL_CSAT_PERIOD__MAX] = {"week", "month"};
static const char *const by_names[FL_CSAT_BY__MAX] = {"agent", "group", "channel", "tier"};

static int find(const char *const *names, int n, const char *z)
{
	for (int i = 0; z && i < n; i++)
		if (!strcmp(z, names[i]))
			return i;
	return -1;
}

const char *fl_csat_score_name(int s)
{
	return s >= 0 && s < FL_CSAT__MAX ? score_names[s] : NULL;
}
int fl_csat_score_parse(const char *z)
{
	return find(score_names, FL_CSAT__MAX, z);
}
const char *fl_csat_period_name(int p)
{
	return p >= 0 && p < FL_CSAT_PERIOD__MAX ? period_names[p] : NULL;
}
int fl_csat_period_parse(const char *z)
{
	return find(period_names, FL_CSAT_PERIOD__MAX, z);
}
const char *fl_csat_by_name(int b)
{
	return b >= 0 && b < FL_CSAT_BY__MAX ? by_names[b] : NULL;
}
int fl_csat_by_parse(const char *z)
{
	return find(by_names, FL_CSAT_BY__MAX, z);
}

const char *fl_csat_reason_name(const struct fl_csat_reason *r, const char *lang)
{
	const char *z = NULL;

	if (lang && !strncmp(lang, "uk", 2))
		z = r->name_uk;
	else if (lang && !strncmp(lang, "ru", 2))
		z = r->name_ru;
	else if (lang && !strncmp(lang, "lt", 2))
		z = r->name_lt;
	return z && *z ? z : r->name_en;
}

/* Whether z is text of at most max characters (min: at least that many). */
static int text_ok(const char *z, size_t min, size_t max)
{
	size_t n = z ? strlen(z) : 0, chars;

	if (z && (!fl_utf8_valid(z, n) || fl_utf8_bidi_control(z, n)))
		return 0;
	chars = z ? fl_utf8_len(z, n) : 0;
	return chars >= min && chars <= max;
}

int fl_csat_reason_check(const struct fl_csat_reason *r, struct fl_err *e)
{
	static const char *const fields[] = {"translations.uk", "translations.ru",
					     "translations.lt"};
	const char *const names[] = {r->name_uk, r->name_ru, r->name_lt};

	if (!r->name_en || !r->name_en[strspn(r->name_en, " \t\r\n")])
		return fl_err_set(e, FL_EINVAL, "value", "Blank", "Value: cannot be blank");
	if (!text_ok(r->name_en, 1, FL_CSAT_REASON_NAME_MAX))
		return fl_err_set(e, FL_EINVAL, "value", "TooLong",
				  "Value: at most %d characters of text", FL_CSAT_REASON_NAME_MAX);
	for (int i = 0; i < 3; i++)
		if (!text_ok(names[i], 0, FL_CSAT_REASON_NAME_MAX))
			return fl_err_set(e, FL_EINVAL, fields[i], "TooLong",
					  "%s: at most %d characters of text", fields[i],
					  FL_CSAT_REASON_NAME_MAX);
	return 0;
}

/* Who served the customer, as the rating remembers it: the ticket's
 * assignee, group and channel, and the requester's tier (else their
 * organization's). */
static int served(fl_tx *tx, const struct fl_ticket *t, struct fl_csat_rating *r, int *role)
{
	struct fl_user u = {.role = -1};
	struct fl_org o;
	fl_arena a;
	int rc;

	r->ticket_id = t->id;
	r->requester_id = t->requester_id;
	r->assignee_id = t->assignee_id;
	r->group_id = t->group_id;
	r->channel = (char *)fl_channel_name(t->channel);
	fl_arena_init(&a, 0);
	rc = fl_store_user_get(tx, t->requester_id, &a, &u);
	if (!rc) {
		r->tier_id = u.tier_id;
		if (!r->tier_id && u.organization_id &&
		    !(rc = fl_store_org_get(tx, u.organization_id, &a, &o)))
			r->tier_id = o.tier_id;
	}
	if (role)
		*role = u.role;
	fl_arena_free(&a);
	return rc == FL_ENOTFOUND ? 0 : rc;
}

int fl_csat_offer(fl_tx *tx, const struct fl_ticket *t, int64_t now)
{
	struct fl_csat_rating r = {0};
	int role, rc = served(tx, t, &r, &role);

	/* only a customer is asked: an agent filing a ticket for themselves
	 * is not, and is not counted as asked */
	if (rc || role != FL_ROLE_END_USER)
		return rc;
	r.created_at = r.updated_at = now;
	return fl_store_csat_offer(tx, &r);
}

int fl_csat_asked(fl_tx *tx, int64_t ticket_id, int64_t now)
{
	return fl_store_csat_asked(tx, ticket_id, now);
}

int fl_csat_rate(fl_tx *tx, int64_t ticket_id, int64_t requester_id, const struct fl_csat_in *in,
		 int64_t now, fl_arena *a, struct fl_csat_rating *out, struct fl_err *e)
{
	struct fl_ticket t;
	struct fl_csat_rating r = {0}, before;
	struct fl_csat_reason reason;
	int rc, had, role;

	if (in->score != FL_CSAT_GOOD && in->score != FL_CSAT_BAD)
		return fl_err_set(e, FL_EINVAL, "score", "InvalidValue",
				  "Score: must be good or bad");
	if (in->comment && !text_ok(in->comment, 0, FL_CSAT_COMMENT_MAX))
		return fl_err_set(e, FL_EINVAL, "comment", "TooLong",
				  "Comment: at most %d characters of text", FL_CSAT_COMMENT_MAX);
	if ((rc = fl_store_ticket_get(tx, ticket_id, a, &t)))
		return rc;
	if (t.deleted_at)
		return FL_ENOTFOUND;
	if (t.requester_id != requester_id)
		return fl_err_set(e, FL_EFORBIDDEN, "ticket", "Forbidden",
				  "Only the ticket's requester rates it");
	if ((rc = served(tx, &t, &r, &role)))
		return rc;
	/* only a customer rates: an agent (or viewer) who is the requester of
	 * their own ticket was never asked, and their word is no customer's */
	if (role != FL_ROLE_END_USER)
		return fl_err_set(e, FL_EFORBIDDEN, "ticket", "Forbidden",
				  "Only a customer rates their request");
	if (t.status == FL_STATUS_CLOSED)
		return fl_err_set(e, FL_EINVAL, "ticket", "Closed",
				  "Ticket: closed; its rating can no longer change");
	if (t.status != FL_STATUS_SOLVED)
		return fl_err_set(e, FL_EINVAL, "ticket", "NotSolved",
				  "Ticket: not solved; a ticket is rated once it is solved");
	if (in->reason_id && in->score == FL_CSAT_BAD) {
		rc = fl_store_csat_reason_get(tx, in->reason_id, a, &reason);
		if (rc == FL_ENOTFOUND || (!rc && !reason.active))
			return fl_err_set(e, FL_EINVAL, "reason_id", "InvalidValue",
					  "Reason: no such reason");
		if (rc)
			return rc;
	}
	rc = fl_store_csat_get_ticket(tx, ticket_id, a, &before);
	if (rc && rc != FL_ENOTFOUND)
		return rc;
	had = !rc;
	r.score = in->score;
	r.comment = (char *)(in->comment ? in->comment : had ? before.comment : "");
	r.reason_id = in->keep_reason && had ? before.reason_id : in->reason_id;
	if (in->score != FL_CSAT_BAD)
		r.reason_id = 0;
	r.created_at = had ? before.created_at : now;
	r.rated_at = r.updated_at = now;
	if ((rc = fl_store_csat_put(tx, &r)))
		return rc;
	*out = r;
	/* the triggers act on a rating that arrives or changes its mind, not on
	 * a comment edited or the same answer sent again (else the team lead
	 * is told of one bad rating at every press of the button) */
	if (had && before.score == in->score)
		return 0;
	return fl_rules_satisfaction(tx, &t, in->score, now);
}

/* ---- the report ------------------------------------------------------------- */

static double pct(int64_t part, int64_t whole)
{
	/* in whole tenths, halves rounded up: exact, and no libm */
	return whole > 0 ? (double)((1000 * part + whole / 2) / whole) / 10.0 : -1;
}

double fl_csat_pct(const struct fl_csat_counts *c)
{
	return pct(c->good, c->good + c->bad);
}

double fl_csat_response_rate(const struct fl_csat_counts *c)
{
	return pct(c->good + c->bad, c->asked);
}

/* Howard Hinnant's days_from_civil and civil_from_days: the calendar of
 * day numbers, for the months. */
static void civil(int32_t z, int *y, int *m)
{
	int32_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int32_t days(int y, int m)
{
	int32_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int32_t fl_csat_period_start(int period, int32_t day)
{
	int y, m;

	if (period == FL_CSAT_MONTH) {
		civil(day, &y, &m);
		return days(y, m);
	}
	/* 1970-01-01 was a Thursday: Monday is day 4 of each 7 */
	return day - (int32_t)(((day - 4) % 7 + 7) % 7);
}

int32_t fl_csat_period_next(int period, int32_t start)
{
	int y, m;

	if (period == FL_CSAT_MONTH) {
		civil(start, &y, &m);
		return m == 12 ? days(y + 1, 1) : days(y, m + 1);
	}
	return start + 7;
}

/* ---- words ------------------------------------------------------------------ */

static const struct fl_csat_words words[] = {
	{"en", "How would you rate the support you received?", "Good, I'm satisfied",
	 "Bad, I'm unsatisfied", "Rate your request #%s",
	 "Anything you would like to tell us? (optional)", "What went wrong? (optional)",
	 "— choose —", "Send my rating", "Thank you: your rating is recorded.",
	 "Your rating:", "You can change it until the request is closed.",
	 "This request is closed: its rating can no longer change.",
	 "This request is open again: you can rate it once it is solved.",
	 "This link is not valid. Please use the link from our e-mail as it came.",
	 "This link has expired, and the rating can no longer be given through it.",
	 "The comment is too long (at most 2000 characters).", "Choose good or bad.",
	 "Too many ratings were sent from your address just now. Please wait a minute or two "
	 "and send yours again."},
	{"uk", "Як ви оцінюєте підтримку, яку отримали?", "Добре, я задоволений(-а)",
	 "Погано, я незадоволений(-а)", "Оцініть звернення #%s",
	 "Хочете щось нам сказати? (необов’язково)", "Що пішло не так? (необов’язково)",
	 "— оберіть —", "Надіслати оцінку", "Дякуємо: вашу оцінку збережено.",
	 "Ваша оцінка:", "Її можна змінити, доки звернення не закрито.",
	 "Це звернення закрито: його оцінку вже не можна змінити.",
	 "Це звернення знову відкрито: оцінити його можна, коли його буде вирішено.",
	 "Це посилання недійсне. Скористайтеся посиланням із нашого листа без змін.",
	 "Термін дії цього посилання минув, і оцінити за ним уже не можна.",
	 "Коментар задовгий (щонайбільше 2000 символів).", "Оберіть «добре» чи «погано».",
	 "З вашої адреси щойно надіслано забагато оцінок. Зачекайте хвилину-дві й надішліть "
	 "свою ще раз."},
	{"ru", "Как вы оцениваете поддержку, которую получили?", "Хорошо, я доволен(-на)",
	 "Плохо, я недоволен(-на)", "Оцените обращение #%s",
	 "Хотите что-то нам сказать? (необязательно)", "Что пошло не так? (необязательно)",
	 "— выберите —", "Отправить оценку", "Спасибо: ваша оценка сохранена.",
	 "Ваша оценка:", "Её можно изменить, пока обращение не закрыто.",
	 "Это обращение закрыто: его оценку уже нельзя изменить.",
	 "Это обращение снова открыто: оценить его можно, когда оно будет решено.",
	 "Эта ссылка недействительна. Воспользуйтесь ссылкой из нашего письма без изменений.",
	 "Срок действия этой ссылки истёк, и оценить по ней уже нельзя.",
	 "Комментарий слишком длинный (не более 2000 символов).", "Выберите «хорошо» или «плохо».",
	 "С вашего адреса только что отправлено слишком много оценок. Подождите минуту-другую "
	 "и отправьте свою ещё раз."},
	{"lt", "Kaip vertinate gautą pagalbą?", "Gerai, esu patenkintas (-a)",
	 "Blogai, esu nepatenkintas (-a)", "Įvertinkite užklausą #%s",
	 "Ar norėtumėte mums ką nors pasakyti? (neprivaloma)", "Kas nepavyko? (neprivaloma)",
	 "— pasirinkite —", "Siųsti įvertinimą", "Ačiū: jūsų įvertinimas išsaugotas.",
	 "Jūsų įvertinimas:", "Jį galima pakeisti, kol užklausa neuždaryta.",
	 "Ši užklausa uždaryta: jos įvertinimo pakeisti nebegalima.",
	 "Ši užklausa vėl atidaryta: ją įvertinti galėsite, kai ji bus išspręsta.",
	 "Ši nuoroda negalioja. Naudokite nuorodą iš mūsų laiško be pakeitimų.",
	 "Šios nuorodos galiojimas baigėsi, ir ja įvertinti nebegalima.",
	 "Komentaras per ilgas (daugiausia 2000 simbolių).", "Pasirinkite „gerai“ arba „blogai“.",
	 "Iš jūsų adreso ką tik išsiųsta per daug įvertinimų. Palaukite minutę ar dvi ir "
	 "išsiųskite savo įvertinimą dar kartą."},
};

const struct fl_csat_words *fl_csat_words(const char *lang)
{
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (lang && !strncmp(lang, words[i].lang, 2))
			return &words[i];
	return &words[0];
}

/* ---- the question in the solved notice -------------------------------------- */

/* Appends z escaped for HTML to b. */
static int add_html(fl_buf *b, const char *z)
{
	return fl_buf_add_html(b, z, strlen(z));
}

int fl_csat_ask(fl_tx *tx, const struct fl_ticket *t, const char *lang, int64_t now, fl_arena *a,
		char **text, char **html)
{
	const struct fl_csat_words *w = fl_csat_words(lang);
	struct fl_link l = {t->id, t->requester_id, now + FL_CSAT_LINK_TTL};
	char *token = NULL, *base = NULL, *good, *bad;
	size_t n;
	fl_buf b;
	int rc, unsub = 0;

	/* the notice is theirs and goes; the question is ours, unasked: not
	 * for someone who unsubscribed (feedback/unsub.h) */
	*text = *html = NULL;
	if ((rc = fl_unsub_is(tx, t->requester_id, &unsub)) || unsub)
		return rc;
	if ((rc = fl_link_make(tx, FL_CSAT_LINK_PURPOSE, &l, a, &token)) ||
	    (rc = fl_site_url(tx, a, &base)))
		return rc;
	n = strlen(base) + strlen(token) + 64;
	good = fl_arena_alloc(a, n);
	bad = fl_arena_alloc(a, n);
	if (!good || !bad)
		return FL_ENOMEM;
	snprintf(good, n, "%s" FL_CSAT_PAGE_PATH "%s?score=good", base, token);
	snprintf(bad, n, "%s" FL_CSAT_PAGE_PATH "%s?score=bad", base, token);
	fl_buf_init(&b, 0);
	rc = fl_buf_addf(&b, "%s\n\n%s:\n%s\n\n%s:\n%s", w->question, w->good, good, w->bad, bad);
	if (!rc && !(*text = fl_arena_strndup(a, b.p, b.n)))
		rc = FL_ENOMEM;
	b.n = 0;
	if (!rc)
		rc = fl_buf_adds(&b, "<p data-csat=\"ask\">");
	if (!rc)
		rc = add_html(&b, w->question);
	if (!rc)
		rc = fl_buf_adds(&b, "<br><a href=\"");
	if (!rc)
		rc = add_html(&b, good);
	if (!rc)
		rc = fl_buf_adds(&b, "\">");
	if (!rc)
		rc = add_html(&b, w->good);
	if (!rc)
		rc = fl_buf_adds(&b, "</a> · <a href=\"");
	if (!rc)
		rc = add_html(&b, bad);
	if (!rc)
		rc = fl_buf_adds(&b, "\">");
	if (!rc)
		rc = add_html(&b, w->bad);
	if (!rc)
		rc = fl_buf_adds(&b, "</a></p>");
	if (!rc && !(*html = fl_arena_strndup(a, b.p, b.n)))
		rc = FL_ENOMEM;
	fl_buf_free(&b);
	return rc;
}
