/* Placeholders: names, and their values loaded as a template asks for
 * them (tickets/placeholder.h tells the rules). */
#include "tickets/placeholder.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/template.h"
#include "core/time.h"
#include "portal/site.h"
#include "store/tickets.h"
#include "store/users.h"

enum ph {
	PH_ID,
	PH_TITLE,
	PH_DESCRIPTION,
	PH_STATUS,
	PH_PRIORITY,
	PH_TYPE,
	PH_VIA,
	PH_URL,
	PH_LINK,
	PH_TAGS,
	PH_CREATED_AT,
	PH_REQ_NAME,
	PH_REQ_FIRST_NAME,
	PH_REQ_EMAIL,
	PH_REQ_LANGUAGE,
	PH_ASG_NAME,
	PH_ASG_FIRST_NAME,
	PH_ASG_EMAIL,
	PH_GROUP_NAME,
	PH_ORG_NAME,
	PH_LATEST_PUBLIC_COMMENT,
	PH_CUR_NAME,
	PH_CUR_FIRST_NAME,
	PH_CUR_EMAIL,
	PH__MAX
};

static const char *const names[PH__MAX] = {
	"ticket.id",
	"ticket.title",
	"ticket.description",
	"ticket.status",
	"ticket.priority",
	"ticket.type",
	"ticket.via",
	"ticket.url",
	"ticket.link",
	"ticket.tags",
	"ticket.created_at",
	"ticket.requester.name",
	"ticket.requester.first_name",
	"ticket.requester.email",
	"ticket.requester.language",
	"ticket.assignee.name",
	"ticket.assignee.first_name",
	"ticket.assignee.email",
	"ticket.group.name",
	"ticket.organization.name",
	"ticket.latest_public_comment",
	"current_user.name",
	"current_user.first_name",
	"current_user.email",
};

/* Status and priority as the workspace names them (web/agent/locales). */
struct words {
	const char *lang;
	const char *status[FL_STATUS__MAX];
	const char *priority[FL_PRIORITY__MAX];
};

static const struct words words[] = {
	{"en",
	 {"New", "Open", "Pending", "On hold", "Solved", "Closed"},
	 {"", "Low", "Normal", "High", "Urgent"}},
	{"uk",
	 {"Нове", "Відкрито", "В очікуванні", "Призупинено", "Вирішено", "Закрито"},
	 {"", "Низький", "Звичайний", "Високий", "Терміновий"}},
	{"ru",
	 {"Новое", "Открыто", "В ожидании", "Приостановлено", "Решено", "Закрыто"},
	 {"", "Низкий", "Обычный", "Высокий", "Срочный"}},
	{"lt",
	 {"Nauja", "Atvira", "Laukiama", "Sustabdyta", "Išspręsta", "Uždaryta"},
	 {"", "Žemas", "Įprastas", "Aukštas", "Skubus"}},
};

static const struct words *in(const char *lang)
{
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (lang && !strncmp(lang, words[i].lang, 2))
			return &words[i];
	return &words[0];
}

/* Built-in dynamic content (Zendesk's {{dc.name}}): a few texts the
 * shipped automations send, each in the desk's four languages, chosen by
 * the render's language (a rule's mail: the recipient's). Plain text, so
 * nothing in them is read as a template. */
enum { DC_EN, DC_UK, DC_RU, DC_LT, DC__LANGS };
static const struct dc {
	const char *name;
	const char *text[DC__LANGS];
} dcs[] = {
	{"dc.pending_reminder_subject",
	 {"We are waiting for your reply", "Ми чекаємо на вашу відповідь", "Мы ждём вашего ответа",
	  "Laukiame jūsų atsakymo"}},
	{"dc.pending_reminder",
	 {"Hello,\n\nwe are still waiting for your reply to your request. Please answer this "
	  "message so that we can go on; if we do not hear from you, we will consider the "
	  "request solved in a few days.",
	  "Вітаємо!\n\nМи досі чекаємо на вашу відповідь щодо вашого звернення. Будь ласка, "
	  "дайте відповідь на цей лист, щоб ми могли продовжити; якщо ми не отримаємо "
	  "відповіді, за кілька днів звернення буде вважатися вирішеним.",
	  "Здравствуйте!\n\nМы всё ещё ждём вашего ответа по вашему обращению. Пожалуйста, "
	  "ответьте на это письмо, чтобы мы могли продолжить; если мы не получим ответа, "
	  "через несколько дней обращение будет считаться решённым.",
	  "Sveiki,\n\nvis dar laukiame jūsų atsakymo dėl jūsų užklausos. Atsakykite į šį "
	  "laišką, kad galėtume tęsti; jei negausime atsakymo, po kelių dienų užklausą "
	  "laikysime išspręsta."}},
	{"dc.pending_solved",
	 {"We have not heard from you for five business days, so we consider this request "
	  "solved. If you still need help, just reply and it will be opened again.",
	  "Ми не отримували від вас відповіді п’ять робочих днів, тому вважаємо це звернення "
	  "вирішеним. Якщо вам досі потрібна допомога, просто дайте відповідь, і його буде "
	  "відкрито знову.",
	  "Мы не получали от вас ответа пять рабочих дней, поэтому считаем это обращение "
	  "решённым. Если вам всё ещё нужна помощь, просто ответьте, и оно будет открыто "
	  "снова.",
	  "Penkias darbo dienas negavome jūsų atsakymo, todėl šią užklausą laikome "
	  "išspręsta. Jei vis dar reikia pagalbos, tiesiog atsakykite, ir ji bus vėl "
	  "atidaryta."}},
	{"dc.escalated_subject",
	 {"Urgent ticket waiting for an agent", "Терміновий запит чекає на агента",
	  "Срочное обращение ждёт агента", "Skubi užklausa laukia agento"}},
	{"dc.escalated",
	 {"An urgent ticket has had no assignee for 30 minutes. Please take it.",
	  "Терміновий запит уже 30 хвилин не має виконавця. Будь ласка, візьміть його.",
	  "У срочного обращения уже 30 минут нет исполнителя. Пожалуйста, возьмите его.",
	  "Skubi užklausa jau 30 minučių neturi atsakingo agento. Prašome ją perimti."}},
};

