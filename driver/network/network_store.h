/* Network objects of one driver: definitions (persistent in a directory, or
 * in memory), which are active, autostart, lifecycle events; the host side
 * of starting and stopping is the backend's (bridge_driver.c, or nothing for
 * the test driver). */
#pragma once

#include "conf/network_conf.h"
#include "driver/domain_event.h"
#include "driver/network/network_driver.h"

typedef struct network_store network_store;

typedef struct network_obj {
        network_def *def;  /* the definition (next start's) */
        network_def *live; /* while active: what runs, bridge name resolved */
        gboolean active;
        gboolean persistent;
        gboolean autostart;
} network_obj;

typedef struct network_backend {
        /* Brings up obj->live on the host; on failure leaves nothing behind. */
        int (*start)(network_store *s, network_obj *obj);
        /* Tears down what start created; errors are logged, never fatal. */
        void (*stop)(network_store *s, network_obj *obj);
        /* Whether a bridge name is taken on the host (picking virbrN). */
        gboolean (*bridge_taken)(const char *name);
        /* The current leases of an active network; may be NULL. */
        int (*leases)(network_store *s, network_obj *obj, GPtrArray *out);
} network_backend;

struct network_store {
        gint refs; /* the owner's, and one per driver call in flight */
        GMutex lock;
        GPtrArray *objs; /* of network_obj, sorted by name when listed */
        domain_event_registry *events;
        char *config_dir; /* NULL: in memory */
        char *autostart_dir;
        const network_backend *backend;
        void *data; /* the backend's */
};

network_store *network_store_new(const char *config_dir, const network_backend *backend);
network_store *network_store_ref(network_store *s);
void network_store_unref(network_store *s); /* accepts NULL */
static inline void network_store_unrefp(network_store **p)
{
        network_store_unref(*p);
}
/* Reads config_dir's definitions and autostart links; the number loaded. */
int network_store_load(network_store *s);
/* Starts the autostart networks that are not active (errors logged). */
void network_store_autostart(network_store *s);

network_obj *network_store_find_name_locked(network_store *s, const char *name);
/* Adds a parsed definition (takes def): persistent saves it. */
network_obj *network_store_add_locked(network_store *s, network_def **def, gboolean persistent);
void network_store_emit(network_store *s, const network_obj *obj, int event);
/* Whether another active network than except forwards (nat, route, open). */
gboolean network_store_forwarding_locked(network_store *s, const network_obj *except);

/* The driver-table entries on a store. */
int netstore_list_all(network_store *s, unsigned int flags, GPtrArray **ret);
drv_network *netstore_lookup_by_name(network_store *s, const char *name);
drv_network *netstore_lookup_by_uuid(network_store *s, const unsigned char uuid[VCTL_UUID_LEN]);
drv_network *netstore_define_xml(network_store *s, const char *xml, unsigned int flags);
int netstore_undefine(network_store *s, const drv_network *net);
drv_network *netstore_create_xml(network_store *s, const char *xml, unsigned int flags);
int netstore_create(network_store *s, const drv_network *net);
int netstore_destroy(network_store *s, const drv_network *net);
char *netstore_get_xml_desc(network_store *s, const drv_network *net, unsigned int flags);
char *netstore_get_bridge_name(network_store *s, const drv_network *net);
int netstore_get_autostart(network_store *s, const drv_network *net, int *ret_autostart);
int netstore_set_autostart(network_store *s, const drv_network *net, int autostart);
int netstore_is_active(network_store *s, const drv_network *net);
int netstore_is_persistent(network_store *s, const drv_network *net);
int netstore_get_dhcp_leases(network_store *s, const drv_network *net, const char *mac,
                             unsigned int flags, GPtrArray **ret);
int netstore_domain_interface_addresses(network_store *s, const vctl_driver *drv, drv_conn *conn,
                                        const drv_domain *dom, unsigned int source,
                                        unsigned int flags, GPtrArray **ret);
int netstore_event_register(network_store *s, const void *owner, const drv_network *net,
                            drv_network_event_fn fn, void *opaque, GDestroyNotify free_opaque);
int netstore_event_deregister(network_store *s, const void *owner, int id);

/* Defines the static driver-table wrappers and table NAME over the store
 * GET() returns with a reference, dropped when the call ends (NULL: no
 * networks on this connection, error set). */
