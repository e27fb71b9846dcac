/* Console sessions: a registry of one socketpair + thread per open console. */
#include "config.h"

#include "driver/console.h"

#include "lib/util/error.h"
#include "lib/util/uuid.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONSOLE_RELAY_CHUNK 4096

typedef struct console_session {
        char *key; /* "UUID/dev" */
        unsigned char uuid[VCTL_UUID_LEN];
        int fd; /* the driver's end */
        GThread *thread;
        gint done; /* atomic: fn returned */
        drv_console_fn fn;
        void *opaque;
        GDestroyNotify free_opaque;
} console_session;

struct drv_consoles {
        GMutex lock;
        GHashTable *sessions; /* key -> console_session */
};

static gpointer console_thread_main(gpointer data)
{
        console_session *s = data;

        s->fn(s->fd, s->opaque);
        /* the client sees EOF now, not only when the session is reaped */
        shutdown(s->fd, SHUT_RDWR);
        g_atomic_int_set(&s->done, 1);
        return NULL;
}

/* Ends s: wakes its thread with a shutdown, joins it, frees it. */
static void console_session_free(gpointer data)
{
        console_session *s = data;

        if (!s)
                return;
        if (s->fd >= 0)
                shutdown(s->fd, SHUT_RDWR);
        if (s->thread)
                g_thread_join(s->thread);
        if (s->fd >= 0)
                close(s->fd);
        if (s->free_opaque)
                s->free_opaque(s->opaque);
        g_free(s->key);
        g_free(s);
}

/* Whether s still has a client: its thread runs and the client's end is
 * open (a client that closed frees the console at once, even before the
 * thread has noticed). */
static gboolean console_session_active(const console_session *s)
{
        struct pollfd p = {.fd = s->fd, .events = POLLRDHUP};

        if (g_atomic_int_get(&s->done))
                return FALSE;
        return !(poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP)));
}

drv_consoles *drv_consoles_new(void)
{
        drv_consoles *cs = g_new0(drv_consoles, 1);

        g_mutex_init(&cs->lock);
        cs->sessions = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, console_session_free);
        return cs;
}

void drv_consoles_free(drv_consoles *cs)
{
        if (!cs)
                return;
        g_hash_table_destroy(cs->sessions);
        g_mutex_clear(&cs->lock);
        g_free(cs);
}

static char *console_key(const unsigned char uuid[VCTL_UUID_LEN], const char *dev)
{
        char buf[VCTL_UUID_STRING_LEN];

        vctl_uuid_format(uuid, buf);
        return g_strdup_printf("%s/%s", buf, dev);
}

int drv_consoles_open(drv_consoles *cs, const char *name, const unsigned char uuid[VCTL_UUID_LEN],
                      const char *dev, unsigned int flags, drv_console_fn fn, void *opaque,
                      GDestroyNotify free_opaque, int *ret_fd)
{
        g_autofree char *key = console_key(uuid, dev);
        console_session *old, *s;
        int sv[2];

        g_mutex_lock(&cs->lock);
        old = g_hash_table_lookup(cs->sessions, key);
        if (old && console_session_active(old) && !(flags & VCTL_DOMAIN_CONSOLE_FORCE)) {
                g_mutex_unlock(&cs->lock);
                if (free_opaque)
                        free_opaque(opaque);
                return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_DOMAIN,
                                      _("console '%s' of domain '%s' is in use by another client "
                                        "(use --force to take it over)"),
                                      dev, name);
        }
        /* ends the old session: its client sees EOF */
        g_hash_table_remove(cs->sessions, key);
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
                int e = errno;

                g_mutex_unlock(&cs->lock);
                if (free_opaque)
                        free_opaque(opaque);
                return vctl_error_set_errno(e, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_DOMAIN,
                                            _("cannot open console '%s' of domain '%s'"), dev,
                                            name);
        }
        s = g_new0(console_session, 1);
        s->key = g_steal_pointer(&key);
        memcpy(s->uuid, uuid, VCTL_UUID_LEN);
        s->fd = sv[0];
        s->fn = fn;
        s->opaque = opaque;
        s->free_opaque = free_opaque;
        s->thread = g_thread_new("vctl-console", console_thread_main, s);
        g_hash_table_insert(cs->sessions, s->key, s);
        g_mutex_unlock(&cs->lock);
        *ret_fd = sv[1];
        return 0;
}

static gboolean console_is_of(gpointer key, gpointer value, gpointer data)
{
        const console_session *s = value;

        return memcmp(s->uuid, data, VCTL_UUID_LEN) == 0;
}

void drv_consoles_close_domain(drv_consoles *cs, const unsigned char uuid[VCTL_UUID_LEN])
{
        g_mutex_lock(&cs->lock);
        g_hash_table_foreach_remove(cs->sessions, console_is_of, (gpointer)uuid);
        g_mutex_unlock(&cs->lock);
}

gboolean drv_consoles_busy(drv_consoles *cs, const unsigned char uuid[VCTL_UUID_LEN],
                           const char *dev)
{
        g_autofree char *key = console_key(uuid, dev);
        console_session *s;
        gboolean busy;

        g_mutex_lock(&cs->lock);
        s = g_hash_table_lookup(cs->sessions, key);
        busy = s && console_session_active(s);
        g_mutex_unlock(&cs->lock);
        return busy;
}

/* ---- relaying to a pty ---- */

/* Writes all of buf to fd (the session's socket when fd == stop), waiting
 * with poll when it is non-blocking; FALSE when fd fails or the session's
 * socket hangs up meanwhile. */
static gboolean console_write_all(int fd, const char *buf, size_t len, int stop)
{
        while (len > 0) {
                /* a shut-down socket must not raise SIGPIPE in the caller's process */
                ssize_t n = fd == stop ? send(fd, buf, len, MSG_NOSIGNAL) : write(fd, buf, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN) {
                        struct pollfd p[2] = {{.fd = fd, .events = POLLOUT},
                                              {.fd = stop, .events = 0}};

                        if (poll(p, 2, -1) < 0 && errno != EINTR)
                                return FALSE;
                        if (p[1].revents & (POLLHUP | POLLERR))
                                return FALSE;
                        continue;
                }
                if (n <= 0)
                        return FALSE;
                buf += n;
                len -= (size_t)n;
        }
        return TRUE;
}

void drv_console_relay(int fd, void *opaque)
{
        int pty = GPOINTER_TO_INT(opaque);
        char buf[CONSOLE_RELAY_CHUNK];

        for (;;) {
                struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = pty, .events = POLLIN}};
                ssize_t n;

                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return;
                }
                if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                        n = read(fd, buf, sizeof(buf));
                        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                                continue;
                        if (n <= 0 || !console_write_all(pty, buf, (size_t)n, fd))
                                return;
                }
                if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
                        /* a pty master reads EIO once QEMU closed its side */
                        n = read(pty, buf, sizeof(buf));
                        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                                continue;
                        if (n <= 0 || !console_write_all(fd, buf, (size_t)n, fd))
                                return;
                }
        }
}

void drv_console_relay_free(void *opaque)
{
        close(GPOINTER_TO_INT(opaque));
}
