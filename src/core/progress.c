#include "core/progress.h"

#include <stdio.h>
#include <unistd.h>

void fl_progress_start(struct fl_progress *p, const char *label)
{
	p->label = label;
	p->tty = isatty(STDERR_FILENO);
	p->last = -1;
}

void fl_progress_update(struct fl_progress *p, uint64_t done, uint64_t total)
{
	int pct = total ? (int)(done * 100 / total) : 100;
	char bar[31];

	if (pct > 100)
		pct = 100;
	if (pct == p->last || (!p->tty && pct / 10 == p->last / 10 && p->last >= 0))
		return;
	p->last = pct;
	for (int i = 0; i < 30; i++)
		bar[i] = i < pct * 30 / 100 ? '#' : '.';
	bar[30] = 0;
	fprintf(stderr, p->tty ? "\r%s [%s] %3d%% (%llu/%llu)" : "%s [%s] %3d%% (%llu/%llu)\n",
		p->label, bar, pct, (unsigned long long)done, (unsigned long long)total);
	fflush(stderr);
}

void fl_progress_end(struct fl_progress *p)
{
	if (p->tty)
		fputc('\n', stderr);
}
