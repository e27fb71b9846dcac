/* The RPC client: a unix socket to vctld, a reader thread that matches
 * replies to waiting callers by serial, answers keepalive PINGs and passes
 * events on, and calls made from any number of threads at once. */
#include "config.h"

#include "lib/remote.h"
#include "lib/remote_tls.h"

#include "lib/util/error.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef SBINDIR
#define SBINDIR "/usr/local/sbin"
#endif

/* How long a session daemon we spawned may take to listen. */
#define REMOTE_AUTOSTART_WAIT_US (5 * G_USEC_PER_SEC)
#define REMOTE_AUTOSTART_POLL_US (50 * 1000)
/* Opening and closing are bounded even though calls are not: a socket that
 * is not a vctld must not hang the caller. */
#define REMOTE_OPEN_WAIT_US  (60 * G_USEC_PER_SEC)
#define REMOTE_CLOSE_WAIT_US (5 * G_USEC_PER_SEC)
#define REMOTE_READ_CHUNK    65536
/* received stream data a stream buffers before the reader thread waits
 * for the application to take some (back-pressure up to the daemon) */
#define REMOTE_STREAM_QUEUE_MAX (1024 * 1024)

typedef struct remote_pending {
        guint32 serial;
        gboolean done;
        vctl_rpc_msg *reply; /* NULL with err set when the connection died */
        vctl_error *err;
} remote_pending;

struct remote_conn {
        gint refs; /* remote_open's, and one per stream */
        int fd;
        char *socket_path; /* or "host:port" for TLS, in messages */
        remote_tls *tls;   /* NULL on a unix socket */
        GThread *reader;
        GMutex write_lock; /* one frame at a time on the socket */

        GMutex lock; /* everything below */
        GCond cond;  /* broadcast when a reply arrives or the connection dies */
        guint32 next_serial;
        GHashTable *pending; /* serial -> remote_pending, owned by the caller */
        GHashTable *streams; /* serial -> remote_stream, owned by the caller */
        vctl_error *dead;    /* why the connection is gone, or NULL */
        gboolean closing;    /* remote_close runs: a lost connection is expected */

        remote_event_fn event_fn;
        remote_lost_fn lost_fn;
        void *opaque;
};

/* A stream (DOMAIN_OPEN_CONSOLE): STREAM messages with the call's serial.
 * Its state is under rc->lock, waits on rc->cond. */
struct remote_stream {
        remote_conn *rc; /* a reference */
        int proc;
        guint32 serial;
        GQueue chunks;      /* of GBytes: received data not taken yet */
        gsize chunk_off;    /* bytes of the head chunk already taken */
        gsize queued;       /* bytes in chunks */
        gboolean eof;       /* the daemon ended the stream */
        vctl_error *err;    /* the daemon's (or the connection's) error */
        gboolean closing;   /* we sent finish or abort */
        gboolean confirmed; /* the daemon answered it */
        int efd;            /* eventfd, readable while data, EOF or an error waits */
        gboolean signaled;
};

/* ---- the socket ---- */

static int remote_dial(const char *path, int *ret_fd)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        int fd;

        if (g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path)) >= sizeof(sa.sun_path))
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_REMOTE,
                                      _("socket path '%s' is longer than %zu bytes"), path,
                                      sizeof(sa.sun_path) - 1);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_REMOTE,
                                            _("cannot create a unix socket"));
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                int e = errno;

                close(fd);
                return vctl_error_set_errno(e, VCTL_ERR_NO_CONNECT, VCTL_FROM_REMOTE,
                                            _("cannot connect to vctld at '%s'"), path);
        }
        *ret_fd = fd;
        return 0;
}

static void remote_child_setup(gpointer data)
{
        /* the daemon outlives us: its own session, no controlling terminal */
        setsid();
}

/* Starts `vctld --session --timeout 30` detached, as libvirt's client starts
 * a session libvirtd. The tests point $VCTLD at the build tree's binary. */
