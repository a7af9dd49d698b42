/* Errors: one convention for the whole program.
 *
 * Functions return int: 0 (FL_OK) on success or a negative FL_E… code.
 * Out parameters are written only on success. Where a caller needs to tell
 * the user *which* input was wrong, the callee also fills a struct fl_err.
 * The HTTP edge maps each code to a status and a stable machine-readable
 * name (fl_err_http_status, fl_err_name); nothing below the edge logs. */
#ifndef FL_CORE_ERR_H
#define FL_CORE_ERR_H

#include <stdarg.h>

enum {
	FL_OK = 0,
	FL_EMALFORMED = -1, /* 400: input that cannot be parsed */
	FL_EAUTH = -2,      /* 401: no or bad credentials */
	FL_EFORBIDDEN = -3, /* 403: authenticated but not allowed */
	FL_ENOTFOUND = -4,  /* 404 */
	FL_EMETHOD = -5,    /* 405 */
	FL_ECONFLICT = -6, /* 409: a state conflict; the store's answer to a uniqueness violation */
	FL_ETOOBIG = -7,   /* 413 (or a buffer over its cap) */
	FL_EINVAL = -8,    /* 422: a field that does not validate */
	FL_ERATE = -9,     /* 429 */
	FL_ENOMEM = -10,   /* 503: out of memory, for now */
	FL_EIO = -11,      /* 503: storage failed (a fenced store is FL_EFENCED) */
	FL_EBUSY = -12,    /* 503: storage busy beyond retries, or shutting down */
	FL_EINTERNAL = -13, /* 500: a bug */
	FL_EMEDIA = -14,    /* 415: a body that is not JSON */
	FL_ENOSPC = -15,    /* 507: the disk is full */
	FL_EFENCED = -16,   /* 503: storage failed to sync; no writes until a restart */
	FL_ENOTIMPL = -17, /* 501: a transfer coding (or the like) this server does not implement */
	FL_EDUPLICATE = -18, /* 422: a value that must be unique is someone else's (a domain's
			      * answer to the store's uniqueness FL_ECONFLICT) */
	FL_E__MIN = -19
};

/* Details for the user: which field, a short machine reason ("TooLong",
 * "InvalidValue", "Blank", "DuplicateValue", …) and a sentence. Fixed-size, so filling
 * it never fails. */
struct fl_err {
	int code;
	char field[64];
	char reason[32];
	char msg[256];
};

/* Fills *e (when e is not NULL) and returns code, so callers can write
 * `return fl_err_set(e, FL_EINVAL, "subject", "Blank", "Subject: cannot be blank");`
 * field and reason may be NULL. */
int fl_err_set(struct fl_err *e, int code, const char *field, const char *reason, const char *fmt,
	       ...) __attribute__((format(printf, 5, 6)));

int fl_err_vset(struct fl_err *e, int code, const char *field, const char *reason, const char *fmt,
		va_list ap) __attribute__((format(printf, 5, 0)));

/* Status code, Zendesk-style error name and a default description. */
int fl_err_http_status(int code);
const char *fl_err_name(int code);
const char *fl_err_describe(int code);

#endif
