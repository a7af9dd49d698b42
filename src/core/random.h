/* Random tokens: unguessable text for secrets, nonces and one-time names,
 * from the operating system's generator (libsodium's randombytes, which
 * needs sodium_init() first). */
#ifndef FL_CORE_RANDOM_H
#define FL_CORE_RANDOM_H

#include <stddef.h>

/* Writes n random lower-hex characters (n even, at most 128) and a NUL to
 * out, which holds n + 1 bytes. Never fails; allocates nothing. */
void fl_random_hex(char *out, size_t n);

#endif
