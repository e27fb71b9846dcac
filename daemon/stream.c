/* Streams: a driver's descriptor copied to and from a client in STREAM
 * messages, as libvirt's daemon does (remote_daemon_stream.c), bounded both
 * ways: the fd is read only while the client's output queue is short, and
 * the client is read only while what waits to be written to the fd is. */
#include <config.h>

#include "daemon/stream.h"

#include "daemon/server.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <unistd.h>

/* stop reading the fd while this much output waits for the client */
#define STREAM_OUT_LIMIT (1024 * 1024)
/* stop reading the client while this much waits to be written to the fd */
#define STREAM_IN_LIMIT (1024 * 1024)

typedef struct daemon_stream {
        vctld_client *cl; /* borrowed: the client frees its streams first */
        vctl_rpc_header call;
        int fd;
        GSource *in_src, *out_src;
        GByteArray *wbuf; /* client data not yet written to fd; woff bytes done */
        gsize woff;
        guint8 *rbuf;
        gboolean eof;       /* the fd ended: STREAM OK sent, reading stopped */
        gboolean finishing; /* the client finished: close once wbuf is written */
} daemon_stream;

static void stream_update_io(daemon_stream *st);

static void stream_source_destroy(GSource **src)
{
        if (*src) {
                g_source_destroy(*src);
                g_source_unref(*src);
                *src = NULL;
        }
}

static void stream_free(gpointer data)
{
        daemon_stream *st = data;

        stream_source_destroy(&st->in_src);
        stream_source_destroy(&st->out_src);
        if (st->fd >= 0)
                close(st->fd);
        g_byte_array_unref(st->wbuf);
        g_free(st->rbuf);
        g_free(st);
}

static GHashTable *stream_table(vctld_client *cl)
{
        if (!cl->streams)
                cl->streams = g_hash_table_new_full(NULL, NULL, NULL, stream_free);
        return cl->streams;
}

/* Drops st (closing its fd). */
static void stream_remove(daemon_stream *st)
{
        g_hash_table_remove(st->cl->streams, GUINT_TO_POINTER(st->call.serial));
}

static void stream_send_data(daemon_stream *st, const guint8 *data, gsize len)
{
        g_autoptr(GByteArray) out = g_byte_array_new();

        if (vctl_rpc_encode_stream(out, &st->call, data, len) == 0)
                client_send(st->cl, out->data, out->len);
}

/* Sends a STREAM ERROR with the last error and drops st. */
static void stream_fail(daemon_stream *st)
{
        g_autoptr(GByteArray) out = g_byte_array_new();
        vctld_client *cl = st->cl;
        char desc[128];

        log_debug("%s: stream %u fails: %s", client_describe(cl, desc, sizeof(desc)),
                  st->call.serial, vctl_error_message());
        if (vctl_rpc_encode_stream_error(out, &st->call, vctl_error_last()) == 0) {
                stream_remove(st);
                client_send(cl, out->data, out->len);
        } else {
                stream_remove(st);
        }
        vctl_error_clear();
}

/* The client's finish or abort is done: confirms it and drops st. */
static void stream_complete(daemon_stream *st)
{
        g_autoptr(GByteArray) out = g_byte_array_new();
        vctld_client *cl = st->cl;
        vctl_rpc_header call = st->call;

        stream_remove(st);
        if (vctl_rpc_encode_stream(out, &call, NULL, 0) == 0)
                client_send(cl, out->data, out->len);
}

static gboolean stream_on_readable(gint fd, GIOCondition cond, gpointer data)
{
        daemon_stream *st = data;
        g_autoptr(vctld_client) cl = client_ref(st->cl);
        ssize_t n;

        n = read(st->fd, st->rbuf, VCTL_RPC_STREAM_CHUNK);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return G_SOURCE_CONTINUE;
        if (n == 0 || (n < 0 && errno == EIO)) {
                /* EIO: a pty whose other side closed */
                st->eof = TRUE;
                stream_source_destroy(&st->in_src);
                stream_send_data(st, NULL, 0);
                return G_SOURCE_REMOVE;
        }
        if (n < 0) {
                vctl_error_set_errno(errno, VCTL_ERR_READ_FAILED, VCTL_FROM_RPC,
                                     _("cannot read from the stream"));
                stream_fail(st);
                return G_SOURCE_REMOVE;
        }
        /* after the client's finish, data has nowhere to go */
        if (!st->finishing)
                /* may close the client, and its streams with it */
                stream_send_data(st, st->rbuf, (gsize)n);
        return G_SOURCE_CONTINUE;
}

static gboolean stream_on_writable(gint fd, GIOCondition cond, gpointer data)
{
        daemon_stream *st = data;
        g_autoptr(vctld_client) cl = client_ref(st->cl);
        gboolean was_blocked = stream_input_blocked(cl);

        while (st->woff < st->wbuf->len) {
                ssize_t n = write(st->fd, st->wbuf->data + st->woff, st->wbuf->len - st->woff);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        break;
                if (n < 0) {
                        vctl_error_set_errno(errno, VCTL_ERR_WRITE_FAILED, VCTL_FROM_RPC,
                                             _("cannot write to the stream"));
                        stream_fail(st);
                        goto out;
                }
                st->woff += (gsize)n;
        }
        if (st->woff == st->wbuf->len) {
                g_byte_array_set_size(st->wbuf, 0);
                st->woff = 0;
                if (st->finishing) {
                        stream_complete(st);
                        goto out;
                }
        }
        stream_update_io(st);
out:
        if (was_blocked && !cl->closed && !stream_input_blocked(cl))
                client_resume_input(cl);
        return G_SOURCE_CONTINUE;
}

