#include "config.h"

#include "file.h"
#include "error.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const void *data, size_t len)
{
        const char *p = data;

        while (len > 0) {
                ssize_t n = write(fd, p, len);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

int vctl_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *base = g_path_get_basename(path);
        g_autofree char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
        int fd, dfd, r;

        fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, mode);
        if (fd < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_WRITE_FAILED, VCTL_FROM_CONF,
                                            _("cannot create a temporary file beside '%s'"), path);
        /* mkstemp honours the umask; the caller's mode is what the file must have */
        if (fchmod(fd, mode) < 0 || (r = write_all(fd, data, len)) < 0 || fsync(fd) < 0) {
                int saved = errno;

                close(fd);
                unlink(tmp);
                return vctl_error_set_errno(saved, VCTL_ERR_WRITE_FAILED, VCTL_FROM_CONF,
                                            _("cannot write '%s'"), path);
        }
        if (close(fd) < 0 || rename(tmp, path) < 0) {
                int saved = errno;

                unlink(tmp);
                return vctl_error_set_errno(saved, VCTL_ERR_WRITE_FAILED, VCTL_FROM_CONF,
                                            _("cannot replace '%s'"), path);
        }
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_WRITE_FAILED, VCTL_FROM_CONF,
                                            _("cannot open directory '%s' to sync it"), dir);
        r = fsync(dfd) < 0 ? -errno : 0;
        close(dfd);
        if (r < 0)
                return vctl_error_set_errno(-r, VCTL_ERR_WRITE_FAILED, VCTL_FROM_CONF,
                                            _("cannot sync directory '%s'"), dir);
        return 0;
}

static int too_big(const char *what, size_t max_len)
{
        vctl_error_set(VCTL_ERR_READ_FAILED, VCTL_FROM_NONE,
                       _("%s is larger than the limit of %zu bytes"), what, max_len);
        return -EFBIG;
}

int vctl_fd_read_bounded(int fd, const char *what, size_t max_len, char **ret_data, size_t *ret_len)
{
        g_autofree char *buf = NULL;
        size_t len = 0, cap = 0;

        for (;;) {
                ssize_t n;

                if (len == cap) {
                        /* one byte more than allowed tells "too big" from "exactly max" */
                        if (cap > max_len)
                                return too_big(what, max_len);
                        cap = MIN(MAX(cap * 2, (size_t)4096), max_len + 1);
                        buf = g_realloc(buf, cap + 1);
                }
                n = read(fd, buf + len, cap - len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return vctl_error_set_errno(errno, VCTL_ERR_READ_FAILED, VCTL_FROM_NONE,
                                                    _("cannot read %s"), what);
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        if (len > max_len)
                return too_big(what, max_len);
        if (!buf)
                buf = g_malloc(1);
        buf[len] = '\0';
        *ret_data = g_steal_pointer(&buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

int vctl_file_read_bounded(const char *path, size_t max_len, char **ret_data, size_t *ret_len)
{
        g_autofree char *what = g_strdup_printf("file '%s'", path);
        struct stat st;
        int fd, r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_OPEN_FAILED, VCTL_FROM_NONE,
                                            _("cannot open '%s'"), path);
        /* refuse a large regular file before reading any of it */
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max_len) {
                close(fd);
                return too_big(what, max_len);
        }
        r = vctl_fd_read_bounded(fd, what, max_len, ret_data, ret_len);
        close(fd);
        return r;
}

int vctl_mkdir_p(const char *path, mode_t mode)
{
        if (g_mkdir_with_parents(path, (int)mode) < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NONE,
                                            _("cannot create directory '%s'"), path);
        return 0;
}
