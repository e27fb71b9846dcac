/* libvctl's TLS transport (qemu+tls://host[:port]/system): TCP to vctld,
 * a GnuTLS session with libvirt's client certificate locations, the server's
 * certificate checked against the CA and the host name, and libvirt's
 * one-byte confirmation that the server accepted ours. */
#pragma once

#include <glib.h>

#include "lib/uri.h"

/* Connecting, the handshake and the confirmation each end within this. */
#define REMOTE_TLS_TIMEOUT_MS 30000

typedef struct remote_tls remote_tls;

/* Connects to uri->host:uri->port. 0 with the session and its (blocking,
 * close-on-exec) socket, or -1 with the last error set naming the
 * certificate and why when one is the problem. */
int remote_tls_connect(const vctl_uri *uri, remote_tls **ret_tls, int *ret_fd);

/* Blocking I/O through the session; one thread may send while another
 * receives. recv: bytes, 0 at the end, -1 with *ret_why. send: 0 or -1
 * with *ret_why. */
gssize remote_tls_recv(remote_tls *t, void *buf, gsize len, char **ret_why);
int remote_tls_send_all(remote_tls *t, const void *data, gsize len, char **ret_why);

void remote_tls_free(remote_tls *t); /* accepts NULL; the socket stays open */
