/* Logging: one line per event on stderr, written with a single write(2) so
 * lines from different threads never interleave. Only the edges log (the HTTP
 * layer, the job runner, the CLI); domain and store code return errors. */
#ifndef FL_CORE_LOG_H
#define FL_CORE_LOG_H

void fl_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fl_log_quiet(int quiet); /* 1: drop "info" lines (keeps "warn"/"error") */

#endif
