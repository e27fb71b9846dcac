/* The dispatch core: checks a call against the table, decodes it, runs it
 * inline or on the worker pool, and encodes the reply or the error. */
#include <config.h>

#include "daemon/dispatch_priv.h"
#include "daemon/server.h"
#include "daemon/stream.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <string.h>
#include <unistd.h>

enum {
        NEED_CONN = 1 << 0, /* refused before CONNECT_OPEN */
        MUTATING = 1 << 1,  /* refused on the read-only socket */
        BLOCKING = 1 << 2,  /* may take a while: runs on a worker thread */
        STREAM = 1 << 3,    /* opens a stream with the call's serial */
        NO_AUTH = 1 << 4,   /* served before the client authenticated */
        /* inline, but on a worker when it may ask polkit (access_drivers):
         * the main loop must not wait for polkitd */
        CHECKED = 1 << 5,
};

typedef struct dispatch_entry {
        dispatch_fn fn; /* NULL: answered with VIR_ERR_NO_SUPPORT */
        unsigned int flags;
} dispatch_entry;

#define DISPATCH_TABLE_SIZE (REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK + 1)
#define E(proc, fn, flags)  [REMOTE_PROC_##proc] = {fn, flags}
#define DOM_READ            (NEED_CONN | BLOCKING)
#define DOM_WRITE           (NEED_CONN | BLOCKING | MUTATING)

/* Inline handlers touch client state and must stay cheap; everything that
 * may reach the disk or a guest runs on a worker. */
