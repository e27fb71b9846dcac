/* Domain lifecycle event callbacks: registration and delivery. */
#include "config.h"

#include "driver/domain_event.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <limits.h>
#include <string.h>

typedef struct event_cb {
        gint refs;
        int id;
        const void *owner;
        gboolean has_uuid;
        unsigned char uuid[VCTL_UUID_LEN];
        drv_domain_event_fn fn;
        void *opaque;
        GDestroyNotify free_opaque;
} event_cb;

struct domain_event_registry {
        GMutex lock;
        GPtrArray *cbs; /* of event_cb, each holding one reference */
        int next_id;
};

static event_cb *event_cb_ref(event_cb *cb)
{
        g_atomic_int_inc(&cb->refs);
        return cb;
}

static void event_cb_unref(event_cb *cb)
{
        if (!g_atomic_int_dec_and_test(&cb->refs))
                return;
        if (cb->free_opaque)
                cb->free_opaque(cb->opaque);
        g_free(cb);
}

domain_event_registry *domain_event_registry_new(void)
{
        domain_event_registry *reg = g_new0(domain_event_registry, 1);

        g_mutex_init(&reg->lock);
        reg->cbs = g_ptr_array_new_with_free_func((GDestroyNotify)event_cb_unref);
        return reg;
}

void domain_event_registry_free(domain_event_registry *reg)
{
        if (!reg)
                return;
        g_ptr_array_unref(reg->cbs);
        g_mutex_clear(&reg->lock);
        g_free(reg);
}

int domain_event_register(domain_event_registry *reg, const void *owner, const drv_domain *dom,
                          drv_domain_event_fn fn, void *opaque, GDestroyNotify free_opaque)
{
        event_cb *cb;

        if (!fn)
                return vctl_error_set(
                        VCTL_ERR_INVALID_ARG, VCTL_FROM_DOMAIN,
                        _("cannot register a domain event callback without a function"));
        g_mutex_lock(&reg->lock);
        if (reg->next_id == INT_MAX) {
                g_mutex_unlock(&reg->lock);
                return vctl_error_set(VCTL_ERR_OVERFLOW, VCTL_FROM_DOMAIN,
                                      _("no domain event callback ids left on this connection"));
        }
        cb = g_new0(event_cb, 1);
        cb->refs = 1;
        cb->id = reg->next_id++;
        cb->owner = owner;
        if (dom) {
                cb->has_uuid = TRUE;
                memcpy(cb->uuid, dom->uuid, VCTL_UUID_LEN);
        }
        cb->fn = fn;
        cb->opaque = opaque;
        cb->free_opaque = free_opaque;
        g_ptr_array_add(reg->cbs, cb);
        g_mutex_unlock(&reg->lock);
        return cb->id;
}

int domain_event_deregister(domain_event_registry *reg, const void *owner, int id)
{
        event_cb *found = NULL;

        g_mutex_lock(&reg->lock);
        for (guint i = 0; i < reg->cbs->len; i++) {
                event_cb *cb = g_ptr_array_index(reg->cbs, i);

                if (cb->id == id && cb->owner == owner) {
                        found = g_ptr_array_steal_index(reg->cbs, i);
                        break;
                }
        }
        g_mutex_unlock(&reg->lock);
        if (!found)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_DOMAIN,
                                      _("no domain event callback with id %d on this connection"),
                                      id);
        /* outside the lock: free_opaque may do anything */
        event_cb_unref(found);
        return 0;
}

void domain_event_deregister_owner(domain_event_registry *reg, const void *owner)
{
        g_autoptr(GPtrArray) removed =
                g_ptr_array_new_with_free_func((GDestroyNotify)event_cb_unref);

        g_mutex_lock(&reg->lock);
        for (guint i = 0; i < reg->cbs->len;) {
                event_cb *cb = g_ptr_array_index(reg->cbs, i);

                if (cb->owner == owner)
                        g_ptr_array_add(removed, g_ptr_array_steal_index(reg->cbs, i));
                else
                        i++;
        }
        g_mutex_unlock(&reg->lock);
}

guint domain_event_count(domain_event_registry *reg)
{
        guint n;

        g_mutex_lock(&reg->lock);
        n = reg->cbs->len;
        g_mutex_unlock(&reg->lock);
        return n;
}

void domain_event_emit(domain_event_registry *reg, const drv_domain *dom, int event, int detail)
{
        g_autoptr(GPtrArray) todo = g_ptr_array_new_with_free_func((GDestroyNotify)event_cb_unref);

        g_mutex_lock(&reg->lock);
        for (guint i = 0; i < reg->cbs->len; i++) {
                event_cb *cb = g_ptr_array_index(reg->cbs, i);

                if (cb->has_uuid && memcmp(cb->uuid, dom->uuid, VCTL_UUID_LEN) != 0)
                        continue;
                g_ptr_array_add(todo, event_cb_ref(cb));
        }
        g_mutex_unlock(&reg->lock);
        for (guint i = 0; i < todo->len; i++) {
                event_cb *cb = g_ptr_array_index(todo, i);

                cb->fn(dom, event, detail, cb->opaque);
        }
}

/* ---- queue ---- */

typedef struct queued_event {
        drv_domain *dom;
        int event, detail;
} queued_event;

struct domain_event_queue {
        GArray *events; /* of queued_event */
};

static void queued_event_clear(queued_event *ev)
{
        drv_domain_free(ev->dom);
}

domain_event_queue *domain_event_queue_new(void)
{
        domain_event_queue *q = g_new0(domain_event_queue, 1);

        q->events = g_array_new(FALSE, TRUE, sizeof(queued_event));
        g_array_set_clear_func(q->events, (GDestroyNotify)queued_event_clear);
        return q;
}

void domain_event_queue_free(domain_event_queue *q)
{
        if (!q)
                return;
        g_array_unref(q->events);
        g_free(q);
}

void domain_event_queue_push(domain_event_queue *q, const drv_domain *dom, int event, int detail)
{
        queued_event ev = {drv_domain_copy(dom), event, detail};

        g_array_append_val(q->events, ev);
}

void domain_event_queue_flush(domain_event_queue *q, domain_event_registry *reg)
{
        for (guint i = 0; i < q->events->len; i++) {
                queued_event *ev = &g_array_index(q->events, queued_event, i);

                domain_event_emit(reg, ev->dom, ev->event, ev->detail);
        }
        g_array_set_size(q->events, 0);
}
