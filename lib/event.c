/* Domain lifecycle callbacks and the close callback of a connection. Every
 * callback runs in the connection's dispatcher thread, one at a time and in
 * the order the events happened: never in the RPC reader thread (a callback
 * may call the API) and never under a driver lock. */
#include "config.h"

#include "lib/libvctl_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

struct conn_callback {
        gint refs;
        gint removed; /* atomic: deregistered, deliver nothing more */
        int id;
        GAsyncQueue *queue; /* a reference: drivers may emit after the conn is gone */
        vctl_domain_event_cb fn;
        void *opaque;
        vctl_free_cb free_opaque;
};

typedef enum {
        EVENT_LIFECYCLE,
        EVENT_CLOSED,
        EVENT_STOP,
} event_kind;

typedef struct conn_event {
        event_kind kind;
        conn_callback *cb; /* in-process events name their callback... */
        int remote_id;     /* ... remote ones the daemon's callbackID */
        drv_domain *dom;
        int event, detail; /* detail: the close reason for EVENT_CLOSED */
} conn_event;

conn_callback *event_callback_ref(conn_callback *cb)
{
        g_atomic_int_inc(&cb->refs);
        return cb;
}

void event_callback_unref(conn_callback *cb)
{
        if (!cb || !g_atomic_int_dec_and_test(&cb->refs))
                return;
        if (cb->free_opaque)
                cb->free_opaque(cb->opaque);
        g_async_queue_unref(cb->queue);
        g_free(cb);
}

static void event_free(conn_event *ev)
{
        event_callback_unref(ev->cb);
        drv_domain_free(ev->dom);
        g_free(ev);
}

static void event_push(GAsyncQueue *queue, event_kind kind, conn_callback *cb, int remote_id,
                       const drv_domain *dom, int event, int detail)
{
        conn_event *ev = g_new0(conn_event, 1);

        ev->kind = kind;
        ev->cb = cb ? event_callback_ref(cb) : NULL;
        ev->remote_id = remote_id;
        ev->dom = drv_domain_copy(dom);
        ev->event = event;
        ev->detail = detail;
        g_async_queue_push(queue, ev);
}

void event_push_local(conn_callback *cb, const drv_domain *dom, int event, int detail)
{
        event_push(cb->queue, EVENT_LIFECYCLE, cb, -1, dom, event, detail);
}

void event_remote_lifecycle(int callback_id, const drv_domain *dom, int event, int detail,
                            void *opaque)
{
        vctl_conn *conn = opaque;

        event_push(conn->queue, EVENT_LIFECYCLE, NULL, callback_id, dom, event, detail);
}

void event_remote_lost(int reason, void *opaque)
{
        vctl_conn *conn = opaque;

        event_push(conn->queue, EVENT_CLOSED, NULL, -1, NULL, 0, reason);
}

static void event_deliver(vctl_conn *conn, conn_event *ev)
{
        conn_callback *cb = NULL;

        if (ev->cb) {
                cb = event_callback_ref(ev->cb);
        } else {
                /* a registration still waiting for its reply holds ev_lock, so
                 * an event that overtook it waits here until the id is known */
                g_mutex_lock(&conn->ev_lock);
                cb = g_hash_table_lookup(conn->callbacks, GINT_TO_POINTER(ev->remote_id));
                if (cb)
                        event_callback_ref(cb);
                g_mutex_unlock(&conn->ev_lock);
        }
        if (cb && !g_atomic_int_get(&cb->removed)) {
                vctl_domain dom = {.conn = conn, .d = ev->dom};

                cb->fn(conn, &dom, ev->event, ev->detail, cb->opaque);
        }
        event_callback_unref(cb);
}

static void event_closed(vctl_conn *conn, int reason)
{
        vctl_close_cb fn;
        void *opaque;

        g_mutex_lock(&conn->ev_lock);
        fn = conn->close_cb;
        opaque = conn->close_opaque;
        g_mutex_unlock(&conn->ev_lock);
        if (fn)
                fn(conn, reason, opaque);
}

static gpointer event_dispatch_main(gpointer data)
{
        vctl_conn *conn = data;

        for (;;) {
                conn_event *ev = g_async_queue_pop(conn->queue);
                event_kind kind = ev->kind;

                if (kind == EVENT_LIFECYCLE)
                        event_deliver(conn, ev);
                else if (kind == EVENT_CLOSED)
                        event_closed(conn, ev->detail);
                event_free(ev);
                if (kind == EVENT_STOP)
                        break;
        }
        vctl_error_clear();
        return NULL;
}

static void event_callback_drop(gpointer data)
{
        conn_callback *cb = data;

        g_atomic_int_set(&cb->removed, 1);
        event_callback_unref(cb);
}

