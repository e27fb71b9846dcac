/* Client connections: non-blocking reads into the frame decoder, back-pressure
 * through in-flight and output-queue limits, writes from one output buffer. */
#include <config.h>

#include "daemon/client.h"
#include "daemon/dispatch.h"
#include "daemon/events.h"
#include "daemon/keepalive.h"
#include "daemon/server.h"
#include "daemon/stream.h"
#include "daemon/tls.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define CLIENT_READ_CHUNK (64 * 1024)
/* compact the output buffer once this much of its head has been sent */
#define CLIENT_COMPACT_AT (1024 * 1024)

static void client_update_io(vctld_client *cl);
static void client_source_destroy(GSource **src);
static void client_process_input(vctld_client *cl);

const char *client_describe(vctld_client *cl, char *buf, gsize size)
{
        if (cl->peer_addr)
                g_snprintf(buf, size, "client %" G_GUINT64_FORMAT " (tls %s%s%s)", cl->id,
                           cl->peer_addr, cl->tls && tls_session_peer_dn(cl->tls) ? ", " : "",
                           cl->tls && tls_session_peer_dn(cl->tls) ? tls_session_peer_dn(cl->tls)
                                                                   : "");
        else if (cl->have_cred)
                g_snprintf(buf, size, "client %" G_GUINT64_FORMAT " (pid %ld, uid %ld%s)", cl->id,
                           (long)cl->cred.pid, (long)cl->cred.uid,
                           cl->readonly ? ", read-only" : "");
        else
                g_snprintf(buf, size, "client %" G_GUINT64_FORMAT "%s", cl->id,
                           cl->readonly ? " (read-only)" : "");
        return buf;
}

vctld_client *client_new(vctld_server *srv, int fd, gboolean readonly)
{
        g_autoptr(GError) err = NULL;
        vctld_client *cl;
        GSocket *sock;
        socklen_t len;

        sock = g_socket_new_from_fd(fd, &err);
        if (!sock) {
                log_warning(_("cannot use a new connection: %s"), err->message);
                close(fd);
                return NULL;
        }
        g_socket_set_blocking(sock, FALSE);
        cl = g_new0(vctld_client, 1);
        cl->refs = 1;
        cl->srv = srv;
        cl->id = ++srv->next_client_id;
        cl->sock = sock;
        cl->readonly = readonly;
        len = sizeof(cl->cred);
        /* only a unix socket has a peer process */
        cl->have_cred = g_socket_get_family(sock) == G_SOCKET_FAMILY_UNIX &&
                        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cl->cred, &len) == 0;
        cl->max_requests = srv->cfg.max_client_requests;
        cl->max_message = srv->cfg.max_message_size;
        cl->out_soft = 2 * (gsize)cl->max_message;
        /* past the soft limit only answers to calls already in flight and
         * events can arrive; this leaves room for them */
        cl->out_hard = (gsize)(4 + cl->max_requests) * cl->max_message;
        cl->reader = vctl_rpc_reader_new(cl->max_message);
        cl->outbuf = g_byte_array_new();
        cl->ka_interval = srv->cfg.keepalive_interval;
        cl->ka_count = srv->cfg.keepalive_count;
        cl->events = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
        return cl;
}

vctld_client *client_ref(vctld_client *cl)
{
        g_atomic_int_inc(&cl->refs);
        return cl;
}

void client_unref(vctld_client *cl)
{
        if (!cl || !g_atomic_int_dec_and_test(&cl->refs))
                return;
        g_warn_if_fail(!cl->in_src && !cl->out_src && !cl->ka_src && !cl->conn && !cl->streams);
        vctl_rpc_reader_free(cl->reader);
        g_byte_array_unref(cl->outbuf);
        g_hash_table_destroy(cl->events);
        tls_session_free(cl->tls);
        g_clear_object(&cl->sock);
        g_free(cl->peer_addr);
        g_free(cl);
}

static void client_source_destroy(GSource **src)
{
        if (*src) {
                g_source_destroy(*src);
                g_source_unref(*src);
                *src = NULL;
        }
}

