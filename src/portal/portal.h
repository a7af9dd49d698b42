/* The customer portal's requests: what the public contact form sends
 * becomes a ticket on the web channel, requested by whoever owns the
 * e-mail address given (a new end user when nobody does).
 *
 * - Fields: name (optional), email, subject and description (required),
 *   locale (optional: uk, ru, lt or en), files under "attachments" (at most
 *   FL_PORTAL_MAX_FILES), and "website", a field people never see: a form
 *   that fills it in was filled in by a robot, and makes nothing.
 * - Every field that does not fit is named, all at once, so that a person
 *   can fix them in one go (fl_portal_request_read).
 * - The ticket, its requester, its first (public) comment with the files,
 *   and the acknowledgement are one write transaction (fl_portal_submit),
 *   through the one intake (tickets/intake.h), as a mail's are.
 * - The few sentences the answer page says are here, in the four
 *   languages, so that the HTTP edge only escapes and assembles.
 * Plain C over the store: nothing here knows HTTP or SQL. */
#ifndef FL_PORTAL_PORTAL_H
#define FL_PORTAL_PORTAL_H

#include <stddef.h>
#include <stdint.h>

#include "attachments/attachment.h"
#include "core/arena.h"
#include "core/err.h"
#include "http/form.h"
#include "store/store.h"
#include "tickets/intake.h"
#include "users/user.h"

#define FL_PORTAL_MAX_FILES 10
#define FL_PORTAL_MAX_PARTS 64                              /* fields and files a form may have */
#define FL_PORTAL_NAME_MAX 255                              /* characters */
#define FL_PORTAL_SUBJECT_MAX 300                           /* characters */
#define FL_PORTAL_DESCRIPTION_MAX 65536                     /* characters, as a comment's body */
#define FL_PORTAL_VALUE_MAX (4 * FL_PORTAL_DESCRIPTION_MAX) /* bytes of any field */

/* The language of the answer page and of a new requester: locale when it
 * is one of ours (uk, ru, lt, en, with or without a region: "uk-UA"), else
 * the best of ours in an Accept-Language header (RFC 9110 section
 * 12.5.4: the highest q, the first of equals), else "en". Either may be
 * NULL. Returns a static string. */
const char *fl_portal_lang(const char *locale, const char *accept_language);

/* What can be wrong with a form; each has a machine reason and a sentence
 * in each language (fl_portal_problem_text). */
enum fl_portal_problem_kind {
	FL_PP_NAME_TOO_LONG,
	FL_PP_EMAIL_BLANK,
	FL_PP_EMAIL_INVALID,
	FL_PP_EMAIL_REFUSED, /* the address's user is deactivated or suspended */
	FL_PP_SUBJECT_BLANK,
	FL_PP_SUBJECT_TOO_LONG,
	FL_PP_DESCRIPTION_BLANK,
	FL_PP_DESCRIPTION_TOO_LONG,
	FL_PP_FILES_TOO_MANY,
	FL_PP_FILE_TOO_BIG,
	FL_PP_NOT_TEXT, /* not UTF-8 text, a file where text goes, a field given twice */
	FL_PP_FORM,     /* the body is not a form, or too many parts */
	FL_PP__MAX
};

struct fl_portal_problem {
	const char *field; /* the form field: "email", "attachments", …, or "form" */
	int kind;
};

#define FL_PORTAL_MAX_PROBLEMS 12

struct fl_portal_request {
	const char *name; /* NULL: the address's local part, for a new requester */
	char *email;      /* normalized */
	const char *subject, *description;
	const char *lang;                                 /* fl_portal_lang's */
	int honeypot;                                     /* "website" was filled in */
	struct fl_intake_file files[FL_PORTAL_MAX_FILES]; /* data, n, name and type read */
	size_t nfiles;
	struct fl_portal_problem problems[FL_PORTAL_MAX_PROBLEMS];
	size_t nproblems;
};

/* Reads form f into r: the fields, trimmed of surrounding white space
 * (not the description), and the files (empty file inputs — no name, no
 * bytes — are skipped, and so is text under "attachments": an urlencoded
 * form sends a file input's name there); unknown fields are ignored. Each field that does
 * not fit adds a problem; r is usable only when r->nproblems is 0.
 * accept_language (may be NULL) decides r->lang with the form's locale.
 * Strings point into f or a. Returns 0 or FL_ENOMEM. */
int fl_portal_request_read(const struct fl_form *f, const char *accept_language, fl_arena *a,
			   struct fl_portal_request *r);

/* Adds a problem to r (when there is room). */
void fl_portal_problem_add(struct fl_portal_request *r, const char *field, int kind);

/* The problem's machine reason ("Blank", "TooLong", "InvalidValue",
 * "TooMany") and its sentence in lang (English for JSON answers). */
const char *fl_portal_problem_reason(int kind);
const char *fl_portal_problem_text(int kind, const char *lang);

/* Prepares r's files as uploads (fl_intake_file_prepare): hashed, with a
 * token each, their bytes in s's attachments folder when it has one.
 * Outside any transaction. */
int fl_portal_files_prepare(fl_store *s, struct fl_portal_request *r, struct fl_err *e);

/* The sender r names, for fl_intake_customer: r->email with r->name. */
struct fl_sender fl_portal_sender(const struct fl_portal_request *r);

struct fl_portal_result {
	int64_t ticket_id;
	int64_t requester_id;
	int status; /* the new ticket's (enum fl_status) */
};

/* In a write transaction, through the intake (tickets/intake.h) written
 * by the requester themself: the requester (found or made by r->email;
 * FL_EINVAL naming "email" when deactivated or suspended), r's files
 * (prepared by fl_portal_files_prepare) as the requester's uploads, and
 * the ticket — channel web, requester and submitter the requester,
 * subject, the description as its first public comment with the files —
 * and its acknowledgement (the intake's limit: five an hour to one
 * requester). */
int fl_portal_submit(fl_tx *tx, const struct fl_portal_request *r, fl_arena *a,
		     struct fl_portal_result *out, struct fl_err *e);

/* The answer page's sentences in one language. received and busy take a
 * number (%lld: the request's, the minutes to wait); thanks and reply_to
 * take the name and the e-mail address (%s, given escaped). */
struct fl_portal_words {
	const char *lang;
	const char *received; /* "Request #%lld received" */
	const char *thanks;   /* "Thank you, %s." */
	const char *reply_to; /* "We will answer you at %s." */
	const char *subject;  /* "Subject" */
	const char *not_sent; /* "Your request was not sent" */
	const char *fix;      /* "Please correct the following:" */
	const char *busy;     /* "Too many requests …; try again in %lld minutes." */
	const char *back;     /* "Back to the form" */
	const char *home;     /* "Back to the help centre" */
};
const struct fl_portal_words *fl_portal_words(const char *lang);

#endif
