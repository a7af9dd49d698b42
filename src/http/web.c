/* The browser apps' pages and assets: the copy built into the binary, or the
 * files under --web-dir while developing. Every page of an app is its
 * index.html (the app reads the path); assets are cached for good when the
 * page asks for them by version, and chunks always (their names change). No database, no credentials: the apps talk
 * to the JSON API for everything else. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http_int.h"
#include "http/web.h"

/* Pages may load only our own scripts, styles and API; e-mail HTML is shown
 * in a sandboxed srcdoc frame, which inherits this policy. No other site
 * may frame a page (clickjacking), but the chat widget's frame: see
 * fl_req_page. */
#define PAGE_CSP                                                                                \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " \
	"connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "            \
	"form-action 'self'; frame-ancestors "
static const char page_csp[] = PAGE_CSP "'none'";

/* The chat widget's loader, which any site's page loads as a classic
 * script from our origin: a stable name, so it is cached for minutes
 * only (a new release reaches every site within five), and readable
 * cross-origin under the host's Cross-Origin-Embedder-Policy. */
static const char widget_js[] = "/chat/widget.js";

static const char *const apps[] = {"agent", "portal"};

struct file {
	const char *type, *data, *gz, *etag;
	size_t len, gz_len;
	char *owned; /* read from --web-dir */
};

static const char *type_of(const char *path)
{
	static const char *const types[][2] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".json", "application/json; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
		if (!strcmp(dot, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

static int from_disk(const char *dir, const char *path, struct file *f)
{
	char full[1024];
	struct stat st;
	int fd;

	if (strstr(path, "..") ||
	    (size_t)snprintf(full, sizeof full, "%s%s", dir, path) >= sizeof full)
		return 0;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (64 << 20) ||
	    !(f->owned = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return 0;
	}
	f->len = 0;
	while (f->len < (size_t)st.st_size) {
		ssize_t n = read(fd, f->owned + f->len, (size_t)st.st_size - f->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		f->len += (size_t)n;
	}
	close(fd);
	f->data = f->owned;
	f->type = type_of(path);
	return 1;
}

static int find(const struct fl_config *c, const char *path, struct file *f)
{
	*f = (struct file){0};
	if (c->web_dir[0])
		return from_disk(c->web_dir, path, f);
	for (const struct fl_web_file *w = fl_web_files; w->path; w++)
		if (!strcmp(w->path, path)) {
			*f = (struct file){w->type, w->data,   w->gz, w->etag,
					   w->len,  w->gz_len, NULL};
			return 1;
		}
	return 0;
}

/* "/agent/tickets/5" → "agent"; NULL when url is no app's. */
static const char *app_of(const char *url, size_t *prefix)
{
	for (size_t i = 0; i < sizeof apps / sizeof *apps; i++) {
		size_t n = strlen(apps[i]);
		if (url[0] == '/' && !strncmp(url + 1, apps[i], n) &&
		    (url[n + 1] == '/' || !url[n + 1])) {
			*prefix = n + 1;
			return apps[i];
		}
	}
	return NULL;
}

int fl_web_owns(const char *url)
{
	size_t n;
	return !strcmp(url, "/") || !strncmp(url, "/assets/", 8) || app_of(url, &n) ||
	       !strcmp(url, widget_js);
}

static int accepts_gzip(struct fl_req *r)
{
	const char *ae = fl_req_header_in(r, "Accept-Encoding");
	return ae && strstr(ae, "gzip");
}

static enum MHD_Result answer(struct fl_req *r, const char *body, size_t len,
			      enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)body, mode);
	enum MHD_Result ret;
	if (!resp)
		return MHD_NO;
	ret = fl_req_queue(r, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result redirect(struct fl_req *r, int status, const char *to)
{
	r->status = status;
	fl_req_header(r, "Location", to);
	return answer(r, "", 0, MHD_RESPMEM_PERSISTENT);
}

enum MHD_Result fl_web_respond(struct fl_req *r)
{
	const char *app, *inm, *path = r->url;
	char page[32];
	size_t prefix;
	struct file f;
	int is_page;
	enum MHD_Result ret;

	if (!strcmp(path, "/"))
		return redirect(r, 302, "/portal/");
	app = app_of(path, &prefix);
	if (app && !path[prefix]) {
		snprintf(page, sizeof page, "/%s/", app);
		return redirect(r, 301, page);
	}
	if (app) { /* every path of an app is its page */
		snprintf(page, sizeof page, "/%s/index.html", app);
		path = page;
	}
	is_page = app != NULL;
	if (!find(r->config, path, &f)) {
		static const char none[] =
			"{\"error\":\"RecordNotFound\",\"description\":\"No such file\"}";
		r->status = 404; /* as the API says it */
		fl_req_header(r, "Content-Type", "application/json; charset=utf-8");
		return answer(r, none, sizeof none - 1, MHD_RESPMEM_PERSISTENT);
	}
	fl_req_header(r, "Content-Type", f.type);
	if (is_page)
		fl_req_header(r, "Content-Security-Policy", page_csp);
	if (!strcmp(path, widget_js)) {
		fl_req_header(r, "Cache-Control", "public, max-age=300");
		fl_req_header(r, "Cross-Origin-Resource-Policy", "cross-origin");
	} else {
		/* a chunk's name carries its content's hash (tools/web.py): a changed
		 * chunk is another file, so it is as safe to keep as a versioned asset */
		fl_req_header(r, "Cache-Control",
			      !is_page && (fl_req_arg(r, "v") ||
					   !strncmp(path, "/assets/chunks/", 15))
				      ? "public, max-age=31536000, immutable"
				      : "no-cache");
	}
	if (f.etag) {
		fl_req_header(r, "ETag", f.etag);
		inm = fl_req_header_in(r, "If-None-Match");
		if (inm && !strcmp(inm, f.etag)) {
			r->status = 304;
			return answer(r, "", 0, MHD_RESPMEM_PERSISTENT);
		}
	}
	r->status = 200;
	if (f.gz) {
		fl_req_header(r, "Vary", "Accept-Encoding");
		if (accepts_gzip(r)) {
			fl_req_header(r, "Content-Encoding", "gzip");
			return answer(r, f.gz, f.gz_len, MHD_RESPMEM_PERSISTENT);
		}
	}
	ret = answer(r, f.data, f.len, f.owned ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
	free(f.owned);
	return ret;
}

int fl_req_page(struct fl_req *r, const char *path, const char *ancestors)
{
	static const char base[] = PAGE_CSP;
	const char *anc = ancestors ? ancestors : "'none'";
	size_t n = strlen(anc);
	struct file f;
	char *csp;
	int rc = 0;

	if (!find(r->config, path, &f))
		return fl_req_fail(r, FL_ENOTFOUND, NULL, NULL, "No such page");
	csp = fl_arena_alloc(&r->arena, sizeof base + n);
	if (csp) {
		memcpy(csp, base, sizeof base - 1);
		memcpy(csp + sizeof base - 1, anc, n + 1);
	}
	r->raw = fl_arena_strndup(&r->arena, f.data, f.len);
	if (!csp || !r->raw) {
		rc = FL_ENOMEM;
		goto out;
	}
	r->raw_len = f.len;
	r->raw_type = f.type;
	r->status = 200;
	r->priv->framable = ancestors && strcmp(ancestors, "'none'");
	fl_req_header(r, "Content-Security-Policy", csp);
	fl_req_header(r, "Cache-Control", "no-cache");
out:
	free(f.owned);
	return rc;
}
