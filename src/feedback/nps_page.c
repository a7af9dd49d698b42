/* The public pages' frame (feedback/nps_page.h). */
#include "feedback/nps_page.h"

#include <string.h>

const char fl_fb_page_csp[] =
	"default-src 'none'; style-src 'self'; form-action 'self'; "
	"base-uri 'none'; frame-ancestors 'none'";

static int add_html(fl_buf *b, const char *z)
{
	return fl_buf_add_html(b, z ? z : "", z ? strlen(z) : 0);
}

int fl_fb_page_start(fl_buf *b, const char *lang, const char *title)
{
	int rc = fl_buf_adds(b, "<!doctype html>\n<html lang=\"");

	if (!rc)
		rc = add_html(b, lang);
	if (!rc)
		rc = fl_buf_adds(b,
				 "\">\n<head>\n<meta charset=\"utf-8\">\n"
				 "<meta name=\"viewport\" content=\"width=device-width, "
				 "initial-scale=1\">\n"
				 "<meta name=\"robots\" content=\"noindex\">\n"
				 "<link rel=\"stylesheet\" href=\"/assets/app.css\">\n"
				 "<link rel=\"stylesheet\" href=\"/assets/portal.css\">\n<title>");
	if (!rc)
		rc = add_html(b, title);
	if (!rc)
		rc = fl_buf_adds(b, "</title>\n</head>\n<body>\n<main class=\"feedback\">\n<h1>");
	if (!rc)
		rc = add_html(b, title);
	return rc ? rc : fl_buf_adds(b, "</h1>\n");
}

int fl_fb_page_p(fl_buf *b, const char *text)
{
	int rc = fl_buf_adds(b, "<p>");

	if (!rc)
		rc = add_html(b, text);
	return rc ? rc : fl_buf_adds(b, "</p>\n");
}

int fl_fb_page_end(fl_buf *b)
{
	return fl_buf_adds(b, "</main>\n</body>\n</html>\n");
}
