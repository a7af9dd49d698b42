/* A test-only LD_PRELOAD shim (tests/api/fence.test.mjs): fsync and
 * fdatasync fail with EIO, without syncing, while the file named by
 * FAILSYNC_MARKER exists; otherwise they are libc's. What a disk whose
 * write-back failed looks like to the server: SQLite's commit syncs the WAL
 * with fdatasync, the attachments folder uses fsync.
 *
 * Built by meson only with the tests (tests/api/meson.build), never
 * installed. */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static int failing(void)
{
	const char *marker = getenv("FAILSYNC_MARKER");
	return marker && *marker && access(marker, F_OK) == 0;
}

int fsync(int fd)
{
	static int (*real)(int);

	if (failing()) {
		errno = EIO;
		return -1;
	}
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	return real(fd);
}

int fdatasync(int fd)
{
	static int (*real)(int);

	if (failing()) {
		errno = EIO;
		return -1;
	}
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	return real(fd);
}
