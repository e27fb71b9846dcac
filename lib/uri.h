/* Connection URIs: driver[+transport]://[user@][host][:port]/path[?query]. */
#pragma once

#include <glib.h>

#define URI_TLS_PORT 16514

typedef enum {
        URI_TRANSPORT_LOCAL = 0, /* in-process driver (test:///default) */
        URI_TRANSPORT_UNIX,      /* a vctld on a unix socket */
        URI_TRANSPORT_TLS,       /* a vctld over TLS (lib/remote_tls.c) */
} uri_transport;

typedef struct vctl_uri {
        char *driver; /* "qemu", "test" */
        uri_transport transport;
        char *user;         /* NULL when none */
        char *host;         /* NULL when none */
        int port;           /* 0 when none */
        char *path;         /* "/system", "/session", "/default" */
        char *socket;       /* socket= from the query, or NULL */
        char *name;         /* what CONNECT_OPEN carries: "qemu:///system" */
        char *socket_path;  /* the unix socket to dial (unix transport only) */
        gboolean autostart; /* a session daemon may be spawned when none listens */
        char *pkipath;      /* pkipath= from the query: the TLS files' directory, or NULL */
        gboolean no_verify; /* no_verify=1: do not check the server's certificate */
} vctl_uri;

/* The URI used when the caller gives none: $VCTL_DEFAULT_URI, else
 * qemu:///system as root and qemu:///session otherwise. */
char *uri_default(void);

/* Parses s and resolves how to reach it (flags: VCTL_CONNECT_RO picks the
 * read-only system socket). Returns 0, or -1 with the last error set
 * (VCTL_ERR_INVALID_ARG for malformed URIs, VCTL_ERR_NO_CONNECT for drivers
 * or paths vctl does not serve, VCTL_ERR_NO_SUPPORT for unknown transports).
 * TLS URIs also take pkipath=DIR and no_verify=1, as libvirt's do. */
int uri_parse(const char *s, unsigned int flags, vctl_uri **ret_uri);
void uri_free(vctl_uri *uri); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vctl_uri, uri_free)
