/* Listening sockets, accepting clients under max_clients, the worker pool,
 * signals, the idle timer and shutdown. */
#include <config.h>

#include "daemon/access.h"
#include "daemon/client.h"
#include "daemon/dispatch.h"
#include "daemon/events.h"
#include "daemon/sd.h"
#include "daemon/server.h"
#include "daemon/tls.h"
#include "driver/driver.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <glib-unix.h>
#include <grp.h>
#include <netdb.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* accept() calls per wakeup of one listener, so one socket cannot starve the loop */
#define SERVER_ACCEPT_BATCH 64
/* bound on the idle callbacks run after the loop stops */
#define SERVER_DRAIN_MAX 1000000

struct server_listener {
        vctld_server *srv;
        GSocket *sock;
        GSource *src;
        char *path; /* NULL for a socket systemd passed, or TCP */
        gboolean readonly;
        gboolean tls; /* TCP, clients speak TLS (srv->tls) */
};

static void server_listener_free(server_listener *l)
{
        if (l->src) {
                g_source_destroy(l->src);
                g_source_unref(l->src);
        }
        if (l->sock)
                g_socket_close(l->sock, NULL);
        g_clear_object(&l->sock);
        /* only what we created goes away: systemd owns its sockets */
        if (l->path)
                unlink(l->path);
        g_free(l->path);
        g_free(l);
}

vctld_server *server_new(vctl_paths *paths, const vctld_config *cfg)
{
        vctld_server *srv = g_new0(vctld_server, 1);

        srv->paths = paths;
        srv->cfg = *cfg;
        srv->ctx = g_main_context_ref(g_main_context_default());
        srv->loop = g_main_loop_new(srv->ctx, FALSE);
        srv->listeners = g_ptr_array_new_with_free_func((GDestroyNotify)server_listener_free);
        srv->clients = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                             (GDestroyNotify)client_unref, NULL);
        srv->signal_srcs = g_ptr_array_new_with_free_func((GDestroyNotify)g_source_unref);
        return srv;
}

void server_free(vctld_server *srv)
{
        if (!srv)
                return;
        for (guint i = 0; i < srv->signal_srcs->len; i++)
                g_source_destroy(g_ptr_array_index(srv->signal_srcs, i));
        g_ptr_array_unref(srv->signal_srcs);
        g_ptr_array_unref(srv->listeners);
        g_hash_table_destroy(srv->clients);
        if (srv->idle_src) {
                g_source_destroy(srv->idle_src);
                g_source_unref(srv->idle_src);
        }
        g_main_loop_unref(srv->loop);
        g_main_context_unref(srv->ctx);
        tls_server_free(srv->tls);
        vctl_paths_free(srv->paths);
        g_free(srv->config_path);
        g_free(srv);
}

const char *server_default_uri(const vctld_server *srv)
{
        return srv->paths->system ? "qemu:///system" : "qemu:///session";
}

/* ---- idle timeout ---- */

static gboolean server_has_running_guests(void)
{
        const vctl_driver *drv = &vctl_qemu_driver;
        g_autoptr(GPtrArray) doms = NULL;
        drv_conn *dc;
        gboolean running = FALSE;

        /* the driver serves either URI's path only in the matching mode */
        dc = drv->open("qemu:///system", 0);
        if (!dc)
                dc = drv->open("qemu:///session", 0);
        vctl_error_clear();
        if (!dc)
                return FALSE;
        /* it returns the count */
        if (drv->list_all_domains(dc, VCTL_LIST_DOMAINS_ACTIVE, &doms) >= 0)
                running = doms->len > 0;
        drv->close(dc);
        vctl_error_clear();
        return running;
}

static gboolean server_on_idle(gpointer data)
{
        vctld_server *srv = data;

        if (server_has_running_guests())
                return G_SOURCE_CONTINUE;
        if (srv->busy_hook && srv->busy_hook(srv->idle_timeout, srv->busy_data))
                return G_SOURCE_CONTINUE;
        log_info(_("no clients for %u seconds; exiting"), srv->idle_timeout);
        server_quit(srv);
        return G_SOURCE_CONTINUE;
}

