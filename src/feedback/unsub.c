/* Unsubscribing (feedback/unsub.h). */
#include "feedback/unsub.h"

#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "portal/link.h"
#include "portal/site.h"
#include "store/nps.h"
#include "store/settings.h"
#include "store/users.h"

int fl_unsub_is(fl_tx *tx, int64_t user_id, int *yes)
{
	return fl_store_unsub_is(tx, user_id, yes);
}

int fl_unsub_bouncing(fl_tx *tx, const char *email, int *yes)
{
	char key[340], *v = NULL;
	fl_arena a;
	int rc;

	*yes = 0;
	if (!email || !*email ||
	    snprintf(key, sizeof key, "mail.bouncing:%s", email) >= (int)sizeof key)
		return 0; /* none, or longer than any address the mail channel records */
	fl_arena_init(&a, 0);
	rc = fl_store_setting_get(tx, key, &a, &v);
	fl_arena_free(&a);
	*yes = !rc;
	return rc == FL_ENOTFOUND ? 0 : rc;
}

int fl_unsub_url(fl_tx *tx, int64_t user_id, fl_arena *a, char **url)
{
	struct fl_link l = {user_id, 0, 0};
	char *base = NULL, *token = NULL, *out;
	size_t n;
	int rc = fl_site_url(tx, a, &base);

	if (rc == FL_ENOTFOUND)
		base = "", rc = 0;
	if (rc || (rc = fl_link_make(tx, FL_UNSUB_PURPOSE, &l, a, &token)))
		return rc;
	n = strlen(base) + strlen(FL_UNSUB_PATH) + strlen(token) + 1;
	if (!(out = fl_arena_alloc(a, n)))
		return FL_ENOMEM;
	snprintf(out, n, "%s%s%s", base, FL_UNSUB_PATH, token);
	*url = out;
	return 0;
}

int fl_unsub_read(fl_tx *tx, const char *token, fl_arena *a, int64_t *user_id, char **locale,
		  struct fl_err *e)
{
	struct fl_link l;
	struct fl_user u;
	int rc = fl_link_read(tx, FL_UNSUB_PURPOSE, token, fl_now(), a, &l, e);

	if (rc)
		return rc;
	if ((rc = fl_store_user_get(tx, l.a, a, &u)))
		return rc;
	*user_id = u.id;
	*locale = u.locale;
	return 0;
}

int fl_unsub_confirm(fl_tx *tx, const char *token, int64_t now, fl_arena *a, char **locale,
		     struct fl_err *e)
{
	struct fl_user u;
	int64_t id;
	char *email = NULL;
	int rc = fl_unsub_read(tx, token, a, &id, locale, e);

	if (rc || (rc = fl_store_user_get(tx, id, a, &u)))
		return rc;
	if (u.email && (email = fl_arena_strdup(a, u.email)))
		for (char *p = email; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	return fl_store_unsub_add(tx, id, email, now);
}

static const struct {
	const char *lang;
	struct fl_unsub_words w;
} words[] = {
	{"en",
	 {"Unsubscribe",
	  "Stop the surveys and other messages we send of our own accord? "
	  "Answers to your requests will still reach you.",
	  "Unsubscribe", "You are unsubscribed. We will not send you surveys or news again.",
	  "This link is not valid. Use the link from the e-mail as it came."}},
	{"uk",
	 {"Відписатися",
	  "Більше не надсилати вам опитувань та інших листів, які ми пишемо з "
	  "власної ініціативи? Відповіді на ваші звернення надходитимуть і далі.",
	  "Відписатися", "Вас відписано. Ми більше не надсилатимемо вам опитувань і новин.",
	  "Це посилання недійсне. Скористайтеся посиланням з листа в тому вигляді, в якому "
	  "воно прийшло."}},
	{"ru",
	 {"Отписаться",
	  "Больше не присылать вам опросы и другие письма, которые мы пишем по "
	  "собственной инициативе? Ответы на ваши обращения будут приходить и дальше.",
	  "Отписаться", "Вы отписаны. Мы больше не будем присылать вам опросы и новости.",
	  "Эта ссылка недействительна. Воспользуйтесь ссылкой из письма в том виде, в каком "
	  "она пришла."}},
	{"lt",
	 {"Atsisakyti laiškų",
	  "Nebesiųsti jums apklausų ir kitų laiškų, kuriuos rašome savo "
	  "iniciatyva? Atsakymai į jūsų užklausas jus pasieks ir toliau.",
	  "Atsisakyti", "Laiškų atsisakėte. Daugiau nesiųsime jums apklausų ir naujienų.",
	  "Ši nuoroda negalioja. Naudokite nuorodą iš laiško tokią, kokia ji atėjo."}},
};

const struct fl_unsub_words *fl_unsub_words(const char *lang)
{
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (lang && !strncmp(lang, words[i].lang, 2))
			return &words[i].w;
	return &words[0].w;
}
