/* One QEMU process as the host sees it: spawn, identity, exit, kill, log. */
#include "config.h"

#include "driver/qemu/qemu_process.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* a /proc/PID/stat line is well under this */
#define QEMU_PROCESS_STAT_MAX 4096
/* how much of a log's end is searched for its last lines */
#define QEMU_PROCESS_TAIL_BYTES 65536

int qemu_process_spawn(const char *name, char *const *argv, int log_fd, pid_t *ret_pid)
{
        return qemu_process_spawn_fds(name, argv, log_fd, NULL, ret_pid);
}

int qemu_process_spawn_fds(const char *name, char *const *argv, int log_fd, const GArray *fds,
                           pid_t *ret_pid)
{
        static char *const envp[] = {"PATH=/usr/bin:/bin", "HOME=/", "LC_ALL=C", NULL};
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        sigset_t none, all;
        pid_t pid;
        int r;

        sigemptyset(&none);
        sigfillset(&all);
        posix_spawn_file_actions_init(&fa);
        posix_spawnattr_init(&attr);
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, log_fd, STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&fa, log_fd, STDERR_FILENO);
        /* fds[i] becomes 3 + i (dup2 clears close-on-exec); the caller made
         * sure every fds[i] is above the targets, so none is overwritten */
        for (guint i = 0; fds && i < fds->len; i++)
                posix_spawn_file_actions_adddup2(&fa, g_array_index(fds, int, i),
                                                 STDERR_FILENO + 1 + (int)i);
        /* whatever vctld holds open (client sockets, other guests' monitors)
         * is none of QEMU's business, close-on-exec or not */
        posix_spawn_file_actions_addclosefrom_np(&fa,
                                                 STDERR_FILENO + 1 + (int)(fds ? fds->len : 0));
        /* vctld ignores SIGPIPE and may block signals in its threads */
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                                POSIX_SPAWN_SETSIGDEF);
        r = posix_spawn(&pid, argv[0], &fa, &attr, argv, envp);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        if (r != 0)
                return vctl_error_set_errno(r, VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                            _("domain '%s': cannot run '%s'"), name, argv[0]);
        *ret_pid = pid;
        return 0;
}

int qemu_process_start_time(pid_t pid, guint64 *ret_start)
{
        g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
        char buf[QEMU_PROCESS_STAT_MAX];
        const char *p;
        char *end;
        ssize_t n;
        int fd;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : -errno;
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
                return -ESRCH;
        buf[n] = '\0';
        /* the command name (field 2) may hold spaces and ')': skip past the last ')' */
        p = strrchr(buf, ')');
        if (!p)
                return -EINVAL;
        p++;
        /* fields 3..21 precede the start time */
        for (int field = 3; field <= 22; field++) {
                while (*p == ' ')
                        p++;
                if (!*p)
                        return -EINVAL;
                if (field == 22)
                        break;
                p = strchr(p, ' ');
                if (!p)
                        return -EINVAL;
        }
        errno = 0;
        *ret_start = g_ascii_strtoull(p, &end, 10);
        if (errno || end == p)
                return -EINVAL;
        return 0;
}

int qemu_process_open(pid_t pid, guint64 start_time, int *ret_pidfd)
{
        guint64 now_start = 0;
        int fd, r;

        if (pid <= 1)
                return -ESRCH;
        /* the pidfd first, then the check: the pidfd keeps naming the process
         * we checked even if the pid is reused afterwards */
        fd = pidfd_open(pid, 0);
        if (fd < 0)
                return -errno;
        r = qemu_process_start_time(pid, &now_start);
        if (r < 0 || now_start != start_time) {
                close(fd);
                return r < 0 ? r : -ESRCH;
        }
        /* a zombie still has its stat: it is gone for our purposes */
        if (qemu_process_wait_exit(fd, 0)) {
                close(fd);
                return -ESRCH;
        }
        *ret_pidfd = fd;
        return 0;
}

gboolean qemu_process_wait_exit(int pidfd, int timeout_ms)
{
        gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
        struct pollfd p = {.fd = pidfd, .events = POLLIN};

        for (;;) {
                gint64 left = (deadline - g_get_monotonic_time()) / 1000;
                int r = poll(&p, 1, (int)CLAMP(left, 0, G_MAXINT));

                if (r > 0)
                        return TRUE;
                if (r == 0)
                        return FALSE;
                if (errno != EINTR)
                        return FALSE;
        }
}

