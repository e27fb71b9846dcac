/* systemd's protocols are small and stable; speaking them directly avoids a
 * libsystemd dependency (see sd_listen_fds(3), sd_notify(3)). */
#include <config.h>

#include "daemon/sd.h"
#include "lib/util/error.h"
#include "lib/util/log.h"
#include "lib/util/num.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define SD_LISTEN_FDS_START 3
#define SD_MAX_FDS          16

static void sd_unset_env(void)
{
        g_unsetenv("LISTEN_PID");
        g_unsetenv("LISTEN_FDS");
        g_unsetenv("LISTEN_FDNAMES");
}

int sd_listen_fds_take(int *ret_rw_fd, int *ret_ro_fd, int *ret_tls_fd)
{
        const char *pid_s = g_getenv("LISTEN_PID");
        const char *fds_s = g_getenv("LISTEN_FDS");
        g_auto(GStrv) names = NULL;
        unsigned long long pid, n;
        int rw = -1, ro = -1, tls = -1;

        *ret_rw_fd = *ret_ro_fd = *ret_tls_fd = -1;
        if (!pid_s || !fds_s)
                return 0;
        if (vctl_parse_ull(pid_s, G_MAXINT, &pid) < 0 || vctl_parse_ull(fds_s, SD_MAX_FDS, &n) < 0)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("malformed socket activation variables LISTEN_PID='%s' "
                                        "LISTEN_FDS='%s'"),
                                      pid_s, fds_s);
        if ((pid_t)pid != getpid())
                return 0; /* meant for another process */
        if (g_getenv("LISTEN_FDNAMES"))
                names = g_strsplit(g_getenv("LISTEN_FDNAMES"), ":", -1);
        for (int i = 0; i < (int)n; i++) {
                int fd = SD_LISTEN_FDS_START + i;
                const char *name = names && i < (int)g_strv_length(names) ? names[i] : "";

                if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
                        return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NONE,
                                                    _("socket activation: bad descriptor %d"), fd);
                if (g_str_equal(name, "vctld-tls.socket") && tls < 0)
                        tls = fd;
                else if (g_str_equal(name, "vctld-tls.socket"))
                        log_warning(_("socket activation: ignoring extra descriptor %d ('%s')"), fd,
                                    name);
                else if (g_str_equal(name, "vctld.socket") && rw < 0)
                        rw = fd;
                else if (g_str_equal(name, "vctld-ro.socket") && ro < 0)
                        ro = fd;
                else if (rw < 0 && !g_str_equal(name, "vctld-ro.socket"))
                        rw = fd;
                else if (ro < 0)
                        ro = fd;
                else
                        log_warning(_("socket activation: ignoring extra descriptor %d ('%s')"), fd,
                                    name);
        }
        sd_unset_env();
        *ret_rw_fd = rw;
        *ret_ro_fd = ro;
        *ret_tls_fd = tls;
        return 0;
}

int sd_notify_state(const char *state)
{
        const char *path = g_getenv("NOTIFY_SOCKET");
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        socklen_t salen;
        gsize len;
        int fd, r = 0;

        if (!path || !*path)
                return 0;
        len = strlen(path);
        if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sa.sun_path))
                return -EINVAL;
        memcpy(sa.sun_path, path, len);
        if (path[0] == '@')
                sa.sun_path[0] = '\0'; /* abstract namespace */
        salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
                r = -errno;
        close(fd);
        if (r < 0)
                log_warning(_("cannot notify systemd (%s) of '%s': %s"), path, state,
                            g_strerror(-r));
        return r;
}
