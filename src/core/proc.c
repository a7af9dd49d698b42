/* The process's own numbers from /proc (core/proc.h). */
#include "core/proc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/err.h"

/* Reads path whole into buf (cap bytes, NUL-terminated); its length or -1. */
static long slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = 0;
	return (long)n;
}

/* The boot time from /proc/stat's "btime SECONDS" line; 0 when missing. */
static uint64_t boot_time(void)
{
	char buf[8192];
	const char *b;

	if (slurp("/proc/stat", buf, sizeof buf) < 0 || !(b = strstr(buf, "\nbtime ")))
		return 0;
	return strtoull(b + 7, NULL, 10);
}

static uint64_t count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	uint64_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n > 0 ? n - 1 : 0; /* not the descriptor reading the folder */
}

int fl_proc_read(struct fl_proc *out)
{
	char buf[1024], *p;
	uint64_t v[25] = {0};
	double tick = (double)sysconf(_SC_CLK_TCK);
	struct rlimit rl;

	/* "pid (comm) state ppid …": comm may hold blanks and ')', so the
	 * fields are counted from the last ')', which ends it; field 3 is
	 * the state, a letter */
	if (slurp("/proc/self/stat", buf, sizeof buf) < 0 || !(p = strrchr(buf, ')')))
		return FL_EIO;
	p += 2;
	for (int field = 3; field <= 24 && p; field++) {
		v[field] = field == 3 ? 0 : strtoull(p, NULL, 10);
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	if (tick <= 0)
		tick = 100;
	out->cpu_seconds = (double)(v[14] + v[15]) / tick;
	out->start_time = (double)boot_time() + (double)v[22] / tick;
	out->rss_bytes = v[24] * (uint64_t)sysconf(_SC_PAGESIZE);
	out->open_fds = count_fds();
	out->max_fds = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? (uint64_t)rl.rlim_cur : 0;
	return 0;
}