static const char *dc_text(size_t n, const char *name, const char *lang)
{
	static const char *const langs[DC__LANGS] = {"en", "uk", "ru", "lt"};
	int l = DC_EN;
	for (int i = 0; lang && i < DC__LANGS; i++)
		if (!strncmp(lang, langs[i], 2))
			l = i;
	for (size_t i = 0; i < sizeof dcs / sizeof *dcs; i++)
		if (strlen(dcs[i].name) == n && !memcmp(dcs[i].name, name, n))
			return dcs[i].text[l];
	return NULL;
}

static int lookup_name(const char *name, size_t n)
{
	for (int i = 0; i < PH__MAX; i++)
		if (strlen(names[i]) == n && !memcmp(names[i], name, n))
			return i;
	return -1;
}

static int known(void *arg, const char *name, size_t n)
{
	(void)arg;
	return lookup_name(name, n) >= 0 || dc_text(n, name, NULL);
}

int fl_placeholders_check(const char *tpl, const char *field, struct fl_err *e)
{
	return fl_template_check(tpl, known, NULL, field, e);
}

/* What one render has loaded so far: each person, group, organization,
 * comment and the site's URL at most once, when a name first needs it. */
struct person {
	int loaded;
	struct fl_user u; /* zero when none or gone */
};

struct render {
	fl_tx *tx;
	const struct fl_render_ctx *c;
	fl_arena *a;
	struct person req, asg, cur;
	int group_loaded, org_loaded, comment_loaded, url_loaded;
	const char *group, *org, *comment, *url;
};

/* u of id, loaded once; gone or none leaves it zero. */
static int person(struct render *r, struct person *p, int64_t id)
{
	int rc = 0;

	if (p->loaded)
		return 0;
	p->loaded = 1;
	if (id && (rc = fl_store_user_get(r->tx, id, r->a, &p->u)) == FL_ENOTFOUND) {
		memset(&p->u, 0, sizeof p->u);
		rc = 0;
	}
	return rc;
}

/* The first word of a name: "Olena" of "Olena Kovalenko". */
static const char *first_name(fl_arena *a, const char *name)
{
	size_t n;

	if (!name)
		return NULL;
	while (*name == ' ')
		name++;
	n = strcspn(name, " ");
	return fl_arena_strndup(a, name, n);
}

static int url(struct render *r, const char **out)
{
	int rc = 0;
	char *base = NULL;

	if (!r->url_loaded) {
		r->url_loaded = 1;
		rc = fl_site_url(r->tx, r->a, &base);
		if (rc == FL_ENOTFOUND)
			rc = 0, base = NULL;
		r->url = base;
	}
	*out = r->url;
	return rc;
}

/* A link under the site's URL: base + path + the ticket's id; NULL
 * without a site URL (a store no server has started on). */
static int link(struct render *r, const char *path, const char **v)
{
	const char *base;
	int rc = url(r, &base);
	char *z;
	size_t n;

	if (rc || !base)
		return rc;
	n = strlen(base) + strlen(path) + 24;
	if (!(z = fl_arena_alloc(r->a, n)))
		return FL_ENOMEM;
	snprintf(z, n, "%s%s%" PRId64, base, path, r->c->t->id);
	*v = z;
	return 0;
}

static int tags(struct render *r, const char **v)
{
	const struct fl_ticket *t = r->c->t;
	size_t n = 1;
	char *z;

	for (size_t i = 0; i < t->ntags; i++)
		n += strlen(t->tags[i]) + 1;
	if (!(z = fl_arena_alloc(r->a, n)))
		return FL_ENOMEM;
	for (size_t i = 0, k = 0; i < t->ntags; i++)
		k += (size_t)snprintf(z + k, n - k, "%s%s", i ? " " : "", t->tags[i]);
	*v = z;
	return 0;
}