static void server_update_idle(vctld_server *srv)
{
        gboolean idle = srv->idle_timeout > 0 && g_hash_table_size(srv->clients) == 0;

        if (idle && !srv->idle_src) {
                srv->idle_src = g_timeout_source_new_seconds(srv->idle_timeout);
                g_source_set_callback(srv->idle_src, server_on_idle, srv, NULL);
                g_source_attach(srv->idle_src, srv->ctx);
        } else if (!idle && srv->idle_src) {
                g_source_destroy(srv->idle_src);
                g_source_unref(srv->idle_src);
                srv->idle_src = NULL;
        }
}

/* ---- clients ---- */

/* "192.0.2.1:4321" or "[2001:db8::1]:4321" */
static char *server_peer_name(int fd)
{
        struct sockaddr_storage sa;
        socklen_t len = sizeof(sa);
        char host[NI_MAXHOST], port[NI_MAXSERV];

        if (getpeername(fd, (struct sockaddr *)&sa, &len) < 0 ||
            getnameinfo((struct sockaddr *)&sa, len, host, sizeof(host), port, sizeof(port),
                        NI_NUMERICHOST | NI_NUMERICSERV) != 0)
                return g_strdup("an unknown address");
        return g_strdup_printf(sa.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
}

static void server_accept_one(server_listener *l, int fd)
{
        vctld_server *srv = l->srv;
        vctld_client *cl;

        if (g_hash_table_size(srv->clients) >= srv->cfg.max_clients) {
                log_warning(_("refusing a connection on '%s': already %u clients (max_clients)"),
                            l->path ? l->path : _("the activated socket"), srv->cfg.max_clients);
                close(fd);
                return;
        }
        cl = client_new(srv, fd, l->readonly);
        if (!cl)
                return;
        if (l->tls) {
                g_autofree char *peer = server_peer_name(fd);
                tls_session *ts = tls_session_new(srv->tls, fd);

                if (!ts) {
                        log_warning(_("refusing a TLS connection from %s: %s"), peer,
                                    vctl_error_message());
                        vctl_error_clear();
                        client_close(cl, "no TLS session");
                        client_unref(cl);
                        return;
                }
                client_set_tls(cl, ts, peer);
        }
        dispatch_auth_init(cl);
        g_hash_table_add(srv->clients, cl);
        if (vctl_log_get_level() <= VCTL_LOG_DEBUG) {
                char desc[128];

                log_debug("%s: connected", client_describe(cl, desc, sizeof(desc)));
        }
        server_update_idle(srv);
        client_start(cl);
}

static gboolean server_on_accept(GSocket *sock, GIOCondition cond, gpointer data)
{
        server_listener *l = data;

        for (int i = 0; i < SERVER_ACCEPT_BATCH; i++) {
                int fd = accept4(g_socket_get_fd(sock), NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

                if (fd < 0) {
                        if (errno == EINTR || errno == ECONNABORTED)
                                continue;
                        if (errno != EAGAIN)
                                log_warning(_("cannot accept a connection: %s"), g_strerror(errno));
                        break;
                }
                server_accept_one(l, fd);
        }
        return G_SOURCE_CONTINUE;
}

void server_client_closed(vctld_server *srv, vctld_client *cl)
{
        g_hash_table_remove(srv->clients, cl);
        server_update_idle(srv);
}

/* ---- sockets ---- */

static int server_fill_addr(const char *path, struct sockaddr_un *sa)
{
        *sa = (struct sockaddr_un){.sun_family = AF_UNIX};
        if (g_strlcpy(sa->sun_path, path, sizeof(sa->sun_path)) >= sizeof(sa->sun_path))
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("socket path '%s' is too long (at most %zu bytes)"), path,
                                      sizeof(sa->sun_path) - 1);
        return 0;
}

/* Removes a socket file nobody listens on; refuses to touch a live one. */
static int server_remove_stale(const char *path, const struct sockaddr_un *sa)
{
        struct stat st;
        int fd, r;

        if (lstat(path, &st) < 0)
                return 0;
        if (!S_ISSOCK(st.st_mode))
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NONE,
                                      _("'%s' exists and is not a socket; remove it"), path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NONE,
                                            _("cannot create a socket"));
        r = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
        close(fd);
        if (r == 0)
                return vctl_error_set(VCTL_ERR_RESOURCE_BUSY, VCTL_FROM_NONE,
                                      _("another process listens on '%s'"), path);
        if (unlink(path) < 0 && errno != ENOENT)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NONE,
                                            _("cannot remove the stale socket '%s'"), path);
        log_debug("removed the stale socket '%s'", path);
        return 0;
}

