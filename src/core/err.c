#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	int status;
	const char *name;
	const char *description;
} table[] = {
	[0] = {200, "OK", "OK"},
	[-FL_EMALFORMED] = {400, "InvalidRequest", "The request could not be parsed"},
	[-FL_EAUTH] = {401, "Couldn't authenticate you", "Missing or invalid credentials"},
	[-FL_EFORBIDDEN] = {403, "Forbidden", "You do not have access to this resource"},
	[-FL_ENOTFOUND] = {404, "RecordNotFound", "Not found"},
	[-FL_EMETHOD] = {405, "MethodNotAllowed", "This method is not allowed on this resource"},
	[-FL_ECONFLICT] = {409, "Conflict", "The request conflicts with the current state"},
	[-FL_ETOOBIG] = {413, "PayloadTooLarge", "The request body is too large"},
	[-FL_EINVAL] = {422, "RecordInvalid", "Record validation errors"},
	[-FL_ERATE] = {429, "TooManyRequests", "Too many requests; retry later"},
	[-FL_ENOMEM] = {503, "ServiceUnavailable", "Out of memory; retry later"},
	[-FL_EIO] = {503, "ServiceUnavailable", "Storage failure; retry later"},
	[-FL_EBUSY] = {503, "ServiceUnavailable", "The service is busy; retry later"},
	[-FL_EINTERNAL] = {500, "InternalError", "Internal error"},
	[-FL_EMEDIA] = {415, "UnsupportedMediaType", "Send the body as application/json"},
	[-FL_ENOSPC] = {507, "InsufficientStorage", "The disk is full; retry later"},
	[-FL_EFENCED] =
		{503, "ServiceUnavailable",
		 "Storage failed to sync to disk; this node takes no writes until it is restarted"},
	[-FL_ENOTIMPL] = {501, "NotImplemented",
			  "This server does not implement what the request needs"},
	[-FL_EDUPLICATE] = {422, "RecordInvalid", "Record validation errors"},
};

static int idx(int code)
{
	if (code > 0 || code <= FL_E__MIN)
		return -FL_EINTERNAL;
	return -code;
}

int fl_err_http_status(int code)
{
	return table[idx(code)].status;
}
const char *fl_err_name(int code)
{
	return table[idx(code)].name;
}
const char *fl_err_describe(int code)
{
	return table[idx(code)].description;
}

int fl_err_vset(struct fl_err *e, int code, const char *field, const char *reason, const char *fmt,
		va_list ap)
{
	if (!e)
		return code;
	e->code = code;
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	snprintf(e->reason, sizeof e->reason, "%s", reason ? reason : "");
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	return code;
}

int fl_err_set(struct fl_err *e, int code, const char *field, const char *reason, const char *fmt,
	       ...)
{
	va_list ap;

	va_start(ap, fmt);
	fl_err_vset(e, code, field, reason, fmt, ap);
	va_end(ap);
	return code;
}
