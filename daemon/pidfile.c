/* The lock is an fcntl() write lock, released by the kernel when we die, so a
 * stale pid file never blocks a restart. */
#include <config.h>

#include "daemon/pidfile.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int pidfile_lock(int fd)
{
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

        return fcntl(fd, F_SETLK, &fl);
}

static long pidfile_holder(int fd)
{
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

        if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
                return (long)fl.l_pid;
        return 0;
}

int pidfile_acquire(const char *path, const char *dir)
{
        /* bounded retries: the file may be replaced by an exiting daemon */
        for (int attempt = 0; attempt < 10; attempt++) {
                struct stat st_fd, st_path;
                char buf[32];
                int fd, n;

                fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
                if (fd < 0)
                        return vctl_error_set_errno(errno, VCTL_ERR_OPEN_FAILED, VCTL_FROM_NONE,
                                                    _("cannot open pid file '%s'"), path);
                if (pidfile_lock(fd) < 0) {
                        int e = errno;
                        long pid = pidfile_holder(fd);

                        close(fd);
                        if (e == EAGAIN || e == EACCES)
                                return vctl_error_set(
                                        VCTL_ERR_RESOURCE_BUSY, VCTL_FROM_NONE,
                                        _("another vctld is already running (pid %ld) "
                                          "on %s"),
                                        pid, dir);
                        return vctl_error_set_errno(e, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NONE,
                                                    _("cannot lock pid file '%s'"), path);
                }
                /* the previous owner may have unlinked it between open and lock */
                if (fstat(fd, &st_fd) < 0 || stat(path, &st_path) < 0 ||
                    st_fd.st_ino != st_path.st_ino || st_fd.st_dev != st_path.st_dev) {
                        close(fd);
                        continue;
                }
                n = g_snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
                if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
                        int e = errno;

                        close(fd);
                        return vctl_error_set_errno(e, VCTL_ERR_WRITE_FAILED, VCTL_FROM_NONE,
                                                    _("cannot write pid file '%s'"), path);
                }
                return fd;
        }
        return vctl_error_set(VCTL_ERR_RESOURCE_BUSY, VCTL_FROM_NONE,
                              _("pid file '%s' keeps changing; is another vctld starting?"), path);
}

void pidfile_release(const char *path, int fd)
{
        if (fd < 0)
                return;
        unlink(path);
        close(fd);
}