void client_close(vctld_client *cl, const char *why)
{
        char desc[128];

        g_autoptr(vctld_client) self = NULL;

        if (cl->closed)
                return;
        self = client_ref(cl); /* the server's table may hold the last reference */
        cl->closed = TRUE;
        log_debug("%s: closing: %s", client_describe(cl, desc, sizeof(desc)), why);
        client_source_destroy(&cl->in_src);
        client_source_destroy(&cl->out_src);
        client_source_destroy(&cl->tls_timer);
        keepalive_stop(cl);
        events_clear(cl);
        stream_clear(cl);
        g_clear_pointer(&cl->conn, dispatch_conn_unref);
        g_clear_pointer(&cl->tls, tls_session_free);
        g_socket_close(cl->sock, NULL);
        server_client_closed(cl->srv, cl);
}

gsize client_pending_out(const vctld_client *cl)
{
        return cl->outbuf->len - cl->out_off;
}

static gboolean client_can_take_calls(vctld_client *cl)
{
        return !cl->closed && cl->inflight < cl->max_requests &&
               client_pending_out(cl) <= cl->out_soft && !stream_input_blocked(cl);
}

void client_send(vctld_client *cl, const guint8 *data, gsize len)
{
        if (cl->closed)
                return;
        if (client_pending_out(cl) + len > cl->out_hard) {
                char desc[128];

                log_warning(_("%s: more than %zu bytes of replies are waiting to be read; "
                              "dropping the client"),
                            client_describe(cl, desc, sizeof(desc)), cl->out_hard);
                client_close(cl, "output queue full");
                return;
        }
        g_byte_array_append(cl->outbuf, data, (guint)len);
        client_update_io(cl);
}

/* Routes one complete message; -1 drops the client. */
static int client_route(vctld_client *cl, vctl_rpc_msg *msg)
{
        g_autoptr(vctl_rpc_msg) owned = msg;
        char desc[128];

        if (msg->header.prog == KEEPALIVE_PROGRAM) {
                if (vctl_rpc_msg_check(msg, KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION) < 0 ||
                    keepalive_handle(cl, msg) < 0) {
                        log_warning(_("%s: bad keepalive message: %s; dropping the client"),
                                    client_describe(cl, desc, sizeof(desc)), vctl_error_message());
                        return -1;
                }
                return 0;
        }
        if (vctl_rpc_msg_check(msg, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION) < 0) {
                log_warning(_("%s: %s; dropping the client"),
                            client_describe(cl, desc, sizeof(desc)), vctl_error_message());
                return -1;
        }
        return dispatch_message(cl, g_steal_pointer(&owned));
}

/* Dispatches the complete messages the decoder holds, as far as the limits
 * allow; the rest wait there (and further input waits in the kernel). */
static void client_process_input(vctld_client *cl)
{
        while (client_can_take_calls(cl)) {
                vctl_rpc_msg *msg = vctl_rpc_reader_pop(cl->reader);

                if (!msg)
                        break;
                if (client_route(cl, msg) < 0) {
                        client_close(cl, "protocol error");
                        return;
                }
        }
        client_update_io(cl);
}

void client_resume_input(vctld_client *cl)
{
        client_process_input(cl);
}

/* ---- TLS clients: the same, through the GnuTLS session ---- */

/* Steps the handshake; once the client passed, sends libvirt's one-byte
 * confirmation ("\1": clients wait for it before their first call). */
static void client_tls_handshake(vctld_client *cl)
{
        g_autofree char *why = NULL;
        static const guint8 confirm = 1;
        char desc[256];
        int r;

        r = tls_session_handshake(cl->tls, &why);
        if (r < 0) {
                log_warning(_("%s: refused: %s"), client_describe(cl, desc, sizeof(desc)), why);
                client_close(cl, "TLS client refused");
                return;
        }
        if (r > 0) {
                client_source_destroy(&cl->tls_timer);
                log_info(_("%s: TLS client accepted"), client_describe(cl, desc, sizeof(desc)));
                client_send(cl, &confirm, 1);
        }
        client_update_io(cl);
}