int qemu_process_kill(const char *name, int pidfd, int term_ms, gboolean graceful)
{
        if (pidfd_send_signal(pidfd, SIGTERM, NULL, 0) < 0 && errno != ESRCH)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                            _("domain '%s': cannot send SIGTERM to QEMU"), name);
        if (qemu_process_wait_exit(pidfd, term_ms))
                return 0;
        if (graceful)
                return vctl_error_set(VCTL_ERR_OPERATION_TIMEOUT, VCTL_FROM_QEMU,
                                      _("domain '%s': QEMU did not exit within %d ms of SIGTERM "
                                        "(destroy it without --graceful to kill it)"),
                                      name, term_ms);
        log_warning(_("domain '%s': QEMU ignored SIGTERM for %d ms; sending SIGKILL"), name,
                    term_ms);
        if (pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                            _("domain '%s': cannot send SIGKILL to QEMU"), name);
        if (qemu_process_wait_exit(pidfd, QEMU_PROCESS_KILL_MS))
                return 0;
        return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                              _("domain '%s': QEMU did not exit within %d ms of SIGKILL (stuck in "
                                "the kernel? see its state in /proc)"),
                              name, QEMU_PROCESS_KILL_MS);
}

void qemu_process_reap(pid_t pid)
{
        int status;

        if (pid <= 0)
                return;
        while (waitpid(pid, &status, WNOHANG) < 0 && errno == EINTR)
                ;
}

char *qemu_process_argv_string(char *const *argv)
{
        GString *s = g_string_new(NULL);

        for (size_t i = 0; argv[i]; i++) {
                const char *a = argv[i];
                gboolean plain = *a != '\0';

                for (const char *p = a; *p && plain; p++)
                        plain = g_ascii_isalnum(*p) || strchr("-_=.,/:+@%", *p);
                if (i)
                        g_string_append_c(s, ' ');
                if (plain) {
                        g_string_append(s, a);
                } else {
                        g_autofree char *q = g_shell_quote(a);

                        g_string_append(s, q);
                }
        }
        return g_string_free(s, FALSE);
}

static int qemu_process_write_all(int fd, const char *data, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, data, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -errno;
                data += n;
                len -= (size_t)n;
        }
        return 0;
}

int qemu_process_log_open(const char *path, char *const *argv, goffset *ret_offset)
{
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f%z");
        g_autofree char *cmd = qemu_process_argv_string(argv);
        g_autofree char *head = NULL;
        struct stat st;
        int fd, r;

        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_OPEN_FAILED, VCTL_FROM_QEMU,
                                            _("cannot open the QEMU log '%s'"), path);
        /* an older log may have been created with looser permissions */
        if (fchmod(fd, 0600) < 0 || fstat(fd, &st) < 0) {
                r = -errno;
                close(fd);
                return vctl_error_set_errno(-r, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                            _("cannot set up the QEMU log '%s'"), path);
        }
        head = g_strdup_printf("%s: starting up\n%s\n", stamp, cmd);
        r = qemu_process_write_all(fd, head, strlen(head));
        if (r < 0) {
                close(fd);
                return vctl_error_set_errno(-r, VCTL_ERR_WRITE_FAILED, VCTL_FROM_QEMU,
                                            _("cannot write to the QEMU log '%s'"), path);
        }
        *ret_offset = st.st_size + (goffset)strlen(head);
        return fd;
}

char *qemu_process_log_tail(const char *path, goffset offset, int nlines)
{
        g_autofree char *buf = NULL;
        g_auto(GStrv) lines = NULL;
        g_autoptr(GPtrArray) keep = g_ptr_array_new();
        struct stat st;
        goffset from;
        ssize_t n;
        int fd;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return NULL;
        if (fstat(fd, &st) < 0 || st.st_size <= offset) {
                close(fd);
                return NULL;
        }
        from = MAX(offset, st.st_size - QEMU_PROCESS_TAIL_BYTES);
        buf = g_malloc0(QEMU_PROCESS_TAIL_BYTES + 1);
        n = pread(fd, buf, QEMU_PROCESS_TAIL_BYTES, from);
        close(fd);
        if (n <= 0)
                return NULL;
        buf[n] = '\0';
        lines = g_strsplit(buf, "\n", -1);
        for (int i = (int)g_strv_length(lines) - 1; i >= 0 && (int)keep->len < nlines; i--) {
                g_strstrip(lines[i]);
                if (*lines[i])
                        g_ptr_array_insert(keep, 0, lines[i]);
        }
        if (keep->len == 0)
                return NULL;
        g_ptr_array_add(keep, NULL);
        return g_strjoinv("; ", (char **)keep->pdata);
}

void qemu_process_remove_dir(const char *dir)
{
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *entry;

        while (d && (entry = g_dir_read_name(d))) {
                g_autofree char *p = g_build_filename(dir, entry, NULL);

                if (unlink(p) < 0 && errno != ENOENT)
                        log_warning(_("cannot remove '%s': %s"), p, g_strerror(errno));
        }
        if (rmdir(dir) < 0 && errno != ENOENT)
                log_warning(_("cannot remove '%s': %s"), dir, g_strerror(errno));
}
