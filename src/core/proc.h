/* What the kernel says about this process (/proc, Linux; proc(5)), for
 * the metrics every Prometheus client gives: the names and meanings of
 * client_golang's process collector. */
#ifndef FL_CORE_PROC_H
#define FL_CORE_PROC_H

#include <stdint.h>

struct fl_proc {
	double cpu_seconds; /* user and system CPU time used */
	uint64_t rss_bytes; /* resident memory */
	uint64_t open_fds;  /* open file descriptors */
	double start_time;  /* when the process started, seconds since 1970 */
	uint64_t max_fds;   /* the soft limit on open file descriptors */
};

/* Reads them: /proc/self/stat (fields 14, 15, 22 and 24), /proc/stat's
 * btime, /proc/self/fd and getrlimit. FL_EIO when /proc cannot be read
 * (*out is then unchanged). Allocates nothing but a directory stream;
 * costs a few system calls and one per open file descriptor. */
int fl_proc_read(struct fl_proc *out);

#endif
