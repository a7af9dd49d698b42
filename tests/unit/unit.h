/* Helpers shared by the unit tests. */
#ifndef FL_TESTS_UNIT_H
#define FL_TESTS_UNIT_H

#include <stdio.h>
#include <string.h>

/* Appends z to the string in buf (cap bytes), truncating safely: the
 * tests' strcat, which the house bans. */
static inline void cat(char *buf, size_t cap, const char *z)
{
	size_t n = strlen(buf);
	if (n < cap)
		snprintf(buf + n, cap - n, "%s", z);
}

#endif
