#include "core/random.h"

#include <sodium.h>

#include "core/str.h"

void fl_random_hex(char *out, size_t n)
{
	unsigned char raw[64];
	randombytes_buf(raw, n / 2);
	fl_hex(out, raw, n / 2);
}
