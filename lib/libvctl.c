/* libvctl: connections, errors and the connection-wide calls. Every call
 * goes to the in-process driver (test:///default) or to vctld over RPC. */
#include "config.h"

#include "lib/libvctl_priv.h"

#include "lib/util/error.h"
#include "lib/util/num.h"
#include "lib/util/i18n.h"

#include <string.h>

/* ---- errors ---- */

static GPrivate error_info_slot = G_PRIVATE_INIT(g_free);

const vctl_error_info *vctl_last_error(void)
{
        const vctl_error *err = vctl_error_last();
        vctl_error_info *info;

        if (!err)
                return NULL;
        info = g_private_get(&error_info_slot);
        if (!info) {
                info = g_new0(vctl_error_info, 1);
                g_private_set(&error_info_slot, info);
        }
        info->code = err->code;
        info->domain = err->domain;
        info->message = err->message;
        return info;
}

const char *vctl_last_error_message(void)
{
        return vctl_error_message();
}

/* ---- connection objects ---- */

vctl_conn *conn_ref(vctl_conn *conn)
{
        g_atomic_int_inc(&conn->refs);
        return conn;
}

void conn_unref(vctl_conn *conn)
{
        if (!conn || !g_atomic_int_dec_and_test(&conn->refs))
                return;
        uri_free(conn->uri);
        g_free(conn);
}

int conn_check(vctl_conn *conn)
{
        vctl_error_clear();
        if (!conn)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("no connection given (open one with vctl_conn_open)"));
        if (g_atomic_int_get(&conn->closed))
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("the connection to '%s' is closed"), conn->uri->name);
        return 0;
}

int conn_check_writable(vctl_conn *conn, const char *what)
{
        if (conn->flags & VCTL_CONNECT_RO)
                /* TRANSLATORS: %s is what was asked ("define a domain", ...), then a URI */
                return vctl_error_set(VCTL_ERR_OPERATION_DENIED, VCTL_FROM_NONE,
                                      _("cannot %s: the connection to '%s' is read-only"), what,
                                      conn->uri->name);
        return 0;
}

vctl_conn *vctl_conn_open(const char *uri, unsigned int flags)
{
        g_autofree char *fallback = NULL;
        g_autoptr(vctl_uri) parsed = NULL;
        g_autoptr(vctl_error) err = NULL;
        vctl_conn *conn;
        int r;

        vctl_error_clear();
        if (flags & ~(unsigned int)VCTL_CONNECT_RO) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                               _("unsupported flags (0x%x) in opening a connection"),
                               flags & ~(unsigned int)VCTL_CONNECT_RO);
                return NULL;
        }
        if (!uri)
                uri = fallback = uri_default();
        if (uri_parse(uri, flags, &parsed) < 0)
                return NULL;

        conn = g_new0(vctl_conn, 1);
        conn->refs = 1;
        conn->flags = flags;
        conn->uri = g_steal_pointer(&parsed);
        event_start(conn);
        if (conn->uri->transport == URI_TRANSPORT_LOCAL) {
                r = local_open(conn);
        } else {
                conn->remote = remote_open(conn->uri, flags, event_remote_lifecycle,
                                           event_remote_lost, conn);
                r = conn->remote ? 0 : -1;
        }
        if (r < 0) {
                err = vctl_error_copy(vctl_error_last());
                event_stop(conn);
                conn_unref(conn);
                vctl_error_restore(err);
                return NULL;
        }
        return conn;
}

int vctl_conn_close(vctl_conn *conn)
{
        vctl_error_clear();
        if (!conn)
                return 0;
        if (conn->dispatcher && g_thread_self() == conn->dispatcher)
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NONE,
                                      _("cannot close the connection to '%s' from one of its own "
                                        "callbacks"),
                                      conn->uri->name);
        if (!g_atomic_int_compare_and_exchange(&conn->closed, 0, 1))
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("the connection to '%s' is already closed"),
                                      conn->uri->name);
        if (conn->remote) {
                remote_close(conn->remote);
                conn->remote = NULL;
        } else {
                local_close(conn);
        }
        event_stop(conn);
        conn_unref(conn);
        return 0;
}

/* ---- the connection's calls ---- */

char *vctl_conn_get_uri(vctl_conn *conn)
{
        if (conn_check(conn) < 0)
                return NULL;
        if (conn->remote)
                return remote_op_get_uri(conn->remote);
        return g_strdup(conn->uri->name);
}

char *vctl_conn_get_hostname(vctl_conn *conn)
{
        if (conn_check(conn) < 0)
                return NULL;
        if (conn->remote)
                return remote_op_get_hostname(conn->remote);
        return g_strdup(g_get_host_name());
}

char *vctl_conn_get_type(vctl_conn *conn)
{
        if (conn_check(conn) < 0)
                return NULL;
        if (conn->remote)
                return remote_op_get_type(conn->remote);
        return g_strdup(conn->driver->type);
}

int vctl_conn_get_version(vctl_conn *conn, unsigned long long *ret_version)
{
        if (conn_check(conn) < 0)
                return -1;
        if (!ret_version)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("no place given for the version"));
        return CONN_OP(conn, get_version, ret_version) < 0 ? -1 : 0;
}

/* "1.2.3" -> 1002003, libvirt's encoding */
static unsigned long long libvctl_version(void)
{
        g_auto(GStrv) parts = g_strsplit(PACKAGE_VERSION, ".", 3);
        guint len = g_strv_length(parts);
        unsigned long long v = 0;

        for (guint i = 0; i < 3; i++) {
                unsigned long long n = 0;

                if (i < len && vctl_parse_ull(parts[i], 999, &n) < 0)
                        n = 0;
                v = v * 1000 + n;
        }
        return v;
}

int vctl_conn_get_lib_version(vctl_conn *conn, unsigned long long *ret_version)
{
        if (conn_check(conn) < 0)
                return -1;
        if (!ret_version)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("no place given for the version"));
        if (conn->remote)
                return remote_op_get_lib_version(conn->remote, ret_version);
        *ret_version = libvctl_version();
        return 0;
}

char *vctl_conn_get_capabilities(vctl_conn *conn)
{
        if (conn_check(conn) < 0)
                return NULL;
        if (conn->remote)
                return remote_op_get_capabilities(conn->remote);
        return conn->driver->get_capabilities(conn->drv);
}

char *vctl_conn_get_domain_capabilities(vctl_conn *conn, const char *emulatorbin, const char *arch,
                                        const char *machine, const char *virttype,
                                        unsigned int flags)
{
        if (conn_check(conn) < 0)
                return NULL;
        if (!conn->remote && !conn->driver->get_domain_capabilities) {
                vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_NONE,
                               _("the %s driver has no domain capabilities"), conn->driver->type);
                return NULL;
        }
        return CONN_OP(conn, get_domain_capabilities, emulatorbin, arch, machine, virttype, flags);
}

int vctl_conn_is_secure(vctl_conn *conn)
{
        if (conn_check(conn) < 0)
                return -1;
        /* in-process and unix-socket connections never leave the host */
        if (conn->remote)
                return remote_op_is_secure(conn->remote);
        return 1;
}

int vctl_node_get_info(vctl_conn *conn, vctl_node_info *ret_info)
{
        if (conn_check(conn) < 0)
                return -1;
        if (!ret_info)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("no place given for the node information"));
        return CONN_OP(conn, node_get_info, ret_info) < 0 ? -1 : 0;
}