static int server_bind_unix(const char *path, guint mode)
{
        struct sockaddr_un sa;
        mode_t old_umask;
        int fd, r;

        if (server_fill_addr(path, &sa) < 0 || server_remove_stale(path, &sa) < 0)
                return -1;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NONE,
                                            _("cannot create a socket"));
        /* no window where the socket is more open than configured */
        old_umask = umask(~mode & 0777);
        r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
        umask(old_umask);
        if (r < 0 || chmod(path, mode) < 0 || listen(fd, SOMAXCONN) < 0) {
                int e = errno;

                close(fd);
                return vctl_error_set_errno(e, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NONE,
                                            _("cannot listen on '%s'"), path);
        }
        return fd;
}

/* unix_sock_group: the sockets' group, so its members pass the file mode
 * (polkit still decides what they may do). */
static int server_socket_group(const vctld_config *cfg, const char *path)
{
        struct group gr, *res = NULL;
        g_autofree char *buf = NULL;
        gsize size = 16384;
        int r;

        if (!cfg->unix_sock_group[0] || !path)
                return 0;
        /* a group with many members needs a bigger buffer; 4 MiB is plenty */
        do {
                g_free(buf);
                buf = g_malloc(size);
                r = getgrnam_r(cfg->unix_sock_group, &gr, buf, size, &res);
                size *= 2;
        } while (r == ERANGE && size <= 4 * 1024 * 1024);
        if (r != 0 || !res)
                return vctl_error_set(VCTL_ERR_CONFIG_UNSUPPORTED, VCTL_FROM_CONF,
                                      _("unix_sock_group: no group '%s' on this host (create it, "
                                        "or change vctld.conf)"),
                                      cfg->unix_sock_group);
        if (chown(path, (uid_t)-1, res->gr_gid) < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NONE,
                                            _("cannot give '%s' to group '%s'"), path,
                                            cfg->unix_sock_group);
        return 0;
}

/* Says once when a socket lets anyone in and nothing checks them. */
static void server_warn_open(const vctld_config *cfg)
{
        if (cfg->auth_unix_rw == VCTLD_AUTH_NONE && (cfg->unix_sock_rw_perms & 0007))
                log_warning(_("the read-write socket is open to every user (unix_sock_rw_perms "
                              "%04o) and auth_unix_rw is \"none\": every local user can control "
                              "every guest"),
                            cfg->unix_sock_rw_perms);
}

/* tls: clients on fd (TCP) speak TLS with srv->tls */
static int server_add_listener(vctld_server *srv, int fd, const char *path, gboolean readonly,
                               gboolean tls);