static int remote_spawn_session_daemon(void)
{
        const char *env = g_getenv("VCTLD");
        g_autofree char *path = g_strdup(env && *env ? env : SBINDIR "/vctld");
        char *argv[] = {path, (char *)"--session", (char *)"--timeout", (char *)"30", NULL};
        g_autoptr(GError) gerr = NULL;

        /* without DO_NOT_REAP_CHILD GLib double-forks: init reaps the daemon */
        if (!g_spawn_async(NULL, argv, NULL,
                           G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                           remote_child_setup, NULL, NULL, &gerr))
                return vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_REMOTE,
                                      _("cannot start a session daemon '%s': %s (install vctld, "
                                        "or set $VCTLD to its path)"),
                                      path, gerr->message);
        return 0;
}

static int remote_connect_socket(const vctl_uri *uri, int *ret_fd)
{
        gint64 deadline;
        int r;

        r = remote_dial(uri->socket_path, ret_fd);
        if (r == 0 || !uri->autostart)
                return r;
        if (remote_spawn_session_daemon() < 0)
                return -1;
        deadline = g_get_monotonic_time() + REMOTE_AUTOSTART_WAIT_US;
        while (g_get_monotonic_time() < deadline) {
                g_usleep(REMOTE_AUTOSTART_POLL_US);
                if (remote_dial(uri->socket_path, ret_fd) == 0)
                        return 0;
        }
        return vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_REMOTE,
                              _("the session daemon did not start listening on '%s' within %d "
                                "seconds: %s"),
                              uri->socket_path, (int)(REMOTE_AUTOSTART_WAIT_US / G_USEC_PER_SEC),
                              vctl_error_message());
}

static int remote_send(remote_conn *rc, const GByteArray *frame)
{
        gsize off = 0;
        int r = 0;

        g_mutex_lock(&rc->write_lock);
        if (rc->fd < 0)
                r = vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_REMOTE,
                                   _("the connection to vctld at '%s' is closed"), rc->socket_path);
        if (r == 0 && rc->tls) {
                g_autofree char *why = NULL;

                if (remote_tls_send_all(rc->tls, frame->data, frame->len, &why) < 0)
                        r = vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_REMOTE,
                                           _("connection to vctld lost: cannot send to '%s': %s"),
                                           rc->socket_path, why);
                off = frame->len;
        }
        while (r == 0 && off < frame->len) {
                ssize_t n = send(rc->fd, frame->data + off, frame->len - off, MSG_NOSIGNAL);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = vctl_error_set_errno(errno, VCTL_ERR_RPC, VCTL_FROM_REMOTE,
                                                 _("connection to vctld lost: cannot send to '%s'"),
                                                 rc->socket_path);
                        break;
                }
                off += (gsize)n;
        }
        g_mutex_unlock(&rc->write_lock);
        return r;
}

/* ---- the reader thread ---- */

/* Makes the stream's eventfd readable while something waits for recv. */
static void remote_stream_signal_locked(remote_stream *st)
{
        gboolean want = st->queued > 0 || st->eof || st->err;
        guint64 v = 1;

        if (want && !st->signaled) {
                if (write(st->efd, &v, sizeof(v)) == sizeof(v))
                        st->signaled = TRUE;
        } else if (!want && st->signaled) {
                if (read(st->efd, &v, sizeof(v)) == sizeof(v))
                        st->signaled = FALSE;
        }
}

static void remote_die(remote_conn *rc, const char *cause, int reason)
{
        GHashTableIter it;
        remote_stream *st;
        remote_pending *p;
        gboolean tell;

        g_mutex_lock(&rc->lock);
        if (rc->dead) {
                g_mutex_unlock(&rc->lock);
                return;
        }
        rc->dead = vctl_error_new(VCTL_ERR_RPC, VCTL_FROM_REMOTE, NULL);
        g_free(rc->dead->message);
        rc->dead->message = g_strdup_printf(_("connection to vctld lost: %s"), cause);
        g_hash_table_iter_init(&it, rc->pending);
        while (g_hash_table_iter_next(&it, NULL, (gpointer *)&p)) {
                p->err = vctl_error_copy(rc->dead);
                p->done = TRUE;
        }
        g_hash_table_remove_all(rc->pending);
        g_hash_table_iter_init(&it, rc->streams);
        while (g_hash_table_iter_next(&it, NULL, (gpointer *)&st)) {
                if (!st->err)
                        st->err = vctl_error_copy(rc->dead);
                st->confirmed = TRUE;
                remote_stream_signal_locked(st);
        }
        tell = !rc->closing;
        g_cond_broadcast(&rc->cond);
        g_mutex_unlock(&rc->lock);
        if (tell && rc->lost_fn)
                rc->lost_fn(reason, rc->opaque);
}