void event_start(vctl_conn *conn)
{
        g_mutex_init(&conn->ev_lock);
        conn->callbacks = g_hash_table_new_full(NULL, NULL, NULL, event_callback_drop);
        conn->queue = g_async_queue_new_full((GDestroyNotify)event_free);
        conn->dispatcher = g_thread_new("vctl-events", event_dispatch_main, conn);
}

void event_stop(vctl_conn *conn)
{
        if (!conn->dispatcher)
                return;
        event_push(conn->queue, EVENT_STOP, NULL, -1, NULL, 0, 0);
        g_thread_join(conn->dispatcher);
        conn->dispatcher = NULL;
        g_hash_table_unref(conn->callbacks);
        conn->callbacks = NULL;
        if (conn->close_free)
                conn->close_free(conn->close_opaque);
        conn->close_cb = NULL;
        conn->close_free = NULL;
        g_async_queue_unref(conn->queue);
        conn->queue = NULL;
        g_mutex_clear(&conn->ev_lock);
}

/* ---- the public API ---- */

int vctl_conn_domain_event_register(vctl_conn *conn, vctl_domain *dom, vctl_domain_event_cb fn,
                                    void *opaque, vctl_free_cb free_opaque)
{
        conn_callback *cb;
        int id;

        if (conn_check(conn) < 0)
                return -1;
        if (!fn)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("cannot register a domain event callback without a "
                                        "function"));
        if (dom && dom->conn != conn)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("domain '%s' belongs to another connection"), dom->d->name);
        cb = g_new0(conn_callback, 1);
        cb->refs = 1;
        cb->queue = g_async_queue_ref(conn->queue);
        cb->fn = fn;
        cb->opaque = opaque;
        cb->free_opaque = free_opaque;

        g_mutex_lock(&conn->ev_lock);
        if (conn->remote)
                id = remote_op_event_register(conn->remote, dom ? dom->d : NULL);
        else
                id = local_event_register(conn, dom ? dom->d : NULL, cb);
        if (id >= 0) {
                cb->id = id;
                g_hash_table_insert(conn->callbacks, GINT_TO_POINTER(id), cb);
        }
        g_mutex_unlock(&conn->ev_lock);
        if (id < 0) {
                /* the caller keeps its opaque on failure, as with libvirt */
                cb->free_opaque = NULL;
                event_callback_unref(cb);
        }
        return id;
}

int vctl_conn_domain_event_deregister(vctl_conn *conn, int callback_id)
{
        conn_callback *cb;
        int r;

        if (conn_check(conn) < 0)
                return -1;
        g_mutex_lock(&conn->ev_lock);
        cb = g_hash_table_lookup(conn->callbacks, GINT_TO_POINTER(callback_id));
        if (cb)
                g_hash_table_steal(conn->callbacks, GINT_TO_POINTER(callback_id));
        g_mutex_unlock(&conn->ev_lock);
        if (!cb)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("no domain event callback with id %d on this connection"),
                                      callback_id);
        g_atomic_int_set(&cb->removed, 1);
        if (conn->remote)
                r = remote_op_event_deregister(conn->remote, callback_id);
        else
                r = local_event_deregister(conn, callback_id);
        event_callback_unref(cb);
        return r < 0 ? -1 : 0;
}

int vctl_conn_register_close_callback(vctl_conn *conn, vctl_close_cb fn, void *opaque,
                                      vctl_free_cb free_opaque)
{
        if (conn_check(conn) < 0)
                return -1;
        if (!fn)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("cannot register a close callback without a function"));
        g_mutex_lock(&conn->ev_lock);
        if (conn->close_cb) {
                g_mutex_unlock(&conn->ev_lock);
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NONE,
                                      _("a close callback is already registered on this "
                                        "connection (unregister it first)"));
        }
        conn->close_cb = fn;
        conn->close_opaque = opaque;
        conn->close_free = free_opaque;
        g_mutex_unlock(&conn->ev_lock);
        return 0;
}

int vctl_conn_unregister_close_callback(vctl_conn *conn, vctl_close_cb fn)
{
        vctl_free_cb free_fn;
        void *opaque;

        if (conn_check(conn) < 0)
                return -1;
        g_mutex_lock(&conn->ev_lock);
        if (!conn->close_cb || conn->close_cb != fn) {
                g_mutex_unlock(&conn->ev_lock);
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("this close callback is not registered on the connection"));
        }
        free_fn = conn->close_free;
        opaque = conn->close_opaque;
        conn->close_cb = NULL;
        conn->close_opaque = NULL;
        conn->close_free = NULL;
        g_mutex_unlock(&conn->ev_lock);
        /* as with libvirt, unregistering while the callback runs in the
         * dispatcher thread is the caller's race */
        if (free_fn)
                free_fn(opaque);
        return 0;
}