static const dispatch_entry dispatch_table[DISPATCH_TABLE_SIZE] = {
        E(CONNECT_OPEN, dispatch_connect_open, 0),
        E(CONNECT_CLOSE, dispatch_connect_close, 0),
        E(AUTH_LIST, dispatch_auth_list, NO_AUTH),
        E(AUTH_POLKIT, dispatch_auth_polkit, NO_AUTH | BLOCKING),
        E(CONNECT_SUPPORTS_FEATURE, dispatch_connect_supports_feature, 0),
        E(CONNECT_GET_URI, dispatch_connect_get_uri, NEED_CONN | CHECKED),
        E(CONNECT_GET_TYPE, dispatch_connect_get_type, NEED_CONN | CHECKED),
        E(CONNECT_GET_VERSION, dispatch_connect_get_version, NEED_CONN | BLOCKING),
        E(CONNECT_GET_LIB_VERSION, dispatch_connect_get_lib_version, CHECKED),
        E(CONNECT_GET_HOSTNAME, dispatch_connect_get_hostname, NEED_CONN | CHECKED),
        E(CONNECT_IS_SECURE, dispatch_connect_is_secure, NEED_CONN | CHECKED),
        E(CONNECT_GET_CAPABILITIES, dispatch_connect_get_capabilities, NEED_CONN | BLOCKING),
        E(CONNECT_GET_DOMAIN_CAPABILITIES, dispatch_connect_get_domain_capabilities,
          NEED_CONN | BLOCKING),
        E(CONNECT_GET_MAX_VCPUS, dispatch_connect_get_max_vcpus, NEED_CONN | CHECKED),
        E(NODE_GET_INFO, dispatch_node_get_info, NEED_CONN | BLOCKING),
        E(CONNECT_LIST_ALL_DOMAINS, dispatch_connect_list_all_domains, DOM_READ),
        E(CONNECT_NUM_OF_DOMAINS, dispatch_connect_num_of_domains, DOM_READ),
        E(CONNECT_LIST_DOMAINS, dispatch_connect_list_domains, DOM_READ),
        E(CONNECT_NUM_OF_DEFINED_DOMAINS, dispatch_connect_num_of_defined_domains, DOM_READ),
        E(CONNECT_LIST_DEFINED_DOMAINS, dispatch_connect_list_defined_domains, DOM_READ),
        E(DOMAIN_LOOKUP_BY_NAME, dispatch_domain_lookup_by_name, DOM_READ),
        E(DOMAIN_LOOKUP_BY_UUID, dispatch_domain_lookup_by_uuid, DOM_READ),
        E(DOMAIN_LOOKUP_BY_ID, dispatch_domain_lookup_by_id, DOM_READ),
        E(DOMAIN_DEFINE_XML, dispatch_domain_define_xml, DOM_WRITE),
        E(DOMAIN_DEFINE_XML_FLAGS, dispatch_domain_define_xml_flags, DOM_WRITE),
        E(DOMAIN_CREATE_XML, dispatch_domain_create_xml, DOM_WRITE),
        E(DOMAIN_CREATE, dispatch_domain_create, DOM_WRITE),
        E(DOMAIN_CREATE_WITH_FLAGS, dispatch_domain_create_with_flags, DOM_WRITE),
        E(DOMAIN_DESTROY, dispatch_domain_destroy, DOM_WRITE),
        E(DOMAIN_DESTROY_FLAGS, dispatch_domain_destroy_flags, DOM_WRITE),
        E(DOMAIN_SHUTDOWN, dispatch_domain_shutdown, DOM_WRITE),
        E(DOMAIN_SHUTDOWN_FLAGS, dispatch_domain_shutdown_flags, DOM_WRITE),
        E(DOMAIN_REBOOT, dispatch_domain_reboot, DOM_WRITE),
        E(DOMAIN_RESET, dispatch_domain_reset, DOM_WRITE),
        E(DOMAIN_SUSPEND, dispatch_domain_suspend, DOM_WRITE),
        E(DOMAIN_RESUME, dispatch_domain_resume, DOM_WRITE),
        E(DOMAIN_UNDEFINE, dispatch_domain_undefine, DOM_WRITE),
        E(DOMAIN_UNDEFINE_FLAGS, dispatch_domain_undefine_flags, DOM_WRITE),
        E(DOMAIN_GET_XML_DESC, dispatch_domain_get_xml_desc, DOM_READ),
        E(DOMAIN_GET_INFO, dispatch_domain_get_info, DOM_READ),
        E(DOMAIN_GET_STATE, dispatch_domain_get_state, DOM_READ),
        E(DOMAIN_GET_AUTOSTART, dispatch_domain_get_autostart, DOM_READ),
        E(DOMAIN_SET_AUTOSTART, dispatch_domain_set_autostart, DOM_WRITE),
        E(DOMAIN_IS_ACTIVE, dispatch_domain_is_active, DOM_READ),
        E(DOMAIN_IS_PERSISTENT, dispatch_domain_is_persistent, DOM_READ),
        E(DOMAIN_OPEN_CONSOLE, dispatch_domain_open_console, DOM_WRITE | STREAM),
        E(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, dispatch_connect_event_register_any,
          NEED_CONN),
        E(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, dispatch_connect_event_deregister_any,
          NEED_CONN),
        E(CONNECT_REGISTER_CLOSE_CALLBACK, dispatch_connect_register_close_callback,
          NEED_CONN | CHECKED),
        E(CONNECT_UNREGISTER_CLOSE_CALLBACK, dispatch_connect_unregister_close_callback,
          NEED_CONN | CHECKED),

        /* storage pools and volumes (dispatch_storage.c) */
        E(CONNECT_LIST_ALL_STORAGE_POOLS, dispatch_connect_list_all_storage_pools, DOM_READ),
        E(CONNECT_NUM_OF_STORAGE_POOLS, dispatch_connect_num_of_storage_pools, DOM_READ),
        E(CONNECT_LIST_STORAGE_POOLS, dispatch_connect_list_storage_pools, DOM_READ),
        E(CONNECT_NUM_OF_DEFINED_STORAGE_POOLS, dispatch_connect_num_of_defined_storage_pools,
          DOM_READ),
        E(CONNECT_LIST_DEFINED_STORAGE_POOLS, dispatch_connect_list_defined_storage_pools,
          DOM_READ),
        E(STORAGE_POOL_LOOKUP_BY_NAME, dispatch_storage_pool_lookup_by_name, DOM_READ),
        E(STORAGE_POOL_LOOKUP_BY_UUID, dispatch_storage_pool_lookup_by_uuid, DOM_READ),
        E(STORAGE_POOL_LOOKUP_BY_VOLUME, dispatch_storage_pool_lookup_by_volume, DOM_READ),
        E(STORAGE_POOL_DEFINE_XML, dispatch_storage_pool_define_xml, DOM_WRITE),
        E(STORAGE_POOL_CREATE_XML, dispatch_storage_pool_create_xml, DOM_WRITE),
        E(STORAGE_POOL_BUILD, dispatch_storage_pool_build, DOM_WRITE),
        E(STORAGE_POOL_CREATE, dispatch_storage_pool_create, DOM_WRITE),
        E(STORAGE_POOL_DESTROY, dispatch_storage_pool_destroy, DOM_WRITE),
        E(STORAGE_POOL_DELETE, dispatch_storage_pool_delete, DOM_WRITE),
        E(STORAGE_POOL_UNDEFINE, dispatch_storage_pool_undefine, DOM_WRITE),
        E(STORAGE_POOL_REFRESH, dispatch_storage_pool_refresh, DOM_WRITE),
        E(STORAGE_POOL_GET_INFO, dispatch_storage_pool_get_info, DOM_READ),
        E(STORAGE_POOL_GET_XML_DESC, dispatch_storage_pool_get_xml_desc, DOM_READ),
        E(STORAGE_POOL_GET_AUTOSTART, dispatch_storage_pool_get_autostart, DOM_READ),
        E(STORAGE_POOL_SET_AUTOSTART, dispatch_storage_pool_set_autostart, DOM_WRITE),
        E(STORAGE_POOL_IS_ACTIVE, dispatch_storage_pool_is_active, DOM_READ),
        E(STORAGE_POOL_IS_PERSISTENT, dispatch_storage_pool_is_persistent, DOM_READ),
        E(STORAGE_POOL_NUM_OF_VOLUMES, dispatch_storage_pool_num_of_volumes, DOM_READ),
        E(STORAGE_POOL_LIST_VOLUMES, dispatch_storage_pool_list_volumes, DOM_READ),
        E(STORAGE_POOL_LIST_ALL_VOLUMES, dispatch_storage_pool_list_all_volumes, DOM_READ),
        E(STORAGE_VOL_LOOKUP_BY_NAME, dispatch_storage_vol_lookup_by_name, DOM_READ),
        E(STORAGE_VOL_LOOKUP_BY_KEY, dispatch_storage_vol_lookup_by_key, DOM_READ),
        E(STORAGE_VOL_LOOKUP_BY_PATH, dispatch_storage_vol_lookup_by_path, DOM_READ),
        E(STORAGE_VOL_CREATE_XML, dispatch_storage_vol_create_xml, DOM_WRITE),
        E(STORAGE_VOL_CREATE_XML_FROM, dispatch_storage_vol_create_xml_from, DOM_WRITE),
        E(STORAGE_VOL_DELETE, dispatch_storage_vol_delete, DOM_WRITE),
        E(STORAGE_VOL_WIPE, dispatch_storage_vol_wipe, DOM_WRITE),
        E(STORAGE_VOL_RESIZE, dispatch_storage_vol_resize, DOM_WRITE),
        E(STORAGE_VOL_GET_INFO, dispatch_storage_vol_get_info, DOM_READ),
        E(STORAGE_VOL_GET_XML_DESC, dispatch_storage_vol_get_xml_desc, DOM_READ),
        E(STORAGE_VOL_GET_PATH, dispatch_storage_vol_get_path, DOM_READ),
        /* virtual networks (dispatch_network.c) */
        E(CONNECT_LIST_ALL_NETWORKS, dispatch_connect_list_all_networks, DOM_READ),
        E(CONNECT_NUM_OF_NETWORKS, dispatch_connect_num_of_networks, DOM_READ),
        E(CONNECT_LIST_NETWORKS, dispatch_connect_list_networks, DOM_READ),
        E(CONNECT_NUM_OF_DEFINED_NETWORKS, dispatch_connect_num_of_defined_networks, DOM_READ),
        E(CONNECT_LIST_DEFINED_NETWORKS, dispatch_connect_list_defined_networks, DOM_READ),
        E(NETWORK_LOOKUP_BY_NAME, dispatch_network_lookup_by_name, DOM_READ),
        E(NETWORK_LOOKUP_BY_UUID, dispatch_network_lookup_by_uuid, DOM_READ),
        E(NETWORK_DEFINE_XML, dispatch_network_define_xml, DOM_WRITE),
        E(NETWORK_CREATE_XML, dispatch_network_create_xml, DOM_WRITE),
        E(NETWORK_CREATE, dispatch_network_create, DOM_WRITE),
        E(NETWORK_DESTROY, dispatch_network_destroy, DOM_WRITE),
        E(NETWORK_UNDEFINE, dispatch_network_undefine, DOM_WRITE),
        E(NETWORK_GET_XML_DESC, dispatch_network_get_xml_desc, DOM_READ),
        E(NETWORK_GET_BRIDGE_NAME, dispatch_network_get_bridge_name, DOM_READ),
        E(NETWORK_GET_AUTOSTART, dispatch_network_get_autostart, DOM_READ),
        E(NETWORK_SET_AUTOSTART, dispatch_network_set_autostart, DOM_WRITE),
        E(NETWORK_IS_ACTIVE, dispatch_network_is_active, DOM_READ),
        E(NETWORK_IS_PERSISTENT, dispatch_network_is_persistent, DOM_READ),
        E(NETWORK_GET_DHCP_LEASES, dispatch_network_get_dhcp_leases, DOM_READ),
        E(DOMAIN_INTERFACE_ADDRESSES, dispatch_domain_interface_addresses, DOM_READ),
        E(CONNECT_NETWORK_EVENT_REGISTER_ANY, dispatch_connect_network_event_register_any,
          NEED_CONN),
        E(CONNECT_NETWORK_EVENT_DEREGISTER_ANY, dispatch_connect_network_event_deregister_any,
          NEED_CONN),
};