static void remote_handle_event(remote_conn *rc, const vctl_rpc_msg *msg)
{
        remote_domain_event_callback_lifecycle_msg ev;
        g_autoptr(drv_domain) dom = NULL;

        if (msg->header.proc != REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE) {
                log_debug("ignoring message for procedure %d from vctld", msg->header.proc);
                return;
        }
        if (vctl_rpc_msg_decode(msg, (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &ev,
                                sizeof(ev)) < 0) {
                log_warning(_("dropping a lifecycle event: %s"), vctl_error_message());
                return;
        }
        dom = drv_domain_new(ev.msg.dom.name, (const unsigned char *)ev.msg.dom.uuid,
                             ev.msg.dom.id);
        if (rc->event_fn)
                rc->event_fn(ev.callbackID, dom, ev.msg.event, ev.msg.detail, rc->opaque);
        xdr_free((xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &ev);
}

/* In the reader thread: STREAM data, end or error for one of our streams
 * (takes msg). Waits while the stream's queue is full. */
static void remote_handle_stream(remote_conn *rc, vctl_rpc_msg *msg)
{
        g_autoptr(vctl_rpc_msg) owned = msg;
        const vctl_rpc_header *h = &msg->header;
        g_autoptr(vctl_error) err = NULL;
        remote_stream *st;

        if (h->status == VCTL_RPC_ERROR && vctl_rpc_msg_decode_error(msg, &err) < 0)
                err = vctl_error_copy(vctl_error_last());
        g_mutex_lock(&rc->lock);
        for (;;) {
                st = g_hash_table_lookup(rc->streams, GUINT_TO_POINTER(h->serial));
                if (!st || st->proc != h->proc || st->closing || h->status != VCTL_RPC_CONTINUE ||
                    st->queued < REMOTE_STREAM_QUEUE_MAX)
                        break;
                g_cond_wait(&rc->cond, &rc->lock);
        }
        if (!st || st->proc != h->proc) {
                log_debug("dropping stream data with serial %u: no stream", h->serial);
        } else if (st->closing) {
                /* the answer to our finish or abort; data before it is moot */
                if (h->status != VCTL_RPC_CONTINUE) {
                        if (err && !st->err)
                                st->err = g_steal_pointer(&err);
                        st->confirmed = TRUE;
                }
        } else if (st->eof || st->err) {
                log_debug("dropping stream message with serial %u after its end", h->serial);
        } else if (h->status == VCTL_RPC_CONTINUE) {
                if (msg->body_len > 0) {
                        g_queue_push_tail(&st->chunks, g_bytes_new(msg->body, msg->body_len));
                        st->queued += msg->body_len;
                }
        } else if (h->status == VCTL_RPC_OK) {
                st->eof = TRUE;
        } else {
                st->err = g_steal_pointer(&err);
        }
        if (st)
                remote_stream_signal_locked(st);
        g_cond_broadcast(&rc->cond);
        g_mutex_unlock(&rc->lock);
}

/* Returns FALSE when the stream is unusable. */
static gboolean remote_handle(remote_conn *rc, vctl_rpc_msg *msg)
{
        const vctl_rpc_header *h = &msg->header;
        remote_pending *p;

        if (h->prog == KEEPALIVE_PROGRAM) {
                g_autoptr(GByteArray) pong = g_byte_array_new();

                if (h->proc == KEEPALIVE_PROC_PING &&
                    vctl_rpc_encode_keepalive(pong, KEEPALIVE_PROC_PONG) == 0)
                        remote_send(rc, pong);
                vctl_rpc_msg_free(msg);
                return TRUE;
        }
        if (vctl_rpc_msg_check(msg, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION) < 0) {
                vctl_rpc_msg_free(msg);
                return FALSE;
        }
        if (h->type == VCTL_RPC_MESSAGE) {
                remote_handle_event(rc, msg);
                vctl_rpc_msg_free(msg);
                return TRUE;
        }
        if (h->type == VCTL_RPC_STREAM) {
                remote_handle_stream(rc, msg);
                return TRUE;
        }
        if (h->type != VCTL_RPC_REPLY) {
                log_debug("ignoring message of type %d from vctld", h->type);
                vctl_rpc_msg_free(msg);
                return TRUE;
        }
        g_mutex_lock(&rc->lock);
        p = g_hash_table_lookup(rc->pending, GUINT_TO_POINTER(h->serial));
        if (p) {
                g_hash_table_remove(rc->pending, GUINT_TO_POINTER(h->serial));
                p->reply = msg;
                p->done = TRUE;
                g_cond_broadcast(&rc->cond);
        }
        g_mutex_unlock(&rc->lock);
        if (!p) {
                /* a call that gave up waiting (open or close timed out) */
                log_debug("dropping the reply with serial %u: no caller waits", h->serial);
                vctl_rpc_msg_free(msg);
        }
        return TRUE;
}

static gpointer remote_reader_main(gpointer data)
{
        remote_conn *rc = data;
        g_autoptr(vctl_rpc_reader) reader = vctl_rpc_reader_new(0);
        g_autofree guint8 *buf = g_malloc(REMOTE_READ_CHUNK);

        for (;;) {
                g_autofree char *why = NULL;
                ssize_t n = rc->tls ? remote_tls_recv(rc->tls, buf, REMOTE_READ_CHUNK, &why)
                                    : read(rc->fd, buf, REMOTE_READ_CHUNK);
                vctl_rpc_msg *msg;

                if (n < 0 && rc->tls) {
                        g_autofree char *cause =
                                g_strdup_printf("cannot read from '%s': %s", rc->socket_path, why);

                        remote_die(rc, cause, 0);
                        break;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        g_autofree char *cause = g_strdup_printf(
                                "cannot read from '%s': %s", rc->socket_path, g_strerror(errno));

                        remote_die(rc, cause, 0);
                        break;
                }
                if (n == 0) {
                        if (vctl_rpc_reader_finish(reader) < 0)
                                remote_die(rc, vctl_error_message(), 1);
                        else
                                remote_die(rc, _("the daemon closed the connection"), 1);
                        break;
                }
                if (vctl_rpc_reader_feed(reader, buf, (gsize)n) < 0) {
                        remote_die(rc, vctl_error_message(), 0);
                        break;
                }
                while ((msg = vctl_rpc_reader_pop(reader)))
                        if (!remote_handle(rc, msg)) {
                                remote_die(rc, vctl_error_message(), 0);
                                goto out;
                        }
        }
out:
        /* callers blocked in send() wake up too */
        shutdown(rc->fd, SHUT_RDWR);
        vctl_error_clear();
        return NULL;
}

/* ---- calls ---- */

static void remote_stream_unregister(remote_conn *rc, remote_stream *stream)
{
        if (!stream)
                return;
        g_mutex_lock(&rc->lock);
        if (g_hash_table_lookup(rc->streams, GUINT_TO_POINTER(stream->serial)) == stream)
                g_hash_table_remove(rc->streams, GUINT_TO_POINTER(stream->serial));
        g_mutex_unlock(&rc->lock);
}

/* stream: registered under the call's serial before the call goes out (its
 * data may follow the reply at once), unregistered if the call fails. */
static int remote_call_full(remote_conn *rc, int proc, xdrproc_t args_proc, const void *args,
                            xdrproc_t ret_proc, void *ret, gsize ret_size, gint64 wait_us,
                            remote_stream *stream)
{
        vctl_rpc_header hdr = {
                .prog = REMOTE_PROGRAM,
                .vers = REMOTE_PROTOCOL_VERSION,
                .proc = proc,
                .type = VCTL_RPC_CALL,
                .status = VCTL_RPC_OK,
        };
        g_autoptr(GByteArray) frame = g_byte_array_new();
        g_autoptr(vctl_rpc_msg) reply = NULL;
        g_autoptr(vctl_error) err = NULL;
        gint64 deadline = wait_us > 0 ? g_get_monotonic_time() + wait_us : 0;
        remote_pending p = {0};

        g_mutex_lock(&rc->lock);
        if (rc->dead) {
                vctl_error_restore(rc->dead);
                g_mutex_unlock(&rc->lock);
                return -1;
        }
        hdr.serial = p.serial = rc->next_serial++;
        if (stream) {
                stream->serial = p.serial;
                stream->proc = proc;
                g_hash_table_insert(rc->streams, GUINT_TO_POINTER(p.serial), stream);
        }
        g_mutex_unlock(&rc->lock);

        if (vctl_rpc_encode(frame, &hdr, args_proc, args, 0) < 0) {
                remote_stream_unregister(rc, stream);
                return -1;
        }
        g_mutex_lock(&rc->lock);
        g_hash_table_insert(rc->pending, GUINT_TO_POINTER(p.serial), &p);
        g_mutex_unlock(&rc->lock);
        if (remote_send(rc, frame) < 0) {
                /* the reader sees the same failure and wakes everyone else */
                g_mutex_lock(&rc->lock);
                g_hash_table_remove(rc->pending, GUINT_TO_POINTER(p.serial));
                g_mutex_unlock(&rc->lock);
                remote_stream_unregister(rc, stream);
                return -1;
        }

        g_mutex_lock(&rc->lock);
        while (!p.done) {
                if (!deadline) {
                        g_cond_wait(&rc->cond, &rc->lock);
                } else if (!g_cond_wait_until(&rc->cond, &rc->lock, deadline) && !p.done) {
                        g_hash_table_remove(rc->pending, GUINT_TO_POINTER(p.serial));
                        if (stream)
                                g_hash_table_remove(rc->streams, GUINT_TO_POINTER(p.serial));
                        g_mutex_unlock(&rc->lock);
                        return vctl_error_set(VCTL_ERR_OPERATION_TIMEOUT, VCTL_FROM_REMOTE,
                                              _("vctld at '%s' did not answer %s within %d "
                                                "seconds"),
                                              rc->socket_path, vctl_rpc_proc_name(proc),
                                              (int)(wait_us / G_USEC_PER_SEC));
                }
        }
        g_mutex_unlock(&rc->lock);
        reply = p.reply;
        err = p.err;
        if (err) {
                vctl_error_restore(err);
        } else if (reply->header.status == VCTL_RPC_ERROR) {
                g_autoptr(vctl_error) derr = NULL;

                if (vctl_rpc_msg_decode_error(reply, &derr) == 0)
                        vctl_error_restore(derr);
        } else if (reply->header.proc != proc) {
                vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_REMOTE,
                               _("vctld answered call %u for procedure %d with procedure %d"),
                               p.serial, proc, reply->header.proc);
        } else if (vctl_rpc_msg_decode(reply, ret_proc, ret, ret_size) == 0) {
                return 0;
        }
        remote_stream_unregister(rc, stream);
        return -1;
}

static int remote_call_until(remote_conn *rc, int proc, xdrproc_t args_proc, const void *args,
                             xdrproc_t ret_proc, void *ret, gsize ret_size, gint64 wait_us)
{
        return remote_call_full(rc, proc, args_proc, args, ret_proc, ret, ret_size, wait_us, NULL);
}

int remote_call(remote_conn *rc, int proc, xdrproc_t args_proc, const void *args,
                xdrproc_t ret_proc, void *ret, gsize ret_size)
{
        return remote_call_until(rc, proc, args_proc, args, ret_proc, ret, ret_size, 0);
}

/* ---- open and close ---- */

/* libvirt's client asks which authentication the socket wants first. */
static int remote_authenticate(remote_conn *rc)
{
        remote_auth_list_ret list;
        remote_auth_polkit_ret polkit;
        gboolean want_polkit = FALSE;

        if (remote_call_until(rc, REMOTE_PROC_AUTH_LIST, NULL, NULL,
                              (xdrproc_t)xdr_remote_auth_list_ret, &list, sizeof(list),
                              REMOTE_OPEN_WAIT_US) < 0) {
                const vctl_error *e = vctl_error_last();

                /* a daemon without authentication may not know AUTH_LIST */
                return e && e->code == VCTL_ERR_NO_SUPPORT ? 0 : -1;
        }
        for (u_int i = 0; i < list.types.types_len; i++)
                if (list.types.types_val[i] == REMOTE_AUTH_POLKIT)
                        want_polkit = TRUE;
        xdr_free((xdrproc_t)xdr_remote_auth_list_ret, &list);
        if (!want_polkit)
                return 0;
        if (remote_call_until(rc, REMOTE_PROC_AUTH_POLKIT, NULL, NULL,
                              (xdrproc_t)xdr_remote_auth_polkit_ret, &polkit, sizeof(polkit),
                              REMOTE_OPEN_WAIT_US) < 0)
                return -1;
        return 0;
}

static void remote_unref(remote_conn *rc)
{
        if (!g_atomic_int_dec_and_test(&rc->refs))
                return;
        g_hash_table_unref(rc->pending);
        g_hash_table_unref(rc->streams);
        vctl_error_free(rc->dead);
        g_mutex_clear(&rc->lock);
        g_mutex_clear(&rc->write_lock);
        g_cond_clear(&rc->cond);
        g_free(rc->socket_path);
        g_free(rc);
}

/* Stops the reader and closes the socket; streams still open keep rc's
 * memory (and see the connection as dead) until they are freed. */
static void remote_free(remote_conn *rc)
{
        if (rc->reader) {
                shutdown(rc->fd, SHUT_RDWR);
                g_thread_join(rc->reader);
                rc->reader = NULL;
        }
        g_mutex_lock(&rc->write_lock);
        g_clear_pointer(&rc->tls, remote_tls_free);
        if (rc->fd >= 0)
                close(rc->fd);
        rc->fd = -1;
        g_mutex_unlock(&rc->write_lock);
        remote_unref(rc);
}

remote_conn *remote_open(const vctl_uri *uri, unsigned int flags, remote_event_fn event_fn,
                         remote_lost_fn lost_fn, void *opaque)
{
        remote_connect_open_args args = {0};
        char *name = uri->name;
        remote_tls *tls = NULL;
        remote_conn *rc;
        int fd = -1;

        if (uri->transport == URI_TRANSPORT_TLS) {
                if (remote_tls_connect(uri, &tls, &fd) < 0)
                        return NULL;
        } else if (remote_connect_socket(uri, &fd) < 0) {
                return NULL;
        }
        rc = g_new0(remote_conn, 1);
        rc->refs = 1;
        rc->fd = fd;
        rc->tls = tls;
        rc->socket_path =
                tls ? g_strdup_printf("%s:%d", uri->host ? uri->host : "localhost", uri->port)
                    : g_strdup(uri->socket_path);
        rc->next_serial = 1;
        rc->pending = g_hash_table_new(NULL, NULL);
        rc->streams = g_hash_table_new(NULL, NULL);
        rc->event_fn = event_fn;
        rc->lost_fn = lost_fn;
        rc->opaque = opaque;
        g_mutex_init(&rc->lock);
        g_mutex_init(&rc->write_lock);
        g_cond_init(&rc->cond);
        /* no close callback until the connection is really open */
        rc->closing = TRUE;
        rc->reader = g_thread_new("vctl-rpc", remote_reader_main, rc);

        args.name = &name;
        args.flags = flags;
        if (remote_authenticate(rc) < 0 ||
            remote_call_until(rc, REMOTE_PROC_CONNECT_OPEN, (xdrproc_t)xdr_remote_connect_open_args,
                              &args, NULL, NULL, 0, REMOTE_OPEN_WAIT_US) < 0) {
                g_autoptr(vctl_error) err = vctl_error_copy(vctl_error_last());

                remote_free(rc);
                vctl_error_restore(err);
                return NULL;
        }
        g_mutex_lock(&rc->lock);
        rc->closing = FALSE;
        g_mutex_unlock(&rc->lock);
        return rc;
}

void remote_close(remote_conn *rc)
{
        g_autoptr(vctl_error) saved = NULL;

        if (!rc)
                return;
        saved = vctl_error_copy(vctl_error_last());
        g_mutex_lock(&rc->lock);
        rc->closing = TRUE;
        g_mutex_unlock(&rc->lock);
        /* a polite goodbye; the daemon drops our callbacks either way */
        remote_call_until(rc, REMOTE_PROC_CONNECT_CLOSE, NULL, NULL, NULL, NULL, 0,
                          REMOTE_CLOSE_WAIT_US);
        remote_free(rc);
        vctl_error_restore(saved);
}

/* ---- streams ---- */

static remote_stream *remote_stream_new(remote_conn *rc)
{
        remote_stream *st = g_new0(remote_stream, 1);

        st->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (st->efd < 0) {
                vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_REMOTE,
                                     _("cannot create an eventfd for a stream"));
                g_free(st);
                return NULL;
        }
        g_atomic_int_inc(&rc->refs);
        st->rc = rc;
        g_queue_init(&st->chunks);
        return st;
}

