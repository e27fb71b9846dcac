/* Registry of domain lifecycle event callbacks, shared by the drivers.
 *
 * Thread-safe: registration, removal and emission may race; callbacks are
 * invoked outside the registry's lock, so they may register or deregister
 * (but a callback caught by an emission that began before its removal may
 * still run once; its opaque is freed only after that call returns). */
#pragma once

#include "driver/driver.h"

typedef struct domain_event_registry domain_event_registry;

domain_event_registry *domain_event_registry_new(void);
void domain_event_registry_free(domain_event_registry *reg); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(domain_event_registry, domain_event_registry_free)

/* owner: who registered (a connection), for deregistration and cleanup on
 * close. dom NULL: every domain. Returns an id >= 0 (ids are never reused),
 * or -1 with the last error set. */
int domain_event_register(domain_event_registry *reg, const void *owner, const drv_domain *dom,
                          drv_domain_event_fn fn, void *opaque, GDestroyNotify free_opaque);

/* Removes owner's callback id; -1 with VCTL_ERR_INVALID_ARG when owner has
 * no callback with that id. */
int domain_event_deregister(domain_event_registry *reg, const void *owner, int id);

/* Removes every callback of owner. */
void domain_event_deregister_owner(domain_event_registry *reg, const void *owner);

/* Number of callbacks registered (for tests). */
guint domain_event_count(domain_event_registry *reg);

/* Calls every matching callback, in registration order, in this thread. */
void domain_event_emit(domain_event_registry *reg, const drv_domain *dom, int event, int detail);

/* Events collected while a driver holds its locks, emitted after. */
typedef struct domain_event_queue domain_event_queue;

domain_event_queue *domain_event_queue_new(void);
void domain_event_queue_free(domain_event_queue *q); /* accepts NULL; drops pending events */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(domain_event_queue, domain_event_queue_free)

/* Queues an event for dom (copied). */
void domain_event_queue_push(domain_event_queue *q, const drv_domain *dom, int event, int detail);
/* Emits the queued events in order and empties q. */
void domain_event_queue_flush(domain_event_queue *q, domain_event_registry *reg);