typedef struct dispatch_job {
        vctld_client *cl;
        vctl_rpc_msg *msg;
        const dispatch_entry *entry;
        const vctl_rpc_proc_info *info;
        dispatch_conn *conn;
} dispatch_job;

dispatch_conn *dispatch_conn_new(const vctl_driver *drv, drv_conn *dc, const char *uri)
{
        dispatch_conn *conn = g_new0(dispatch_conn, 1);

        conn->refs = 1;
        conn->drv = drv;
        conn->dc = dc;
        conn->uri = g_strdup(uri);
        return conn;
}

dispatch_conn *dispatch_conn_ref(dispatch_conn *conn)
{
        g_atomic_int_inc(&conn->refs);
        return conn;
}

void dispatch_conn_unref(dispatch_conn *conn)
{
        if (!conn || !g_atomic_int_dec_and_test(&conn->refs))
                return;
        if (conn->drv->close)
                conn->drv->close(conn->dc);
        g_free(conn->uri);
        g_free(conn);
}

gboolean dispatch_proc_is_mutating(int proc)
{
        return proc >= 0 && proc < DISPATCH_TABLE_SIZE && (dispatch_table[proc].flags & MUTATING);
}

void dispatch_proc_foreach(void (*fn)(int proc, const char *name, gboolean mutating, void *opaque),
                           void *opaque)
{
        for (int proc = 0; proc < DISPATCH_TABLE_SIZE; proc++) {
                const vctl_rpc_proc_info *info = vctl_rpc_proc_lookup(proc);

                if (dispatch_table[proc].fn && info)
                        fn(proc, info->name, (dispatch_table[proc].flags & MUTATING) != 0, opaque);
        }
}

