/* Connection-level procedures: open/close, features, identity of the host
 * and the driver, event and close-callback registration. */
#include <config.h>

#include "daemon/dispatch_priv.h"
#include "daemon/events.h"
#include "daemon/keepalive.h"
#include "daemon/server.h"
#include "lib/util/log.h"
#include "lib/util/num.h"
#include "lib/util/i18n.h"

#include <string.h>

/* libvirt's virDrvFeature numbers (src/libvirt_internal.h) */
#define FEATURE_PROGRAM_KEEPALIVE     10
#define FEATURE_REMOTE_EVENT_CALLBACK 14
#define FEATURE_REMOTE_CLOSE_CALLBACK 15

/* "qemu+unix:///system?socket=/x" -> "qemu:///system": the transport and its
 * parameters are ours, not the driver's. */
static char *dispatch_uri_normalize(const char *name)
{
        const char *colon = strchr(name, ':');
        const char *plus = strchr(name, '+');
        g_autofree char *uri = NULL;
        char *query;

        if (plus && colon && plus < colon) {
                g_autofree char *scheme = g_strndup(name, (gsize)(plus - name));

                uri = g_strconcat(scheme, colon, NULL);
        } else
                uri = g_strdup(name);
        query = strchr(uri, '?');
        if (query)
                *query = '\0';
        return g_steal_pointer(&uri);
}

DISPATCH_HANDLER(dispatch_connect_open)
{
        remote_connect_open_args *args = args_;
        vctld_client *cl = ctx->cl;
        const char *name = args->name && *args->name && **args->name ? *args->name
                                                                     : server_default_uri(cl->srv);
        g_autofree char *uri = NULL;
        const vctl_driver *drv;
        unsigned int flags = args->flags & VCTL_CONNECT_RO;
        drv_conn *dc;
        char desc[128];

        if (cl->conn)
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_RPC,
                                      _("connection already open (on '%s')"), cl->conn->uri);
        uri = dispatch_uri_normalize(name);
        drv = vctl_driver_for_uri(uri);
        if (!drv)
                return -1;
        if (cl->readonly)
                flags |= VCTL_CONNECT_RO;
        dc = drv->open(uri, flags);
        if (!dc)
                return -1;
        ctx->conn = dispatch_conn_new(drv, dc, uri);
        if (dispatch_access(ctx, "connect", "getattr", NULL) < 0) {
                g_clear_pointer(&ctx->conn, dispatch_conn_unref);
                return -1;
        }
        cl->conn = ctx->conn;
        log_info(_("%s: opened '%s'"), client_describe(cl, desc, sizeof(desc)), uri);
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_close)
{
        /* the socket stays up; the client closes it next */
        events_clear(ctx->cl);
        g_clear_pointer(&ctx->cl->conn, dispatch_conn_unref);
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_supports_feature)
{
        remote_connect_supports_feature_args *args = args_;
        remote_connect_supports_feature_ret *ret = ret_;

        /* like libvirtd: the features of the protocol itself are answered
         * without an access check (keepalive is asked before CONNECT_OPEN);
         * only the driver's own are the connection's attributes */
        switch (args->feature) {
        case FEATURE_PROGRAM_KEEPALIVE:
                /* asked before CONNECT_OPEN: the client will answer our PINGs */
                keepalive_start(ctx->cl);
                ret->supported = 1;
                break;
        case FEATURE_REMOTE_EVENT_CALLBACK:
        case FEATURE_REMOTE_CLOSE_CALLBACK:
                ret->supported = 1;
                break;
        default:
                if (dispatch_access(ctx, "connect", "getattr", NULL) < 0)
                        return -1;
                ret->supported = 0;
        }
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_get_uri)
{
        remote_connect_get_uri_ret *ret = ret_;

        if (dispatch_access(ctx, "connect", "getattr", NULL) < 0)
                return -1;
        ret->uri = g_strdup(ctx->conn->uri);
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_get_type)
{
        remote_connect_get_type_ret *ret = ret_;

        if (dispatch_access(ctx, "connect", "getattr", NULL) < 0)
                return -1;
        ret->type = g_strdup(ctx->conn->drv->type);
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_get_version)
{
        remote_connect_get_version_ret *ret = ret_;
        unsigned long long v = 0;

        if (dispatch_access(ctx, "connect", "getattr", NULL) < 0)
                return -1;
        if (!ctx->conn->drv->get_version)
                return dispatch_unsupported(ctx, _("getting the hypervisor version"));
        if (ctx->conn->drv->get_version(ctx->conn->dc, &v) < 0)
                return -1;
        ret->hv_ver = v;
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_get_lib_version)
{
        remote_connect_get_lib_version_ret *ret = ret_;
        g_auto(GStrv) parts = NULL;
        unsigned long long v[3] = {0, 0, 0};

        if (dispatch_access(ctx, "connect", "getattr", NULL) < 0)
                return -1;
        parts = g_strsplit(PACKAGE_VERSION, ".", 4);
        for (int i = 0; i < 3 && parts[i]; i++)
                if (vctl_parse_ull(parts[i], 999, &v[i]) < 0)
                        v[i] = 0;
        ret->lib_ver = v[0] * 1000000ULL + v[1] * 1000ULL + v[2];
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_get_hostname)
{
        remote_connect_get_hostname_ret *ret = ret_;

        if (dispatch_access(ctx, "connect", "getattr", NULL) < 0)
                return -1;
        ret->hostname = g_strdup(g_get_host_name());
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_is_secure)
{
        remote_connect_is_secure_ret *ret = ret_;

        if (dispatch_access(ctx, "connect", "getattr", NULL) < 0)
                return -1;
        ret->secure = 1; /* a local Unix socket cannot be snooped */
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_get_capabilities)
{
        remote_connect_get_capabilities_ret *ret = ret_;

        if (dispatch_access(ctx, "connect", "read", NULL) < 0)
                return -1;
        if (!ctx->conn->drv->get_capabilities)
                return dispatch_unsupported(ctx, _("getting the capabilities"));
        ret->capabilities = ctx->conn->drv->get_capabilities(ctx->conn->dc);
        return ret->capabilities ? 0 : -1;
}