/* Binds listen_addr (every address when empty) on tls_port. */
static int server_listen_tls(vctld_server *srv)
{
        struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
                                 .ai_socktype = SOCK_STREAM};
        g_autofree char *port = g_strdup_printf("%u", srv->cfg.tls_port);
        const char *addr = *srv->cfg.listen_addr ? srv->cfg.listen_addr : NULL;
        struct addrinfo *res = NULL;
        int r, bound = 0, last_errno = 0;

        r = getaddrinfo(addr, port, &hints, &res);
        if (r != 0)
                return vctl_error_set(VCTL_ERR_CONFIG_UNSUPPORTED, VCTL_FROM_RPC,
                                      _("listen_addr '%s': %s"), addr ? addr : "", gai_strerror(r));
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
                int one = 1;
                int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                                ai->ai_protocol);

                if (fd < 0) {
                        last_errno = errno;
                        continue;
                }
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
                /* the IPv4 result binds the same port for IPv4 */
                if (ai->ai_family == AF_INET6)
                        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
                if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, SOMAXCONN) < 0) {
                        last_errno = errno;
                        close(fd);
                        continue;
                }
                if (server_add_listener(srv, fd, NULL, FALSE, TRUE) < 0) {
                        freeaddrinfo(res);
                        return -1;
                }
                bound++;
        }
        freeaddrinfo(res);
        if (bound == 0)
                return vctl_error_set_errno(last_errno ? last_errno : EADDRNOTAVAIL,
                                            VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_RPC,
                                            _("cannot listen for TLS on %s port %s"),
                                            addr ? addr : "every address", port);
        log_info(_("listening for TLS on %s port %s"), addr ? addr : "every address", port);
        return 0;
}

static int server_add_listener(vctld_server *srv, int fd, const char *path, gboolean readonly,
                               gboolean tls)
{
        g_autoptr(GError) err = NULL;
        server_listener *l;
        GSocket *sock = g_socket_new_from_fd(fd, &err);

        if (!sock) {
                close(fd);
                return vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NONE,
                                      _("cannot use listening socket %s: %s"), path ? path : "",
                                      err->message);
        }
        g_socket_set_blocking(sock, FALSE);
        l = g_new0(server_listener, 1);
        l->srv = srv;
        l->sock = sock;
        l->path = g_strdup(path);
        l->readonly = readonly;
        l->tls = tls;
        l->src = g_socket_create_source(sock, G_IO_IN, NULL);
        g_source_set_callback(l->src, G_SOURCE_FUNC(server_on_accept), l, NULL);
        g_source_attach(l->src, srv->ctx);
        g_ptr_array_add(srv->listeners, l);
        if (!tls && readonly)
                log_info(_("listening on %s (read-only)"),
                         path ? path : _("a socket from systemd"));
        else if (!tls)
                log_info(_("listening on %s (read-write)"),
                         path ? path : _("a socket from systemd"));
        return 0;
}

int server_listen(vctld_server *srv)
{
        int rw_fd, ro_fd, tls_fd;

        if (sd_listen_fds_take(&rw_fd, &ro_fd, &tls_fd) < 0)
                return -1;
        if (tls_fd >= 0 || srv->cfg.listen_tls) {
                srv->tls = tls_server_new(&srv->cfg, srv->paths);
                if (!srv->tls) {
                        if (tls_fd >= 0)
                                close(tls_fd);
                        return -1;
                }
        }
        if (tls_fd >= 0) {
                if (server_add_listener(srv, tls_fd, NULL, FALSE, TRUE) < 0)
                        return -1;
                log_info(_("listening for TLS on a socket from systemd (vctld-tls.socket)"));
        } else if (srv->cfg.listen_tls && server_listen_tls(srv) < 0) {
                return -1;
        }
        if (rw_fd >= 0 && server_add_listener(srv, rw_fd, NULL, FALSE, FALSE) < 0)
                return -1;
        if (ro_fd >= 0 && server_add_listener(srv, ro_fd, NULL, TRUE, FALSE) < 0)
                return -1;
        access_set_polkit(srv->cfg.access_polkit);
        server_warn_open(&srv->cfg);
        if (rw_fd < 0) {
                rw_fd = server_bind_unix(srv->paths->socket_path, srv->cfg.unix_sock_rw_perms);
                if (rw_fd < 0 ||
                    server_add_listener(srv, rw_fd, srv->paths->socket_path, FALSE, FALSE) < 0 ||
                    server_socket_group(&srv->cfg, srv->paths->socket_path) < 0)
                        return -1;
        }
        if (ro_fd < 0) {
                ro_fd = server_bind_unix(srv->paths->socket_ro_path, srv->cfg.unix_sock_ro_perms);
                if (ro_fd < 0 ||
                    server_add_listener(srv, ro_fd, srv->paths->socket_ro_path, TRUE, FALSE) < 0 ||
                    server_socket_group(&srv->cfg, srv->paths->socket_ro_path) < 0)
                        return -1;
        }
        return 0;
}

