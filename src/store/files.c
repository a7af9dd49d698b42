/* The attachments folder (files.h). Layout: DIR/ab/abcdef… (the first two
 * hex digits of the digest as a subfolder, to keep folders small).
 *
 * A failed fsync (of a file or of its folder) is FL_EFENCED: the kernel may
 * have dropped the pages it could not write and will not say so twice, so
 * the folder no longer holds what this process believes it wrote (the
 * store fences, as for the database). A full disk is FL_ENOSPC: the file was
 * not written, and a later try may fit. */
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

/* Makes the names in the folder path durable. */
static int sync_dir(const char *path, struct fl_err *e)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return fl_err_set(e, FL_EIO, NULL, NULL, "cannot open %s: %s", path,
				  strerror(errno));
	err = fsync(fd) ? errno : 0;
	close(fd);
	if (err)
		return fl_err_set(e, FL_EFENCED, NULL, NULL,
				  "fsync failed on the attachments folder (%s)", strerror(err));
	return 0;
}

/* The code for a failed write, mkdir, open or rename with errno err. */
static int write_error(int err)
{
	return err == ENOSPC || err == EDQUOT ? FL_ENOSPC : FL_EIO;
}

/* Writes the n bytes at p to fd: 0, or errno. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		if (w == 0)
			return EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int fl_files_put(const char *dir, const char *digest, const void *p, size_t n, struct fl_err *e)
{
	char sub[600], path[700], tmp[720];
	struct stat st;
	int fd, err;

	if (!valid_digest(digest))
		return fl_err_set(e, FL_EINTERNAL, NULL, NULL, "bad digest");
	snprintf(sub, sizeof sub, "%s/%.2s", dir, digest);
	snprintf(path, sizeof path, "%s/%s", sub, digest);
	if (stat(path, &st) == 0 && (size_t)st.st_size == n)
		return 0; /* the same bytes are there already */
	if ((mkdir(dir, 0700) && errno != EEXIST) || (mkdir(sub, 0700) && errno != EEXIST))
		return fl_err_set(e, write_error(errno), NULL, NULL, "cannot create %s: %s", sub,
				  strerror(errno));
	snprintf(tmp, sizeof tmp, "%s/.%s.%ld", sub, digest, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return fl_err_set(e, write_error(errno), NULL, NULL, "cannot write %s: %s", tmp,
				  strerror(errno));
	if ((err = write_all(fd, p, n))) {
		close(fd);
		unlink(tmp);
		return fl_err_set(e, write_error(err), NULL, NULL, "cannot store the file: %s",
				  strerror(err));
	}
	if (fsync(fd)) {
		err = errno;
		close(fd);
		unlink(tmp);
		return fl_err_set(e, FL_EFENCED, NULL, NULL,
				  "fsync failed on a file in the attachments folder (%s)",
				  strerror(err));
	}
	if (close(fd) || rename(tmp, path)) {
		err = errno;
		unlink(tmp);
		return fl_err_set(e, write_error(err), NULL, NULL, "cannot store the file: %s",
				  strerror(err));
	}
	/* on failure the name may not be on disk, and stays: no row names it
	 * unless a write commits, and the store takes none once fenced */
	return sync_dir(sub, e);
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
