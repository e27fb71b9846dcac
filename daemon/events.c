/* Lifecycle events. The driver calls us from whatever thread changed a
 * domain; we encode the message there and hand it to the main loop. */
#include <config.h>

#include "daemon/access.h"
#include "daemon/dispatch.h"
#include "daemon/events.h"
#include "driver/network/network_driver.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <string.h>

/* the only event ID vctld serves: VIR_DOMAIN_EVENT_ID_LIFECYCLE */
#define EVENTS_ID_LIFECYCLE 0
/* registrations per client; libvirt's clients need one per event ID */
#define EVENTS_MAX_PER_CLIENT 256

typedef struct events_entry {
        int drv_id;
        dispatch_conn *conn;
        gboolean network; /* a network event registration (events_network_*) */
} events_entry;

typedef struct events_sink {
        vctld_client *cl;
        int callback_id;
        const char *drv_type; /* connect_driver, for the access check */
} events_sink;

/* With access_drivers = polkit, an event reaches only a client that may
 * getattr its domain (libvirt's event filter). Asking polkit may take a
 * while, and the driver's thread must not wait: one thread, so the order
 * of the events stays. */
typedef struct events_filter_job {
        vctld_client *cl;
        GByteArray *frame;
        const char *drv_type;
        char *name;
        char uuid[VCTL_UUID_STRING_LEN];
} events_filter_job;

static GThreadPool *events_filter_pool;
static GMutex events_filter_lock;

static void events_filter_run(gpointer data, gpointer user_data)
{
        events_filter_job *job = data;
        vctld_client *cl = job->cl;
        access_subject subj = {.uid = cl->have_cred ? cl->cred.uid : (uid_t)-1,
                               .pid = cl->have_cred ? cl->cred.pid : 0,
                               .start_time = cl->start_time};
        access_detail details[] = {
                {"connect_driver", job->drv_type},
                {"domain_name", job->name},
                {"domain_uuid", job->uuid},
                {NULL, NULL},
        };

        (void)user_data;
        if (access_check(&subj, "domain", "getattr", details) == 0)
                client_post(cl, g_steal_pointer(&job->frame), FALSE);
        vctl_error_clear();
        if (job->frame)
                g_byte_array_unref(job->frame);
        client_unref(cl);
        g_free(job->name);
        g_free(job);
}

/* Takes frame. */
static void events_deliver(events_sink *sink, const drv_domain *dom, GByteArray *frame)
{
        vctld_client *cl = sink->cl;
        events_filter_job *job;

        if (!access_enabled() || (cl->have_cred && cl->cred.uid == 0)) {
                client_post(cl, frame, FALSE);
                return;
        }
        g_mutex_lock(&events_filter_lock);
        if (!events_filter_pool)
                events_filter_pool = g_thread_pool_new(events_filter_run, NULL, 1, FALSE, NULL);
        g_mutex_unlock(&events_filter_lock);
        job = g_new0(events_filter_job, 1);
        job->cl = client_ref(cl);
        job->frame = frame;
        job->drv_type = sink->drv_type;
        job->name = g_strdup(dom->name);
        vctl_uuid_format(dom->uuid, job->uuid);
        g_thread_pool_push(events_filter_pool, job, NULL);
}

static void events_sink_free(gpointer data)
{
        events_sink *sink = data;

        client_unref(sink->cl);
        g_free(sink);
}

static void events_on_lifecycle(const drv_domain *dom, int event, int detail, void *opaque)
{
        events_sink *sink = opaque;
        remote_domain_event_callback_lifecycle_msg msg = {
                .callbackID = sink->callback_id,
                .msg = {.dom = {.name = dom->name, .id = dom->id},
                        .event = event,
                        .detail = detail},
        };
        vctl_rpc_header hdr = {
                .prog = REMOTE_PROGRAM,
                .vers = REMOTE_PROTOCOL_VERSION,
                .proc = REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
                .type = VCTL_RPC_MESSAGE,
                .serial = 0,
                .status = VCTL_RPC_OK,
        };
        GByteArray *frame = g_byte_array_new();

        memcpy(msg.msg.dom.uuid, dom->uuid, sizeof(msg.msg.dom.uuid));
        if (vctl_rpc_encode(frame, &hdr, (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg,
                            &msg, sink->cl->max_message) < 0) {
                log_warning(_("cannot encode a lifecycle event of domain '%s': %s"), dom->name,
                            vctl_error_message());
                g_byte_array_unref(frame);
                return;
        }
        events_deliver(sink, dom, frame);
}

int events_register(vctld_client *cl, int event_id, const drv_domain *dom, int *ret_callback_id)
{
        dispatch_conn *conn = cl->conn;
        events_sink *sink;
        events_entry *entry;
        int drv_id;

        if (event_id != EVENTS_ID_LIFECYCLE)
                return vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_RPC,
                                      _("domain event %d is not supported by vctld (only "
                                        "lifecycle events, ID 0, are)"),
                                      event_id);
        if (!conn->drv->event_register)
                return vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_RPC,
                                      _("the %s driver has no domain events"), conn->drv->type);
        if (g_hash_table_size(cl->events) >= EVENTS_MAX_PER_CLIENT)
                return vctl_error_set(VCTL_ERR_OPERATION_DENIED, VCTL_FROM_RPC,
                                      _("too many event callbacks on one connection (at most %d)"),
                                      EVENTS_MAX_PER_CLIENT);
        sink = g_new0(events_sink, 1);
        sink->cl = client_ref(cl);
        sink->callback_id = cl->next_callback_id;
        sink->drv_type = conn->drv->type;
        drv_id = conn->drv->event_register(conn->dc, dom, events_on_lifecycle, sink,
                                           events_sink_free);
        if (drv_id < 0) {
                events_sink_free(sink); /* a refused registration keeps nothing */
                return -1;
        }
        entry = g_new0(events_entry, 1);
        entry->drv_id = drv_id;
        entry->conn = dispatch_conn_ref(conn);
        g_hash_table_insert(cl->events, GINT_TO_POINTER(cl->next_callback_id), entry);
        *ret_callback_id = cl->next_callback_id++;
        return 0;
}

