/* Files: atomic writes and bounded reads. */
#pragma once

#include <glib.h>
#include <sys/types.h>

/* Writes data to path so that a crash at any moment leaves either the old or the
 * new content: temp file in the same directory, fsync, rename, fsync of the
 * directory. Returns 0 or -errno (last error set, naming path). */
int vctl_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* Reads at most max_len bytes of path; a longer file is refused with -EFBIG.
 * The result is NUL-terminated. Returns 0 or -errno (last error set). */
int vctl_file_read_bounded(const char *path, size_t max_len, char **ret_data, size_t *ret_len);

/* Same for an already open descriptor (not closed); what names it in errors. */
int vctl_fd_read_bounded(int fd, const char *what, size_t max_len, char **ret_data, size_t *ret_len);

/* Creates path and its parents with mode; 0 or -errno (last error set). */
int vctl_mkdir_p(const char *path, mode_t mode);