static gboolean client_tls_readable(vctld_client *cl)
{
        guint8 buf[CLIENT_READ_CHUNK];
        char desc[256];

        if (!tls_session_ready(cl->tls)) {
                client_tls_handshake(cl);
                return cl->closed ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
        }
        /* a record may leave decrypted bytes in GnuTLS the socket won't signal */
        do {
                g_autofree char *why = NULL;
                gssize n = tls_session_recv(cl->tls, buf, sizeof(buf), &why);

                if (n == -EAGAIN)
                        break;
                if (n < 0) {
                        log_debug("%s: TLS read error: %s", client_describe(cl, desc, sizeof(desc)),
                                  why);
                        client_close(cl, "read error");
                        return G_SOURCE_REMOVE;
                }
                if (n == 0) {
                        client_close(cl, "end of stream");
                        return G_SOURCE_REMOVE;
                }
                keepalive_seen(cl);
                if (vctl_rpc_reader_feed(cl->reader, buf, (gsize)n) < 0) {
                        log_warning(_("%s: malformed message: %s; dropping the client"),
                                    client_describe(cl, desc, sizeof(desc)), vctl_error_message());
                        client_close(cl, "malformed message");
                        return G_SOURCE_REMOVE;
                }
        } while (tls_session_pending(cl->tls));
        client_process_input(cl);
        return G_SOURCE_CONTINUE;
}

/* Sends what is queued through the session; FALSE when the client closed. */
static gboolean client_tls_flush(vctld_client *cl)
{
        char desc[256];

        while (!cl->closed && client_pending_out(cl) > 0) {
                g_autofree char *why = NULL;
                gssize n = tls_session_send(cl->tls, cl->outbuf->data + cl->out_off,
                                            client_pending_out(cl), &why);

                if (n == -EAGAIN)
                        break;
                if (n < 0) {
                        log_debug("%s: TLS write error: %s",
                                  client_describe(cl, desc, sizeof(desc)), why);
                        client_close(cl, "write error");
                        return FALSE;
                }
                cl->out_off += (gsize)n;
        }
        return !cl->closed;
}

static gboolean client_tls_on_timeout(gpointer data)
{
        vctld_client *cl = data;
        char desc[256];

        log_warning(_("%s: refused: the TLS handshake did not finish within %d seconds"),
                    client_describe(cl, desc, sizeof(desc)), TLS_HANDSHAKE_TIMEOUT_S);
        client_source_destroy(&cl->tls_timer);
        client_close(cl, "TLS handshake timeout");
        return G_SOURCE_REMOVE;
}

void client_set_tls(vctld_client *cl, tls_session *ts, const char *peer_addr)
{
        cl->tls = ts;
        cl->peer_addr = g_strdup(peer_addr);
        cl->tls_timer = g_timeout_source_new_seconds(TLS_HANDSHAKE_TIMEOUT_S);
        g_source_set_callback(cl->tls_timer, client_tls_on_timeout, client_ref(cl),
                              (GDestroyNotify)client_unref);
        g_source_attach(cl->tls_timer, cl->srv->ctx);
}

/* ---- plain clients ---- */

static gboolean client_on_readable(GSocket *sock, GIOCondition cond, gpointer data)
{
        vctld_client *cl = data;
        g_autoptr(GError) err = NULL;
        guint8 buf[CLIENT_READ_CHUNK];
        char desc[128];
        gssize n;

        if (cl->closed)
                return G_SOURCE_REMOVE;
        if (cl->tls)
                return client_tls_readable(cl);
        n = g_socket_receive(sock, (gchar *)buf, sizeof(buf), NULL, &err);
        if (n < 0) {
                if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
                        return G_SOURCE_CONTINUE;
                log_debug("%s: read error: %s", client_describe(cl, desc, sizeof(desc)),
                          err->message);
                client_close(cl, "read error");
                return G_SOURCE_REMOVE;
        }
        if (n == 0) {
                if (vctl_rpc_reader_finish(cl->reader) < 0)
                        log_debug("%s: disconnected in the middle of a message: %s",
                                  client_describe(cl, desc, sizeof(desc)), vctl_error_message());
                client_close(cl, "end of stream");
                return G_SOURCE_REMOVE;
        }
        keepalive_seen(cl);
        if (vctl_rpc_reader_feed(cl->reader, buf, (gsize)n) < 0) {
                log_warning(_("%s: malformed message: %s; dropping the client"),
                            client_describe(cl, desc, sizeof(desc)), vctl_error_message());
                client_close(cl, "malformed message");
                return G_SOURCE_REMOVE;
        }
        client_process_input(cl);
        return G_SOURCE_CONTINUE;
}