void remote_stream_free(remote_stream *st)
{
        if (!st)
                return;
        remote_stream_unregister(st->rc, st);
        /* the reader may wait for room in this stream */
        g_mutex_lock(&st->rc->lock);
        g_cond_broadcast(&st->rc->cond);
        g_mutex_unlock(&st->rc->lock);
        g_queue_clear_full(&st->chunks, (GDestroyNotify)g_bytes_unref);
        vctl_error_free(st->err);
        close(st->efd);
        remote_unref(st->rc);
        g_free(st);
}

remote_stream *remote_open_console(remote_conn *rc, const drv_domain *dom, const char *dev_name,
                                   unsigned int flags)
{
        remote_domain_open_console_args args = {0};
        char *dev = (char *)dev_name;
        remote_stream *st = remote_stream_new(rc);

        if (!st)
                return NULL;
        args.dom.name = dom->name;
        memcpy(args.dom.uuid, dom->uuid, VCTL_UUID_LEN);
        args.dom.id = dom->id;
        args.dev_name = dev_name ? &dev : NULL;
        args.flags = flags;
        if (remote_call_full(rc, REMOTE_PROC_DOMAIN_OPEN_CONSOLE,
                             (xdrproc_t)xdr_remote_domain_open_console_args, &args, NULL, NULL, 0,
                             0, st) < 0) {
                g_autoptr(vctl_error) err = vctl_error_copy(vctl_error_last());

                remote_stream_free(st);
                vctl_error_restore(err);
                return NULL;
        }
        return st;
}

