/* The attachments folder (files.h). Layout: DIR/ab/abcdef… (the first two
 * hex digits of the digest as a subfolder, to keep folders small). */
#include "store/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int valid_digest(const char *d)
{
	return strlen(d) == 64 && strspn(d, "0123456789abcdef") == 64;
}

static int sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	int rc;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int fl_files_put(const char *dir, const char *digest, const void *p, size_t n,
		 struct fl_err *e)
{
	char sub[600], path[700], tmp[720];
	const char *b = p;
	struct stat st;
	size_t done = 0;
	int fd, ok;

	if (!valid_digest(digest))
		return fl_err_set(e, FL_EINTERNAL, NULL, NULL, "bad digest");
	snprintf(sub, sizeof sub, "%s/%.2s", dir, digest);
	snprintf(path, sizeof path, "%s/%s", sub, digest);
	if (stat(path, &st) == 0 && (size_t)st.st_size == n)
		return 0; /* the same bytes are there already */
	if ((mkdir(dir, 0700) && errno != EEXIST) || (mkdir(sub, 0700) && errno != EEXIST))
		return fl_err_set(e, FL_EIO, NULL, NULL, "cannot create %s: %s", sub, strerror(errno));
	snprintf(tmp, sizeof tmp, "%s/.%s.%ld", sub, digest, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return fl_err_set(e, FL_EIO, NULL, NULL, "cannot write %s: %s", tmp, strerror(errno));
	while (done < n) {
		ssize_t w = write(fd, b + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	ok = done == n && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	ok = ok && rename(tmp, path) == 0 && sync_dir(sub) == 0;
	if (!ok) {
		int err = errno;
		unlink(tmp);
		return fl_err_set(e, FL_EIO, NULL, NULL, "cannot store the file: %s", strerror(err));
	}
	return 0;
}

int fl_files_open(const char *dir, const char *digest, int *fd, size_t *size)
{
	char path[700];
	struct stat st;

	if (!valid_digest(digest))
		return FL_ENOTFOUND;
	snprintf(path, sizeof path, "%s/%.2s/%s", dir, digest, digest);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return errno == ENOENT ? FL_ENOTFOUND : FL_EIO;
	if (fstat(*fd, &st)) {
		close(*fd);
		return FL_EIO;
	}
	*size = (size_t)st.st_size;
	return 0;
}

void fl_files_remove(const char *dir, const char *digest)
{
	char path[700];

	if (!valid_digest(digest))
		return;
	snprintf(path, sizeof path, "%s/%.2s/%s", dir, digest, digest);
	unlink(path);
}