static GSource *stream_watch(daemon_stream *st, GIOCondition cond, GUnixFDSourceFunc fn)
{
        GSource *src = g_unix_fd_source_new(st->fd, cond);

        g_source_set_callback(src, G_SOURCE_FUNC(fn), st, NULL);
        g_source_attach(src, st->cl->srv->ctx);
        return src;
}

static void stream_update_io(daemon_stream *st)
{
        /* finishing, the fd is still drained: its writer may wait for room */
        gboolean want_read =
                !st->eof && !st->cl->closed && client_pending_out(st->cl) < STREAM_OUT_LIMIT;
        gboolean want_write = st->woff < st->wbuf->len;

        if (want_read && !st->in_src)
                st->in_src = stream_watch(st, G_IO_IN | G_IO_HUP | G_IO_ERR, stream_on_readable);
        else if (!want_read)
                stream_source_destroy(&st->in_src);
        if (want_write && !st->out_src)
                st->out_src = stream_watch(st, G_IO_OUT | G_IO_ERR, stream_on_writable);
        else if (!want_write)
                stream_source_destroy(&st->out_src);
}

void stream_update_all(vctld_client *cl)
{
        GHashTableIter it;
        gpointer st;

        if (!cl->streams)
                return;
        g_hash_table_iter_init(&it, cl->streams);
        while (g_hash_table_iter_next(&it, NULL, &st))
                stream_update_io(st);
}

int stream_check_new(vctld_client *cl, const vctl_rpc_header *call)
{
        if (cl->streams && g_hash_table_contains(cl->streams, GUINT_TO_POINTER(call->serial)))
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("a stream with serial %u is already open on this "
                                        "connection"),
                                      call->serial);
        if (cl->streams && g_hash_table_size(cl->streams) >= STREAM_MAX_PER_CLIENT)
                return vctl_error_set(VCTL_ERR_RESOURCE_BUSY, VCTL_FROM_RPC,
                                      _("too many streams open on this connection (at most %d); "
                                        "finish one first"),
                                      STREAM_MAX_PER_CLIENT);
        return 0;
}

void stream_start(vctld_client *cl, const vctl_rpc_header *call, int fd)
{
        daemon_stream *st;
        int fl;

        if (cl->closed || stream_check_new(cl, call) < 0) {
                vctl_error_clear();
                close(fd);
                return;
        }
        fl = fcntl(fd, F_GETFL);
        if (fl >= 0)
                fcntl(fd, F_SETFL, fl | O_NONBLOCK);
        st = g_new0(daemon_stream, 1);
        st->cl = cl;
        st->call = *call;
        st->fd = fd;
        st->wbuf = g_byte_array_new();
        st->rbuf = g_malloc(VCTL_RPC_STREAM_CHUNK);
        g_hash_table_insert(stream_table(cl), GUINT_TO_POINTER(call->serial), st);
        stream_update_io(st);
}

int stream_handle_message(vctld_client *cl, vctl_rpc_msg *msg)
{
        g_autoptr(vctl_rpc_msg) owned = msg;
        const vctl_rpc_header *h = &msg->header;
        daemon_stream *st = NULL;
        char desc[128];

        if (cl->streams)
                st = g_hash_table_lookup(cl->streams, GUINT_TO_POINTER(h->serial));
        if (!st || st->call.proc != h->proc) {
                /* data may still come after a stream ended here, as in libvirt */
                log_debug("%s: ignoring stream message (proc %d, serial %u, status %d) for no "
                          "open stream",
                          client_describe(cl, desc, sizeof(desc)), h->proc, h->serial, h->status);
                return 0;
        }
        if (h->type == VCTL_RPC_STREAM_HOLE) {
                vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                               _("this stream does not support holes (sparse data)"));
                stream_fail(st);
                return 0;
        }
        switch (h->status) {
        case VCTL_RPC_CONTINUE:
                /* after the fd ended, typing into a finished console goes nowhere */
                if (st->finishing || st->eof || msg->body_len == 0)
                        return 0;
                g_byte_array_append(st->wbuf, msg->body, (guint)msg->body_len);
                stream_update_io(st);
                return 0;
        case VCTL_RPC_OK:
                /* finish: what the client sent before goes out first */
                st->finishing = TRUE;
                if (st->woff == st->wbuf->len)
                        stream_complete(st);
                else
                        stream_update_io(st);
                return 0;
        default:
                /* abort: drop what waits and confirm */
                stream_complete(st);
                return 0;
        }
}

gboolean stream_input_blocked(vctld_client *cl)
{
        GHashTableIter it;
        gpointer p;

        if (!cl->streams)
                return FALSE;
        g_hash_table_iter_init(&it, cl->streams);
        while (g_hash_table_iter_next(&it, NULL, &p)) {
                const daemon_stream *st = p;

                if (st->wbuf->len - st->woff > STREAM_IN_LIMIT)
                        return TRUE;
        }
        return FALSE;
}

void stream_clear(vctld_client *cl)
{
        g_clear_pointer(&cl->streams, g_hash_table_destroy);
}