/* ---- life cycle ---- */

static gboolean server_on_quit_signal(gpointer data)
{
        vctld_server *srv = data;

        log_info(_("signal received; shutting down"));
        server_quit(srv);
        return G_SOURCE_CONTINUE;
}

static gboolean server_on_hup(gpointer data)
{
        server_reload(data);
        return G_SOURCE_CONTINUE;
}

static void server_watch_signal(vctld_server *srv, int signum, GSourceFunc fn)
{
        GSource *src = g_unix_signal_source_new(signum);

        g_source_set_callback(src, fn, srv, NULL);
        g_source_attach(src, srv->ctx);
        g_ptr_array_add(srv->signal_srcs, src);
}

void server_quit(vctld_server *srv)
{
        g_main_loop_quit(srv->loop);
}

void server_reload(vctld_server *srv)
{
        vctld_config cfg;
        g_autofree char *changes = NULL;

        if (config_load(srv->config_path, srv->config_required, &cfg) < 0) {
                log_error(_("not reloading the configuration: %s"), vctl_error_message());
                vctl_error_clear();
                return;
        }
        changes = config_describe_changes(&srv->cfg, &cfg);
        log_info(_("configuration reloaded from %s: %s"), srv->config_path,
                 changes ? changes : _("nothing changed"));
        if (config_tls_differs(&srv->cfg, &cfg)) {
                log_warning(_("the TLS settings in %s changed; they apply when vctld restarts"),
                            srv->config_path);
                config_copy_tls(&cfg, &srv->cfg);
        }
        srv->cfg = cfg;
        if (!srv->verbose)
                vctl_log_set_level(cfg.log_level);
        g_thread_pool_set_max_threads(srv->pool, (int)cfg.max_workers, NULL);
        for (guint i = 0; i < srv->listeners->len; i++) {
                server_listener *l = g_ptr_array_index(srv->listeners, i);
                guint mode = l->readonly ? cfg.unix_sock_ro_perms : cfg.unix_sock_rw_perms;

                if (l->path && chmod(l->path, mode) < 0)
                        log_warning(_("cannot change the mode of '%s': %s"), l->path,
                                    g_strerror(errno));
                if (server_socket_group(&cfg, l->path) < 0) {
                        log_warning("%s", vctl_error_message());
                        vctl_error_clear();
                }
        }
        /* checks of calls already running keep the old setting */
        access_set_polkit(cfg.access_polkit);
        server_warn_open(&cfg);
        if (srv->reload_hook)
                srv->reload_hook(&srv->cfg, srv->reload_data);
}

void server_run(vctld_server *srv)
{
        g_autoptr(GError) err = NULL;
        GHashTableIter iter;
        gpointer key;
        int drained = 0;

        srv->pool =
                g_thread_pool_new(dispatch_job_run, srv, (int)srv->cfg.max_workers, FALSE, &err);
        g_assert(srv->pool); /* only fails for exclusive pools */
        server_watch_signal(srv, SIGTERM, server_on_quit_signal);
        server_watch_signal(srv, SIGINT, server_on_quit_signal);
        server_watch_signal(srv, SIGHUP, server_on_hup);
        server_update_idle(srv);

        g_main_loop_run(srv->loop);

        sd_notify_state("STOPPING=1");
        g_ptr_array_set_size(srv->listeners, 0);
        /* client_close removes the client from the table */
        while (g_hash_table_size(srv->clients) > 0) {
                g_hash_table_iter_init(&iter, srv->clients);
                if (!g_hash_table_iter_next(&iter, &key, NULL))
                        break;
                client_close(key, "vctld is shutting down");
        }
        /* calls already running finish; their replies go nowhere */
        g_thread_pool_free(g_steal_pointer(&srv->pool), FALSE, TRUE);
        while (g_main_context_pending(srv->ctx) && drained++ < SERVER_DRAIN_MAX)
                g_main_context_iteration(srv->ctx, FALSE);
}
