/* The attachments folder: files named by their digest, which several nodes
 * may share (a network file system), so that every node serves every file.
 * A file is written whole (a temporary file, fsync, rename, fsync of the
 * folder) before its database row commits: a 2xx means it is on disk. */
#ifndef FL_STORE_FILES_H
#define FL_STORE_FILES_H

#include <stddef.h>

#include "core/err.h"

/* Puts the n bytes at p in dir under digest (64 hex digits) unless a file
 * of that size is already there. FL_ENOSPC for a full disk (or quota);
 * FL_EFENCED when an fsync of the file or the folder failed (e->msg says
 * which, without paths: it is shown to the operator); FL_EIO otherwise. */
int fl_files_put(const char *dir, const char *digest, const void *p, size_t n, struct fl_err *e);
/* Opens the file for digest: *fd (the caller closes it) and its size. */
int fl_files_open(const char *dir, const char *digest, int *fd, size_t *size);

/* Removes the file for digest, if there. */
void fl_files_remove(const char *dir, const char *digest);

#endif
