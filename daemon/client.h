/* One connected client: its socket, the decoder of what it sends, the queue of
 * what we send it, and its per-connection state. I/O happens on the main loop;
 * only client_ref/unref and client_post may be called from other threads. */
#pragma once

#include <gio/gio.h>
#include <sys/socket.h>

#include "lib/rpc/message.h"

typedef struct vctld_server vctld_server;
typedef struct dispatch_conn dispatch_conn;
typedef struct vctld_client vctld_client;
typedef struct tls_session tls_session;

struct vctld_client {
        gint refs;
        vctld_server *srv;
        guint64 id;
        GSocket *sock;
        gboolean readonly; /* came in on the read-only socket */
        gboolean closed;
        gboolean have_cred;
        struct ucred cred;  /* SO_PEERCRED, for access control */
        guint64 start_time; /* of cred.pid, read at accept (daemon/polkit.h) */
        /* authentication (dispatch_auth.c): the REMOTE_AUTH_* AUTH_LIST
         * offers, and whether the client passed it (set from a worker) */
        int auth_type;
        gint authenticated;

        /* TLS clients (daemon/tls.c): the session, the handshake's deadline
         * and the peer's address */
        tls_session *tls;
        GSource *tls_timer;
        char *peer_addr;

        GSource *in_src, *out_src;
        vctl_rpc_reader *reader;
        GByteArray *outbuf; /* encoded frames; out_off bytes already sent */
        gsize out_off;
        guint inflight; /* calls handed to workers, not answered yet */

        /* limits, from the configuration at accept time */
        guint max_requests;
        guint32 max_message;
        gsize out_soft; /* stop reading above this much unsent output */
        gsize out_hard; /* drop the client above this */

        /* keepalive (keepalive.c) */
        int ka_interval;
        guint ka_count;
        GSource *ka_src;
        gint64 ka_next; /* monotonic time of the next PING */
        guint ka_left;  /* PINGs left before giving up */

        /* dispatch state (dispatch*.c, events.c); main thread only */
        dispatch_conn *conn; /* NULL until CONNECT_OPEN */
        GHashTable *events;  /* callbackID -> events_entry */
        int next_callback_id;
        GHashTable *streams; /* serial -> daemon_stream (stream.c), or NULL */
};

/* Takes fd (a connected, non-blocking, close-on-exec socket). */
vctld_client *client_new(vctld_server *srv, int fd, gboolean readonly);
vctld_client *client_ref(vctld_client *cl);
void client_unref(vctld_client *cl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vctld_client, client_unref)

/* Starts reading. */
void client_start(vctld_client *cl);
/* Makes cl a TLS client (before client_start): takes ts; peer_addr names
 * the peer in logs. The handshake must end within TLS_HANDSHAKE_TIMEOUT_S. */
void client_set_tls(vctld_client *cl, tls_session *ts, const char *peer_addr);

/* Closes the connection (idempotent); why is logged. */
void client_close(vctld_client *cl, const char *why);

/* Queues an encoded frame (main thread). A client whose queue would pass
 * out_hard is dropped. */
void client_send(vctld_client *cl, const guint8 *data, gsize len);

/* Hands a frame to the main loop from any thread; takes frame. reply: it
 * answers a call counted in inflight. */
void client_post(vctld_client *cl, GByteArray *frame, gboolean reply);
/* The same for the reply to call, which opened a stream on fd (taken):
 * the stream starts right after the reply is queued. */
void client_post_stream(vctld_client *cl, GByteArray *frame, const vctl_rpc_header *call, int fd);

/* Bytes queued for the client and not sent yet. */
gsize client_pending_out(const vctld_client *cl);
/* Reads and dispatches what the client sent, as far as the limits allow
 * (after a limit eased). */
void client_resume_input(vctld_client *cl);

/* "client 3 (pid 1234, uid 0)" for logs. */
const char *client_describe(vctld_client *cl, char *buf, gsize size);
