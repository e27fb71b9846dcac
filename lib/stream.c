/* libvctl's streams (the serial console): over RPC a remote_stream fed by
 * the reader thread, in process the driver's socket itself. */
#include "config.h"

#include "lib/libvctl_priv.h"

#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

struct vctl_stream {
        vctl_conn *conn; /* a reference */
        char *what;      /* "console of domain 'x'", for errors */
        remote_stream *remote;
        int fd; /* in process: the driver's socket, -1 once closed */
        gboolean closed;
};

static vctl_stream *stream_new(vctl_conn *conn, const char *dom_name)
{
        vctl_stream *st = g_new0(vctl_stream, 1);

        st->conn = conn_ref(conn);
        st->what = g_strdup_printf(_("console of domain '%s'"), dom_name);
        st->fd = -1;
        return st;
}

vctl_stream *vctl_domain_open_console(vctl_domain *dom, const char *dev_name, unsigned int flags)
{
        vctl_stream *st;
        int fd = -1;

        if (!dom) {
                vctl_error_clear();
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE, _("no domain given"));
                return NULL;
        }
        if (conn_check(dom->conn) < 0)
                return NULL;
        if (dom->conn->flags & VCTL_CONNECT_RO) {
                vctl_error_set(VCTL_ERR_OPERATION_DENIED, VCTL_FROM_NONE,
                               _("the connection to '%s' is read-only; opening the console of "
                                 "domain '%s' needs a read-write one"),
                               dom->conn->uri->name, dom->d->name);
                return NULL;
        }
        if (flags & ~(unsigned int)(VCTL_DOMAIN_CONSOLE_FORCE | VCTL_DOMAIN_CONSOLE_SAFE)) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                               _("unsupported flags (0x%x) in opening a console"),
                               flags & ~(unsigned int)(VCTL_DOMAIN_CONSOLE_FORCE |
                                                       VCTL_DOMAIN_CONSOLE_SAFE));
                return NULL;
        }
        if (dom->conn->remote) {
                remote_stream *rs = remote_open_console(dom->conn->remote, dom->d, dev_name, flags);

                if (!rs)
                        return NULL;
                st = stream_new(dom->conn, dom->d->name);
                st->remote = rs;
                return st;
        }
        if (!dom->conn->driver->open_console) {
                vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_NONE,
                               _("the %s driver has no consoles"), dom->conn->driver->type);
                return NULL;
        }
        if (dom->conn->driver->open_console(dom->conn->drv, dom->d, dev_name, flags, &fd) < 0)
                return NULL;
        st = stream_new(dom->conn, dom->d->name);
        st->fd = fd;
        return st;
}

static int stream_check(vctl_stream *st, const char *what)
{
        vctl_error_clear();
        if (!st)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE, _("no stream given"));
        if (st->closed)
                return vctl_error_set(
                        VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                        /* TRANSLATORS: "read from" or "write to", then "console of domain 'x'" */
                        _("cannot %s the %s: it is finished or aborted"), what, st->what);
        return 0;
}

ssize_t vctl_stream_recv(vctl_stream *st, char *buf, size_t len)
{
        ssize_t n;

        if (stream_check(st, _("read from")) < 0)
                return -1;
        if (st->remote)
                return remote_stream_recv(st->remote, buf, len);
        do
                n = recv(st->fd, buf, len, 0);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
                vctl_error_set_errno(errno, VCTL_ERR_READ_FAILED, VCTL_FROM_NONE,
                                     _("cannot read from the %s"), st->what);
                return -1;
        }
        return n;
}

ssize_t vctl_stream_send(vctl_stream *st, const char *buf, size_t len)
{
        size_t off = 0;

        if (stream_check(st, _("write to")) < 0)
                return -1;
        if (st->remote)
                return remote_stream_send(st->remote, buf, len);
        while (off < len) {
                ssize_t n = send(st->fd, buf + off, len - off, MSG_NOSIGNAL);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        vctl_error_set_errno(errno, VCTL_ERR_WRITE_FAILED, VCTL_FROM_NONE,
                                             _("cannot write to the %s"), st->what);
                        return -1;
                }
                off += (size_t)n;
        }
        return (ssize_t)len;
}

static int stream_close(vctl_stream *st, gboolean abort)
{
        int r = 0;

        if (stream_check(st, abort ? _("abort") : _("finish")) < 0)
                return -1;
        st->closed = TRUE;
        if (st->remote)
                return remote_stream_close(st->remote, abort);
        /* finish: what was sent is in the socket already; the driver's end
         * sees EOF either way */
        if (close(st->fd) < 0 && !abort)
                r = vctl_error_set_errno(errno, VCTL_ERR_WRITE_FAILED, VCTL_FROM_NONE,
                                         _("cannot finish the %s"), st->what);
        st->fd = -1;
        return r < 0 ? -1 : 0;
}

int vctl_stream_finish(vctl_stream *st)
{
        return stream_close(st, FALSE);
}

int vctl_stream_abort(vctl_stream *st)
{
        return stream_close(st, TRUE);
}

void vctl_stream_free(vctl_stream *st)
{
        g_autoptr(vctl_error) saved = NULL;

        if (!st)
                return;
        saved = vctl_error_copy(vctl_error_last());
        if (!st->closed)
                stream_close(st, TRUE);
        remote_stream_free(st->remote);
        if (st->fd >= 0)
                close(st->fd);
        conn_unref(st->conn);
        g_free(st->what);
        g_free(st);
        vctl_error_restore(saved);
}

int vctl_stream_fd(vctl_stream *st)
{
        if (stream_check(st, _("poll")) < 0)
                return -1;
        return st->remote ? remote_stream_fd(st->remote) : st->fd;
}
