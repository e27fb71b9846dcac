/* vctld's TLS listener side: the server's credentials and policy (loaded once
 * at start), and one GnuTLS session per TLS client, driven by client.c over
 * the client's non-blocking socket. */
#pragma once

#include <glib.h>

#include "daemon/config.h"
#include "lib/util/paths.h"

/* How long a TLS client may take to finish the handshake. */
#define TLS_HANDSHAKE_TIMEOUT_S 10

typedef struct tls_server tls_server;
typedef struct tls_session tls_session;

/* Loads the CA, CRL, certificate and key named by cfg (libvirt's paths by
 * default, under paths->root) and the priority string. NULL with the last
 * error set naming the file and the cause. */
tls_server *tls_server_new(const vctld_config *cfg, const vctl_paths *paths);
void tls_server_free(tls_server *t); /* accepts NULL */

/* A server session on fd (not taken). NULL with the last error set. */
tls_session *tls_session_new(tls_server *t, int fd);
void tls_session_free(tls_session *s); /* accepts NULL; sends close_notify if it can */

/* One handshake step: 1 when done and the client's certificate passed every
 * check, 0 when more I/O is needed (tls_session_wants_write says which), -1
 * when the client is refused (*ret_why says why, for the log; an alert
 * telling the client has been sent when it could be). */
int tls_session_handshake(tls_session *s, char **ret_why);
gboolean tls_session_ready(const tls_session *s);
gboolean tls_session_wants_write(const tls_session *s);

/* Decrypted bytes (> 0), 0 at the end, -EAGAIN, or -EIO (*ret_why set). */
gssize tls_session_recv(tls_session *s, void *buf, gsize len, char **ret_why);
/* Whether decrypted bytes wait in GnuTLS (the socket may not signal them). */
gboolean tls_session_pending(tls_session *s);
/* Bytes of data taken (> 0), -EAGAIN, or -EIO (*ret_why set). After -EAGAIN
 * the next call must pass the same data again (it resumes that record). */
gssize tls_session_send(tls_session *s, const void *data, gsize len, char **ret_why);

/* "CN=...,O=..." of the client's certificate, or NULL before the handshake
 * or without one. */
const char *tls_session_peer_dn(const tls_session *s);