#define NETSTORE_DRIVER(NAME, GET, DRV)                                                            \
        static int NAME##_list_all(drv_conn *c, unsigned int f, GPtrArray **r)                     \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_list_all(s, f, r) : -1;                                        \
        }                                                                                          \
        static drv_network *NAME##_lookup_by_name(drv_conn *c, const char *n)                      \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_lookup_by_name(s, n) : NULL;                                   \
        }                                                                                          \
        static drv_network *NAME##_lookup_by_uuid(drv_conn *c, const unsigned char *u)             \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_lookup_by_uuid(s, u) : NULL;                                   \
        }                                                                                          \
        static drv_network *NAME##_define_xml(drv_conn *c, const char *x, unsigned int f)          \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_define_xml(s, x, f) : NULL;                                    \
        }                                                                                          \
        static int NAME##_undefine(drv_conn *c, const drv_network *n)                              \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_undefine(s, n) : -1;                                           \
        }                                                                                          \
        static drv_network *NAME##_create_xml(drv_conn *c, const char *x, unsigned int f)          \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_create_xml(s, x, f) : NULL;                                    \
        }                                                                                          \
        static int NAME##_create(drv_conn *c, const drv_network *n)                                \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_create(s, n) : -1;                                             \
        }                                                                                          \
        static int NAME##_destroy(drv_conn *c, const drv_network *n)                               \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_destroy(s, n) : -1;                                            \
        }                                                                                          \
        static char *NAME##_get_xml_desc(drv_conn *c, const drv_network *n, unsigned int f)        \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_get_xml_desc(s, n, f) : NULL;                                  \
        }                                                                                          \
        static char *NAME##_get_bridge_name(drv_conn *c, const drv_network *n)                     \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_get_bridge_name(s, n) : NULL;                                  \
        }                                                                                          \
        static int NAME##_get_autostart(drv_conn *c, const drv_network *n, int *r)                 \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_get_autostart(s, n, r) : -1;                                   \
        }                                                                                          \
        static int NAME##_set_autostart(drv_conn *c, const drv_network *n, int a)                  \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_set_autostart(s, n, a) : -1;                                   \
        }                                                                                          \
        static int NAME##_is_active(drv_conn *c, const drv_network *n)                             \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_is_active(s, n) : -1;                                          \
        }                                                                                          \
        static int NAME##_is_persistent(drv_conn *c, const drv_network *n)                         \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_is_persistent(s, n) : -1;                                      \
        }                                                                                          \
        static int NAME##_get_dhcp_leases(drv_conn *c, const drv_network *n, const char *m,        \
                                          unsigned int f, GPtrArray **r)                           \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_get_dhcp_leases(s, n, m, f, r) : -1;                           \
        }                                                                                          \
        static int NAME##_domain_interface_addresses(                                              \
                drv_conn *c, const drv_domain *d, unsigned int src, unsigned int f, GPtrArray **r) \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_domain_interface_addresses(s, &DRV, c, d, src, f, r) : -1;     \
        }                                                                                          \
        static int NAME##_event_register(drv_conn *c, const drv_network *n,                        \
                                         drv_network_event_fn fn, void *o, GDestroyNotify fr)      \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                if (!s) {                                                                          \
                        if (fr)                                                                    \
                                fr(o);                                                             \
                        return -1;                                                                 \
                }                                                                                  \
                return netstore_event_register(s, c, n, fn, o, fr);                                \
        }                                                                                          \
        static int NAME##_event_deregister(drv_conn *c, int id)                                    \
        {                                                                                          \
                __attribute__((cleanup(network_store_unrefp))) network_store *s = GET(c);          \
                return s ? netstore_event_deregister(s, c, id) : -1;                               \
        }                                                                                          \
        const vctl_network_driver NAME = {                                                         \
                .list_all = NAME##_list_all,                                                       \
                .lookup_by_name = NAME##_lookup_by_name,                                           \
                .lookup_by_uuid = NAME##_lookup_by_uuid,                                           \
                .define_xml = NAME##_define_xml,                                                   \
                .undefine = NAME##_undefine,                                                       \
                .create_xml = NAME##_create_xml,                                                   \
                .create = NAME##_create,                                                           \
                .destroy = NAME##_destroy,                                                         \
                .get_xml_desc = NAME##_get_xml_desc,                                               \
                .get_bridge_name = NAME##_get_bridge_name,                                         \
                .get_autostart = NAME##_get_autostart,                                             \
                .set_autostart = NAME##_set_autostart,                                             \
                .is_active = NAME##_is_active,                                                     \
                .is_persistent = NAME##_is_persistent,                                             \
                .get_dhcp_leases = NAME##_get_dhcp_leases,                                         \
                .domain_interface_addresses = NAME##_domain_interface_addresses,                   \
                .event_register = NAME##_event_register,                                           \
                .event_deregister = NAME##_event_deregister,                                       \
        }