static gboolean client_on_writable(GSocket *sock, GIOCondition cond, gpointer data)
{
        vctld_client *cl = data;
        char desc[128];

        if (cl->tls && !tls_session_ready(cl->tls)) {
                client_tls_handshake(cl);
                return cl->closed ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
        }
        if (cl->tls && !client_tls_flush(cl))
                return G_SOURCE_REMOVE;
        while (!cl->tls && !cl->closed && client_pending_out(cl) > 0) {
                g_autoptr(GError) err = NULL;
                gssize n = g_socket_send(sock, (const gchar *)cl->outbuf->data + cl->out_off,
                                         client_pending_out(cl), NULL, &err);

                if (n < 0) {
                        if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
                                break;
                        log_debug("%s: write error: %s", client_describe(cl, desc, sizeof(desc)),
                                  err->message);
                        client_close(cl, "write error");
                        return G_SOURCE_REMOVE;
                }
                cl->out_off += (gsize)n;
        }
        if (cl->out_off == cl->outbuf->len) {
                g_byte_array_set_size(cl->outbuf, 0);
                cl->out_off = 0;
        } else if (cl->out_off >= CLIENT_COMPACT_AT) {
                g_byte_array_remove_range(cl->outbuf, 0, (guint)cl->out_off);
                cl->out_off = 0;
        }
        /* less output queued may let more calls in */
        client_process_input(cl);
        return G_SOURCE_CONTINUE;
}

static GSource *client_watch(vctld_client *cl, GIOCondition cond, GSocketSourceFunc fn)
{
        GSource *src = g_socket_create_source(cl->sock, cond, NULL);

        g_source_set_callback(src, G_SOURCE_FUNC(fn), client_ref(cl), (GDestroyNotify)client_unref);
        g_source_attach(src, cl->srv->ctx);
        return src;
}

/* Watches for input only while the client may send more calls, and for
 * output only while something waits to be sent. */
static void client_update_io(vctld_client *cl)
{
        gboolean want_read = client_can_take_calls(cl);
        gboolean want_write = !cl->closed && client_pending_out(cl) > 0;

        if (cl->tls && !cl->closed && !tls_session_ready(cl->tls)) {
                want_write = tls_session_wants_write(cl->tls);
                want_read = !want_write;
        }

        if (want_read && !cl->in_src)
                cl->in_src = client_watch(cl, G_IO_IN | G_IO_HUP | G_IO_ERR, client_on_readable);
        else if (!want_read)
                client_source_destroy(&cl->in_src);
        if (want_write && !cl->out_src)
                cl->out_src = client_watch(cl, G_IO_OUT, client_on_writable);
        else if (!want_write)
                client_source_destroy(&cl->out_src);
        /* streams read their fds only while the output queue is short */
        stream_update_all(cl);
}

void client_start(vctld_client *cl)
{
        client_update_io(cl);
}

typedef struct client_post_data {
        vctld_client *cl;
        GByteArray *frame;
        gboolean reply;
        int stream_fd; /* -1, or the fd of a stream the call opened */
        vctl_rpc_header call;
} client_post_data;

static void client_post_free(gpointer data)
{
        client_post_data *p = data;

        if (p->stream_fd >= 0)
                close(p->stream_fd);
        client_unref(p->cl);
        if (p->frame)
                g_byte_array_unref(p->frame);
        g_free(p);
}

static gboolean client_post_deliver(gpointer data)
{
        client_post_data *p = data;
        vctld_client *cl = p->cl;

        if (p->reply && cl->inflight > 0)
                cl->inflight--;
        if (!cl->closed) {
                client_send(cl, p->frame->data, p->frame->len);
                if (p->stream_fd >= 0) {
                        stream_start(cl, &p->call, p->stream_fd);
                        p->stream_fd = -1;
                }
                client_process_input(cl);
        }
        return G_SOURCE_REMOVE;
}

static void client_post_full(vctld_client *cl, GByteArray *frame, gboolean reply,
                             const vctl_rpc_header *call, int fd)
{
        client_post_data *p = g_new0(client_post_data, 1);
        GSource *src = g_idle_source_new();

        p->cl = client_ref(cl);
        p->frame = frame;
        p->reply = reply;
        p->stream_fd = fd;
        if (call)
                p->call = *call;
        g_source_set_priority(src, G_PRIORITY_DEFAULT);
        g_source_set_callback(src, client_post_deliver, p, client_post_free);
        g_source_attach(src, cl->srv->ctx);
        g_source_unref(src);
}

void client_post(vctld_client *cl, GByteArray *frame, gboolean reply)
{
        client_post_full(cl, frame, reply, NULL, -1);
}

void client_post_stream(vctld_client *cl, GByteArray *frame, const vctl_rpc_header *call, int fd)
{
        client_post_full(cl, frame, TRUE, call, fd);
}