int remote_stream_fd(remote_stream *st)
{
        return st->efd;
}

gssize remote_stream_recv(remote_stream *st, char *buf, gsize len)
{
        remote_conn *rc = st->rc;
        gsize got = 0;

        g_mutex_lock(&rc->lock);
        while (st->queued == 0 && !st->eof && !st->err && !st->closing)
                g_cond_wait(&rc->cond, &rc->lock);
        while (got < len && st->queued > 0) {
                GBytes *head = g_queue_peek_head(&st->chunks);
                gsize size, n;
                const guint8 *data = g_bytes_get_data(head, &size);

                n = MIN(len - got, size - st->chunk_off);
                memcpy(buf + got, data + st->chunk_off, n);
                got += n;
                st->chunk_off += n;
                st->queued -= n;
                if (st->chunk_off == size) {
                        g_bytes_unref(g_queue_pop_head(&st->chunks));
                        st->chunk_off = 0;
                }
        }
        /* data first; the end or the error once it is all taken */
        if (got == 0 && st->err)
                vctl_error_restore(st->err);
        else if (got == 0 && st->closing)
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_REMOTE,
                               _("the stream is finished or aborted"));
        remote_stream_signal_locked(st);
        /* the reader may wait for room */
        g_cond_broadcast(&rc->cond);
        g_mutex_unlock(&rc->lock);
        if (got == 0 && (st->err || st->closing))
                return -1;
        return (gssize)got;
}

