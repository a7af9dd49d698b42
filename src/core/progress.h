/* A progress bar on stderr for long CLI jobs: redrawn in place on a
 * terminal, a line every 10 % otherwise (logs, CI). */
#ifndef FL_CORE_PROGRESS_H
#define FL_CORE_PROGRESS_H

#include <stdint.h>

struct fl_progress {
	const char *label;
	int tty;
	int last; /* last percentage shown */
};

void fl_progress_start(struct fl_progress *p, const char *label);
void fl_progress_update(struct fl_progress *p, uint64_t done, uint64_t total);
void fl_progress_end(struct fl_progress *p);

#endif
