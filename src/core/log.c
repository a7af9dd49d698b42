#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/time.h"

static int quiet;

void fl_log_quiet(int q)
{
	quiet = q;
}

void fl_log(const char *level, const char *fmt, ...)
{
	char line[2048], ts[21];
	va_list ap;
	int n;

	if (quiet && strcmp(level, "info") == 0)
		return;
	fl_time_iso(fl_now(), ts);
	n = snprintf(line, sizeof line, "%s %s ", ts, level);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