static int remote_stream_check_open(remote_stream *st, const char *what)
{
        int r = 0;

        g_mutex_lock(&st->rc->lock);
        if (st->err)
                r = vctl_error_set(st->err->code, st->err->domain, "%s", st->err->message);
        else if (st->closing)
                r = vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_REMOTE,
                                   /* TRANSLATORS: %s is what was asked: "send to a stream", ... */
                                   _("cannot %s: the stream is finished or aborted"), what);
        g_mutex_unlock(&st->rc->lock);
        return r;
}

gssize remote_stream_send(remote_stream *st, const char *buf, gsize len)
{
        vctl_rpc_header hdr = {
                .prog = REMOTE_PROGRAM,
                .vers = REMOTE_PROTOCOL_VERSION,
                .proc = st->proc,
                .serial = st->serial,
        };
        gsize off = 0;

        if (remote_stream_check_open(st, _("send to a stream")) < 0)
                return -1;
        while (off < len) {
                g_autoptr(GByteArray) frame = g_byte_array_new();
                gsize n = MIN(len - off, VCTL_RPC_STREAM_CHUNK);

                if (vctl_rpc_encode_stream(frame, &hdr, buf + off, n) < 0 ||
                    remote_send(st->rc, frame) < 0)
                        return -1;
                off += n;
        }
        return (gssize)len;
}

