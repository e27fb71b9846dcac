/* libvctl's insides: the connection and domain objects, shared by the files
 * of lib/ (never installed). */
#pragma once

#include <glib.h>

#include "driver/driver.h"
#include "lib/local.h"
#include "lib/remote.h"
#include "lib/uri.h"
#include "lib/util/uuid.h"
#include "lib/vctl.h"

struct vctl_conn {
        gint refs;   /* the caller's, and one per vctl_domain */
        gint closed; /* atomic: vctl_conn_close ran */
        unsigned int flags;
        vctl_uri *uri;

        /* in-process (test:///default) ... */
        const vctl_driver *driver;
        drv_conn *drv;
        /* ... or a vctld */
        remote_conn *remote;

        /* events and the close callback, delivered by one dispatcher thread */
        GMutex ev_lock;
        GHashTable *callbacks; /* id -> conn_callback */
        GAsyncQueue *queue;    /* of conn_event */
        GThread *dispatcher;
        vctl_close_cb close_cb;
        void *close_opaque;
        vctl_free_cb close_free;
};

struct vctl_domain {
        vctl_conn *conn; /* a reference, except for the domain handed to callbacks */
        drv_domain *d;
};

vctl_conn *conn_ref(vctl_conn *conn);
void conn_unref(vctl_conn *conn);
/* Clears the thread's last error; fails (-1) on NULL or a closed conn. */
int conn_check(vctl_conn *conn);
/* Fails with VCTL_ERR_OPERATION_DENIED on a read-only connection. */
int conn_check_writable(vctl_conn *conn, const char *what);
vctl_domain *domain_wrap(vctl_conn *conn, drv_domain *d); /* takes d */

/* The operation op of the connection's backend, with the driver table's
 * arguments: the in-process driver, or its RPC twin remote_op_<op>. */
#define CONN_OP(conn, op, ...)                                                                     \
        ((conn)->remote ? remote_op_##op((conn)->remote, __VA_ARGS__)                              \
                        : (conn)->driver->op((conn)->drv, __VA_ARGS__))

/* event.c */
void event_start(vctl_conn *conn);
/* After the backend is closed: drains and stops the dispatcher, drops every
 * callback (their free functions run here). */
void event_stop(vctl_conn *conn);
/* remote_event_fn and remote_lost_fn, opaque being the vctl_conn */
void event_remote_lifecycle(int callback_id, const drv_domain *dom, int event, int detail,
                            void *opaque);
void event_remote_lost(int reason, void *opaque);

/* event.c, for local.c: queues an event for cb (from any thread) */
void event_push_local(conn_callback *cb, const drv_domain *dom, int event, int detail);
conn_callback *event_callback_ref(conn_callback *cb);
void event_callback_unref(conn_callback *cb);

/* ---- object handles ----
 * vctl_domain, vctl_network, vctl_storage_pool and vctl_storage_vol are each a
 * reference on their connection and the driver's object they own:
 * struct T { vctl_conn *conn; DRV *FIELD; }. HANDLE_FUNCS(SCOPE, T, DRV, FIELD,
 * DRV_FREE, WRAP, FREE, LIST_FREE) defines their common functions once:
 *   SCOPE T *WRAP(vctl_conn *conn, DRV *obj): a handle taking obj (NULL for NULL);
 *   static int WRAP##_list(conn, GPtrArray *list, T ***ret): the list's objects
 *     (taken) as a NULL-terminated array of handles in *ret (ret NULL: none);
 *     the list's length;
 *   void FREE(T *h), void LIST_FREE(T **list): the public free functions. */
#define HANDLE_FUNCS(SCOPE, T, DRV, FIELD, DRV_FREE, WRAP, FREE, LIST_FREE)                        \
        SCOPE T *WRAP(vctl_conn *conn, DRV *obj)                                                   \
        {                                                                                          \
                T *h;                                                                              \
                                                                                                   \
                if (!obj)                                                                          \
                        return NULL;                                                               \
                h = g_new0(T, 1);                                                                  \
                h->conn = conn_ref(conn);                                                          \
                h->FIELD = obj;                                                                    \
                return h;                                                                          \
        }                                                                                          \
                                                                                                   \
        static int WRAP##_list(vctl_conn *conn, GPtrArray *list, T ***ret)                         \
        {                                                                                          \
                T **handles;                                                                       \
                                                                                                   \
                if (!ret)                                                                          \
                        return (int)list->len;                                                     \
                handles = g_new0(T *, list->len + 1);                                              \
                for (guint i = 0; i < list->len; i++)                                              \
                        handles[i] = WRAP(conn, g_ptr_array_index(list, i));                       \
                /* the handles own the elements now */                                             \
                g_ptr_array_set_free_func(list, NULL);                                             \
                *ret = handles;                                                                    \
                return (int)list->len;                                                             \
        }                                                                                          \
                                                                                                   \
        void FREE(T *h)                                                                            \
        {                                                                                          \
                if (!h)                                                                            \
                        return;                                                                    \
                DRV_FREE(h->FIELD);                                                                \
                conn_unref(h->conn);                                                               \
                g_free(h);                                                                         \
        }                                                                                          \
                                                                                                   \
        void LIST_FREE(T **list)                                                                   \
        {                                                                                          \
                if (!list)                                                                         \
                        return;                                                                    \
                for (T **p = list; *p; p++)                                                        \
                        FREE(*p);                                                                  \
                g_free(list);                                                                      \
        }

/* Parses a UUID argument of a lookup into raw; fails with VCTL_ERR_INVALID_ARG
 * naming it (domain.c). */
int handle_uuid_parse(const char *uuid, unsigned char raw[VCTL_UUID_LEN]);