static void dispatch_subject(dispatch_ctx *ctx, access_subject *ret)
{
        *ret = (access_subject){.uid = (uid_t)-1, .pid = 0};
        if (ctx->cl && ctx->cl->have_cred) {
                ret->uid = ctx->cl->cred.uid;
                ret->pid = ctx->cl->cred.pid;
                ret->start_time = ctx->cl->start_time;
        }
}

/* Bound on the details one check passes, connect_driver included. */
#define DISPATCH_MAX_DETAILS 16

int dispatch_access(dispatch_ctx *ctx, const char *object, const char *perm,
                    const access_detail *details)
{
        access_detail all[DISPATCH_MAX_DETAILS + 1];
        access_subject subj;
        int n = 0;

        if (!access_enabled())
                return 0;
        dispatch_subject(ctx, &subj);
        /* libvirt's rules can tell the drivers apart */
        if (ctx->conn)
                all[n++] = (access_detail){"connect_driver", ctx->conn->drv->type};
        for (const access_detail *d = details; d && d->key && n < DISPATCH_MAX_DETAILS; d++)
                all[n++] = *d;
        all[n] = (access_detail){NULL, NULL};
        return access_check(&subj, object, perm, all);
}

int dispatch_access_filter(dispatch_ctx *ctx, const char *object,
                           const access_detail *const *details, guint n, gboolean *ret_visible)
{
        g_autoptr(GPtrArray) all = NULL;
        access_subject subj;

        if (!access_enabled()) {
                for (guint i = 0; i < n; i++)
                        ret_visible[i] = TRUE;
                return 0;
        }
        dispatch_subject(ctx, &subj);
        /* each object's details with connect_driver first, as dispatch_access */
        all = g_ptr_array_new_full(n, g_free);
        for (guint i = 0; i < n; i++) {
                access_detail *d = g_new0(access_detail, DISPATCH_MAX_DETAILS + 1);
                int k = 0;

                if (ctx->conn)
                        d[k++] = (access_detail){"connect_driver", ctx->conn->drv->type};
                for (const access_detail *s = details[i]; s && s->key && k < DISPATCH_MAX_DETAILS;
                     s++)
                        d[k++] = *s;
                g_ptr_array_add(all, d);
        }
        return access_check_many(&subj, object, "getattr", (const access_detail *const *)all->pdata,
                                 n, ret_visible);
}