DISPATCH_HANDLER(dispatch_connect_get_domain_capabilities)
{
        remote_connect_get_domain_capabilities_args *args = args_;
        remote_connect_get_domain_capabilities_ret *ret = ret_;

        if (dispatch_access(ctx, "connect", "write", NULL) < 0)
                return -1;
        if (!ctx->conn->drv->get_domain_capabilities)
                return dispatch_unsupported(ctx, _("getting the domain capabilities"));
        ret->capabilities = ctx->conn->drv->get_domain_capabilities(
                ctx->conn->dc, args->emulatorbin ? *args->emulatorbin : NULL,
                args->arch ? *args->arch : NULL, args->machine ? *args->machine : NULL,
                args->virttype ? *args->virttype : NULL, args->flags);
        return ret->capabilities ? 0 : -1;
}

DISPATCH_HANDLER(dispatch_connect_get_max_vcpus)
{
        remote_connect_get_max_vcpus_ret *ret = ret_;

        if (dispatch_access(ctx, "connect", "read", NULL) < 0)
                return -1;
        /* no driver entry yet: libvirt's test driver says 32; QEMU's i440fx/TCG
         * limit is 255 */
        ret->max_vcpus = g_str_equal(ctx->conn->drv->scheme, "test") ? 32 : 255;
        return 0;
}

DISPATCH_HANDLER(dispatch_node_get_info)
{
        remote_node_get_info_ret *ret = ret_;
        vctl_node_info info = {0};

        if (dispatch_access(ctx, "connect", "read", NULL) < 0)
                return -1;
        if (!ctx->conn->drv->node_get_info)
                return dispatch_unsupported(ctx, _("getting the host's information"));
        if (ctx->conn->drv->node_get_info(ctx->conn->dc, &info) < 0)
                return -1;
        memcpy(ret->model, info.model, sizeof(ret->model));
        ret->memory = info.memory_kib;
        ret->cpus = (int)info.cpus;
        ret->mhz = (int)info.mhz;
        ret->nodes = (int)info.nodes;
        ret->sockets = (int)info.sockets;
        ret->cores = (int)info.cores;
        ret->threads = (int)info.threads;
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_event_register_any)
{
        remote_connect_domain_event_callback_register_any_args *args = args_;
        remote_connect_domain_event_callback_register_any_ret *ret = ret_;
        drv_domain dom = {0};

        if (dispatch_access(ctx, "connect", "search_domains", NULL) < 0)
                return -1;
        if (args->dom) {
                dom.name = args->dom->name;
                dom.id = args->dom->id;
                memcpy(dom.uuid, args->dom->uuid, sizeof(dom.uuid));
        }
        return events_register(ctx->cl, args->eventID, args->dom ? &dom : NULL, &ret->callbackID);
}

DISPATCH_HANDLER(dispatch_connect_event_deregister_any)
{
        remote_connect_domain_event_callback_deregister_any_args *args = args_;

        if (dispatch_access(ctx, "connect", "read", NULL) < 0)
                return -1;
        return events_deregister(ctx->cl, args->callbackID);
}

/* The close callback lives in the client; the server only has to accept it. */
DISPATCH_HANDLER(dispatch_connect_register_close_callback)
{
        return dispatch_access(ctx, "connect", "read", NULL);
}

DISPATCH_HANDLER(dispatch_connect_unregister_close_callback)
{
        return dispatch_access(ctx, "connect", "read", NULL);
}