static int latest_public_comment(struct render *r, const char **v)
{
	struct fl_page pg = {0, 1, 1, 0, 0, 0, 0};
	struct fl_comment *rows;
	size_t n = 0;
	int rc = 0;

	if (!r->comment_loaded) {
		r->comment_loaded = 1;
		rc = fl_store_comment_list(r->tx, r->c->t->id, 1, &pg, r->a, &rows, &n);
		r->comment = !rc && n ? rows[0].body : NULL;
	}
	*v = r->comment;
	return rc;
}

static int lookup(void *arg, const char *name, size_t n, const char **v)
{
	struct render *r = arg;
	const struct fl_ticket *t = r->c->t;
	int ph = lookup_name(name, n), rc = 0;
	char *z;

	*v = NULL;
	if (ph < 0) {
		*v = dc_text(n, name, r->c->lang);
		return 0; /* fl_placeholders_check refused the rest before */
	}
	if (ph >= PH_CUR_NAME) {
		if ((rc = person(r, &r->cur, r->c->current_user_id)))
			return rc;
		*v = ph == PH_CUR_NAME    ? r->cur.u.name
		     : ph == PH_CUR_EMAIL ? r->cur.u.email
					  : first_name(r->a, r->cur.u.name);
		return 0;
	}
	if (!t)
		return 0;
	switch (ph) {
	case PH_ID:
	case PH_CREATED_AT:
		if (!(z = fl_arena_alloc(r->a, 32)))
			return FL_ENOMEM;
		if (ph == PH_ID)
			snprintf(z, 32, "%" PRId64, t->id);
		else
			fl_time_iso(t->created_at, z);
		*v = z;
		return 0;
	case PH_TITLE: *v = t->subject; return 0;
	case PH_DESCRIPTION: *v = t->description; return 0;
	case PH_STATUS:
		*v = t->status >= 0 && t->status < FL_STATUS__MAX
			     ? in(r->c->lang)->status[t->status]
			     : NULL;
		return 0;
	case PH_PRIORITY:
		*v = t->priority >= 0 && t->priority < FL_PRIORITY__MAX
			     ? in(r->c->lang)->priority[t->priority]
			     : NULL;
		return 0;
	case PH_TYPE: *v = fl_type_name(t->type); return 0;
	case PH_VIA: *v = fl_channel_name(t->channel); return 0;
	case PH_URL: return link(r, "/agent/tickets/", v);
	case PH_LINK: return link(r, "/portal/requests/", v);
	case PH_TAGS: return tags(r, v);
	case PH_REQ_NAME:
	case PH_REQ_FIRST_NAME:
	case PH_REQ_EMAIL:
	case PH_REQ_LANGUAGE:
		if ((rc = person(r, &r->req, t->requester_id)))
			return rc;
		*v = ph == PH_REQ_NAME       ? r->req.u.name
		     : ph == PH_REQ_EMAIL    ? r->req.u.email
		     : ph == PH_REQ_LANGUAGE ? r->req.u.locale
					     : first_name(r->a, r->req.u.name);
		return 0;
	case PH_ASG_NAME:
	case PH_ASG_FIRST_NAME:
	case PH_ASG_EMAIL:
		if ((rc = person(r, &r->asg, t->assignee_id)))
			return rc;
		*v = ph == PH_ASG_NAME    ? r->asg.u.name
		     : ph == PH_ASG_EMAIL ? r->asg.u.email
					  : first_name(r->a, r->asg.u.name);
		return 0;
	case PH_GROUP_NAME:
		if (!r->group_loaded && t->group_id) {
			struct fl_group g;
			r->group_loaded = 1;
			rc = fl_store_group_get(r->tx, t->group_id, r->a, &g);
			if (!rc)
				r->group = g.name;
			else if (rc == FL_ENOTFOUND)
				rc = 0;
		}
		*v = r->group;
		return rc;
	case PH_ORG_NAME:
		if (!r->org_loaded && t->organization_id) {
			struct fl_org o;
			r->org_loaded = 1;
			rc = fl_store_org_get(r->tx, t->organization_id, r->a, &o);
			if (!rc)
				r->org = o.name;
			else if (rc == FL_ENOTFOUND)
				rc = 0;
		}
		*v = r->org;
		return rc;
	case PH_LATEST_PUBLIC_COMMENT: return latest_public_comment(r, v);
	default: return 0;
	}
}

int fl_placeholders_render(fl_tx *tx, const char *tpl, const struct fl_render_ctx *c, int html,
			   fl_arena *a, char **out, struct fl_err *e)
{
	struct render r = {.tx = tx, .c = c, .a = a};
	int rc = fl_placeholders_check(tpl, "template", e);

	return rc ? rc : fl_template_render(tpl, html, lookup, &r, a, out, e);
}