gboolean dispatch_access_visible(dispatch_ctx *ctx, const char *object,
                                 const access_detail *details)
{
        if (!access_enabled())
                return TRUE;
        if (dispatch_access(ctx, object, "getattr", details) < 0) {
                vctl_error_clear();
                return FALSE;
        }
        return TRUE;
}

int dispatch_unsupported(dispatch_ctx *ctx, const char *what)
{
        return vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_RPC,
                              /* TRANSLATORS: %s is what was asked ("listing domains", ...), then
                                 the driver ("qemu", "test") */
                              _("%s is not supported by the %s driver"), what,
                              ctx->conn ? ctx->conn->drv->type : _("connection"));
}

static void dispatch_encode_error(GByteArray *out, const vctl_rpc_header *call, guint32 max)
{
        const vctl_error *last = vctl_error_last();
        g_autoptr(vctl_error) fallback = NULL;

        if (!last) {
                fallback = vctl_error_new(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_RPC,
                                          _("procedure failed without giving a reason"));
                last = fallback;
        }
        if (vctl_rpc_encode_error(out, call, last, max) < 0) {
                g_autoptr(vctl_error) err = vctl_error_new(
                        last->code, last->domain, _("the error message was too long to send"));

                vctl_rpc_encode_error(out, call, err, max);
        }
}

/* Decodes, runs and encodes one call; the frame to send back. *ret_fd gets
 * the fd of a stream the call opened, or -1. */
static GByteArray *dispatch_run(vctld_client *cl, dispatch_conn *conn, const vctl_rpc_msg *msg,
                                const dispatch_entry *entry, const vctl_rpc_proc_info *info,
                                int *ret_fd)
{
        GByteArray *out = g_byte_array_new();
        g_autofree void *args = g_malloc0(MAX(info->args_size, 1));
        g_autofree void *ret = g_malloc0(MAX(info->ret_size, 1));
        dispatch_ctx ctx = {.cl = cl, .conn = conn, .call = &msg->header, .stream_fd = -1};
        int r;

        vctl_error_clear();
        r = vctl_rpc_msg_decode(msg, info->args_proc, args, info->args_size);
        if (r < 0) {
                g_autofree char *why = g_strdup(vctl_error_message());

                vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                               _("cannot decode the arguments of %s: %s"), info->name, why);
        } else {
                r = entry->fn(&ctx, args, ret);
                if (info->args_proc)
                        xdr_free(info->args_proc, args);
        }
        if (r == 0) {
                vctl_rpc_header hdr = msg->header;

                hdr.type = VCTL_RPC_REPLY;
                hdr.status = VCTL_RPC_OK;
                r = vctl_rpc_encode(out, &hdr, info->ret_proc, ret, cl->max_message);
        }
        if (info->ret_proc)
                xdr_free(info->ret_proc, ret);
        if (r < 0) {
                dispatch_encode_error(out, &msg->header, cl->max_message);
                if (ctx.stream_fd >= 0)
                        close(ctx.stream_fd);
                ctx.stream_fd = -1;
        }
        *ret_fd = ctx.stream_fd;
        return out;
}

static void dispatch_job_free(dispatch_job *job)
{
        client_unref(job->cl);
        vctl_rpc_msg_free(job->msg);
        dispatch_conn_unref(job->conn);
        g_free(job);
}

void dispatch_job_run(gpointer data, gpointer user_data)
{
        dispatch_job *job = data;
        int fd = -1;
        GByteArray *out = dispatch_run(job->cl, job->conn, job->msg, job->entry, job->info, &fd);

        if (fd >= 0)
                client_post_stream(job->cl, out, &job->msg->header, fd);
        else
                client_post(job->cl, out, TRUE);
        dispatch_job_free(job);
        vctl_error_clear();
}