static void events_entry_drop(events_entry *entry)
{
        if (entry->network) {
                const vctl_network_driver *nd = entry->conn->drv->network;

                if (nd && nd->event_deregister)
                        nd->event_deregister(entry->conn->dc, entry->drv_id);
        } else if (entry->conn->drv->event_deregister)
                entry->conn->drv->event_deregister(entry->conn->dc, entry->drv_id);
        dispatch_conn_unref(entry->conn);
        entry->conn = NULL;
}

int events_deregister(vctld_client *cl, int callback_id)
{
        events_entry *entry = g_hash_table_lookup(cl->events, GINT_TO_POINTER(callback_id));

        if (!entry || entry->network)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                                      _("no domain event callback with ID %d on this connection"),
                                      callback_id);
        events_entry_drop(entry);
        g_hash_table_remove(cl->events, GINT_TO_POINTER(callback_id));
        return 0;
}

void events_clear(vctld_client *cl)
{
        GHashTableIter iter;
        gpointer value;

        g_hash_table_iter_init(&iter, cl->events);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
                events_entry_drop(value);
                g_hash_table_iter_remove(&iter);
        }
}

/* ---- network lifecycle events (NETWORK_EVENT_LIFECYCLE) ---- */

static void events_on_network(const drv_network *net, int event, int detail, void *opaque)
{
        events_sink *sink = opaque;
        remote_network_event_lifecycle_msg msg = {
                .callbackID = sink->callback_id,
                .net = {.name = net->name},
                .event = event,
                .detail = detail,
        };
        vctl_rpc_header hdr = {
                .prog = REMOTE_PROGRAM,
                .vers = REMOTE_PROTOCOL_VERSION,
                .proc = REMOTE_PROC_NETWORK_EVENT_LIFECYCLE,
                .type = VCTL_RPC_MESSAGE,
                .serial = 0,
                .status = VCTL_RPC_OK,
        };
        GByteArray *frame = g_byte_array_new();

        memcpy(msg.net.uuid, net->uuid, sizeof(msg.net.uuid));
        if (vctl_rpc_encode(frame, &hdr, (xdrproc_t)xdr_remote_network_event_lifecycle_msg, &msg,
                            sink->cl->max_message) < 0) {
                log_warning(_("cannot encode a lifecycle event of network '%s': %s"), net->name,
                            vctl_error_message());
                g_byte_array_unref(frame);
                return;
        }
        client_post(sink->cl, frame, FALSE);
}

int events_network_register(vctld_client *cl, int event_id, const drv_network *net,
                            int *ret_callback_id)
{
        dispatch_conn *conn = cl->conn;
        const vctl_network_driver *nd = conn->drv->network;
        events_sink *sink;
        events_entry *entry;
        int drv_id;

        if (event_id != EVENTS_ID_LIFECYCLE)
                return vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_RPC,
                                      _("network event %d is not supported by vctld (only "
                                        "lifecycle events, ID 0, are)"),
                                      event_id);
        if (!nd || !nd->event_register)
                return vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_RPC,
                                      _("the %s driver has no network events"), conn->drv->type);
        if (g_hash_table_size(cl->events) >= EVENTS_MAX_PER_CLIENT)
                return vctl_error_set(VCTL_ERR_OPERATION_DENIED, VCTL_FROM_RPC,
                                      _("too many event callbacks on one connection (at most "
                                        "%d)"),
                                      EVENTS_MAX_PER_CLIENT);
        sink = g_new0(events_sink, 1);
        sink->cl = client_ref(cl);
        sink->callback_id = cl->next_callback_id;
        drv_id = nd->event_register(conn->dc, net, events_on_network, sink, events_sink_free);
        if (drv_id < 0)
                return -1; /* the driver freed sink */
        entry = g_new0(events_entry, 1);
        entry->drv_id = drv_id;
        entry->conn = dispatch_conn_ref(conn);
        entry->network = TRUE;
        g_hash_table_insert(cl->events, GINT_TO_POINTER(cl->next_callback_id), entry);
        *ret_callback_id = cl->next_callback_id++;
        return 0;
}

int events_network_deregister(vctld_client *cl, int callback_id)
{
        events_entry *entry = g_hash_table_lookup(cl->events, GINT_TO_POINTER(callback_id));

        if (!entry || !entry->network)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                                      _("no network event callback with ID %d on this "
                                        "connection"),
                                      callback_id);
        events_entry_drop(entry);
        g_hash_table_remove(cl->events, GINT_TO_POINTER(callback_id));
        return 0;
}
