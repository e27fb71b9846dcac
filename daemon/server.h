/* The server: listening sockets, the set of clients, the worker pool, the
 * idle timer and the daemon's life cycle on one GLib main loop. */
#pragma once

#include <glib.h>

#include "daemon/config.h"
#include "lib/util/paths.h"

typedef struct vctld_client vctld_client;
typedef struct server_listener server_listener;
typedef struct tls_server tls_server;

typedef struct vctld_server {
        vctl_paths *paths;
        vctld_config cfg;
        char *config_path;
        gboolean config_required; /* --config given: a missing file is an error */
        gboolean verbose;         /* --verbose: log level stays at debug */
        guint idle_timeout;       /* --timeout: seconds without clients; 0 never */

        GMainContext *ctx;
        GMainLoop *loop;
        GThreadPool *pool;
        GPtrArray *listeners;
        GHashTable *clients; /* vctld_client* -> itself; holds a reference */
        guint64 next_client_id;
        GSource *idle_src;
        GPtrArray *signal_srcs;
        tls_server *tls; /* the TLS listeners' credentials, or NULL */
        /* called by server_reload with the new configuration (D-Bus) */
        void (*reload_hook)(const vctld_config *cfg, void *data);
        void *reload_data;
        /* asked before the idle timeout ends the daemon: whether a client
         * other than the sockets' (D-Bus) was served within that many
         * seconds */
        gboolean (*busy_hook)(guint seconds, void *data);
        void *busy_data;
} vctld_server;

/* Takes paths. */
vctld_server *server_new(vctl_paths *paths, const vctld_config *cfg);
void server_free(vctld_server *srv);

/* Sockets from systemd, or created under paths->run_dir; with listen_tls
 * (or a socket "vctld-tls.socket" from systemd) TLS on listen_addr:tls_port
 * too (daemon/tls.c). 0 or -1 (error set). */
int server_listen(vctld_server *srv);

/* Runs until SIGTERM/SIGINT or the idle timeout, then closes every client and
 * waits for the workers. */
void server_run(vctld_server *srv);
void server_quit(vctld_server *srv);

/* SIGHUP: re-reads the config file; limits apply to clients accepted later. */
void server_reload(vctld_server *srv);

/* Called by client_close. */
void server_client_closed(vctld_server *srv, vctld_client *cl);

/* The default URI of this daemon: qemu:///system or qemu:///session. */
const char *server_default_uri(const vctld_server *srv);