static void dispatch_send_error(vctld_client *cl, const vctl_rpc_header *call)
{
        g_autoptr(GByteArray) out = g_byte_array_new();

        dispatch_encode_error(out, call, cl->max_message);
        client_send(cl, out->data, out->len);
        vctl_error_clear();
}

int dispatch_message(vctld_client *cl, vctl_rpc_msg *msg)
{
        g_autoptr(vctl_rpc_msg) owned = msg;
        const vctl_rpc_header *h = &msg->header;
        const dispatch_entry *entry = NULL;
        const vctl_rpc_proc_info *info;
        gboolean on_worker;
        char desc[128];

        if (h->type == VCTL_RPC_STREAM || h->type == VCTL_RPC_STREAM_HOLE)
                return stream_handle_message(cl, g_steal_pointer(&owned));
        if (h->type != VCTL_RPC_CALL || h->status != VCTL_RPC_OK) {
                log_warning(_("%s: message of type %d, status %d for procedure %d where a call was "
                              "expected; dropping the client"),
                            client_describe(cl, desc, sizeof(desc)), h->type, h->status, h->proc);
                return -1;
        }
        if (h->proc >= 0 && h->proc < DISPATCH_TABLE_SIZE)
                entry = &dispatch_table[h->proc];
        info = vctl_rpc_proc_lookup(h->proc);
        if (!entry || !entry->fn || !info) {
                g_autoptr(GByteArray) out = g_byte_array_new();

                log_debug("%s: unsupported procedure %d", client_describe(cl, desc, sizeof(desc)),
                          h->proc);
                vctl_rpc_encode_unsupported(out, h, cl->max_message);
                client_send(cl, out->data, out->len);
                return 0;
        }
        if (!(entry->flags & NO_AUTH) && !dispatch_auth_done(cl)) {
                vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_RPC,
                               _("authentication required before %s: this socket asks users other "
                                 "than root to pass polkit first (AUTH_LIST, then AUTH_POLKIT)"),
                               info->name);
                dispatch_send_error(cl, h);
                return 0;
        }
        if (cl->readonly && (entry->flags & MUTATING)) {
                vctl_error_set(VCTL_ERR_OPERATION_DENIED, VCTL_FROM_RPC,
                               _("operation forbidden: read-only connection cannot call %s"),
                               info->name);
                dispatch_send_error(cl, h);
                return 0;
        }
        if ((entry->flags & NEED_CONN) && !cl->conn) {
                vctl_error_set(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_RPC,
                               _("connection not open: call CONNECT_OPEN first (before %s)"),
                               info->name);
                dispatch_send_error(cl, h);
                return 0;
        }
        if ((entry->flags & STREAM) && stream_check_new(cl, h) < 0) {
                dispatch_send_error(cl, h);
                return 0;
        }
        on_worker = (entry->flags & BLOCKING) || ((entry->flags & CHECKED) && access_enabled() &&
                                                  !(cl->have_cred && cl->cred.uid == 0));
        log_debug("%s: %s (serial %u)%s", client_describe(cl, desc, sizeof(desc)), info->name,
                  h->serial, on_worker ? " on a worker" : "");
        if (on_worker) {
                dispatch_job *job = g_new0(dispatch_job, 1);
                g_autoptr(GError) err = NULL;

                job->cl = client_ref(cl);
                job->msg = g_steal_pointer(&owned);
                job->entry = entry;
                job->info = info;
                job->conn = cl->conn ? dispatch_conn_ref(cl->conn) : NULL;
                cl->inflight++;
                if (!g_thread_pool_push(cl->srv->pool, job, &err)) {
                        cl->inflight--;
                        log_error(_("cannot queue %s: %s"), info->name, err->message);
                        vctl_error_set(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_RPC,
                                       _("cannot queue %s: %s"), info->name, err->message);
                        dispatch_send_error(cl, &job->msg->header);
                        dispatch_job_free(job);
                }
                return 0;
        } else {
                int fd = -1;
                g_autoptr(GByteArray) out = dispatch_run(cl, cl->conn, msg, entry, info, &fd);

                client_send(cl, out->data, out->len);
                if (fd >= 0)
                        stream_start(cl, h, fd);
                vctl_error_clear();
                return 0;
        }
}