int remote_stream_close(remote_stream *st, gboolean abort)
{
        vctl_rpc_header hdr = {
                .prog = REMOTE_PROGRAM,
                .vers = REMOTE_PROTOCOL_VERSION,
                .proc = st->proc,
                .type = VCTL_RPC_STREAM,
                .serial = st->serial,
                .status = abort ? VCTL_RPC_ERROR : VCTL_RPC_OK,
        };
        g_autoptr(GByteArray) frame = g_byte_array_new();
        remote_conn *rc = st->rc;
        gint64 deadline;
        int r = 0;

        g_mutex_lock(&rc->lock);
        if (st->closing || (st->err && !abort)) {
                r = st->err ? vctl_error_set(st->err->code, st->err->domain, "%s", st->err->message)
                            : vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_REMOTE,
                                             _("the stream is already finished or aborted"));
                g_mutex_unlock(&rc->lock);
                return r;
        }
        st->closing = TRUE;
        /* after the daemon's error it has dropped the stream: nothing to tell */
        if (st->err) {
                remote_stream_signal_locked(st);
                g_cond_broadcast(&rc->cond);
                g_mutex_unlock(&rc->lock);
                return 0;
        }
        g_cond_broadcast(&rc->cond);
        g_mutex_unlock(&rc->lock);

        /* libvirt: finish and abort carry no body and are confirmed by the
         * daemon with a STREAM OK (or an error) */
        if (vctl_rpc_encode(frame, &hdr, NULL, NULL, 0) < 0 || remote_send(rc, frame) < 0)
                return -1;
        deadline = g_get_monotonic_time() + REMOTE_CLOSE_WAIT_US;
        g_mutex_lock(&rc->lock);
        while (!st->confirmed)
                if (!g_cond_wait_until(&rc->cond, &rc->lock, deadline))
                        break;
        if (!st->confirmed)
                r = vctl_error_set(
                        VCTL_ERR_OPERATION_TIMEOUT, VCTL_FROM_REMOTE,
                        abort ? _("vctld did not confirm the abort of the stream within %d seconds")
                              : _("vctld did not confirm the finish of the stream within %d "
                                  "seconds"),
                        (int)(REMOTE_CLOSE_WAIT_US / G_USEC_PER_SEC));
        else if (st->err && !abort)
                r = vctl_error_set(st->err->code, st->err->domain, "%s", st->err->message);
        g_mutex_unlock(&rc->lock);
        return r;
}
