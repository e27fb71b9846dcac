/* Between dbus.c (bus, calls, access, errors, events) and the object kinds
 * in dbus_connect.c and dbus_domain.c. */
#pragma once

#include <gio/gio.h>

#include "daemon/access.h"
#include "daemon/dbus_path.h"
#include "daemon/dbus.h"
#include "driver/driver.h"

#include "driver/network/network_driver.h"
#include "driver/storage/storage_driver.h"

#define DBUS_IFACE_CONNECT    "org.vctl.Connect"
#define DBUS_IFACE_DOMAIN     "org.vctl.Domain"
#define DBUS_IFACE_NETWORK    "org.vctl.Network"
#define DBUS_IFACE_POOL       "org.vctl.StoragePool"
#define DBUS_IFACE_VOL        "org.vctl.StorageVol"
#define DBUS_IFACE_PROPERTIES "org.freedesktop.DBus.Properties"

typedef struct dbus_call dbus_call;
typedef struct dbus_conn_obj dbus_conn_obj;

/* The kinds of objects under a connection object, each served by one
 * subtree at <connection>/<segment>/<node>: the node is '_' and the UUID
 * with '_' for '-', or for a volume its key with every byte but [A-Za-z0-9]
 * as _XX (hex), as libvirt-dbus does. */
typedef enum {
        DBUS_KIND_DOMAIN,
        DBUS_KIND_NETWORK,
        DBUS_KIND_POOL,
        DBUS_KIND_VOL,
        DBUS_N_KINDS
} dbus_kind_id;

/* A call's work, on a worker thread: the reply tuple, or NULL with the
 * thread's last error set. */
typedef GVariant *(*dbus_call_fn)(dbus_call *call);

/* One method (or "Get"/"GetAll"/"Set" of org.freedesktop.DBus.Properties)
 * of an object kind. */
typedef struct dbus_method {
        const char *interface;
        const char *name;
        gboolean mutating; /* needs org.vctl.unix.manage, not .monitor */
        dbus_call_fn fn;
} dbus_method;

typedef struct dbus_kind {
        const char *segment; /* "domain": <connection>/domain/_<uuid> */
        const char *iface;   /* "org.vctl.Domain" */
        const char *xml;     /* its interface file in daemon/dbus/ */
        const dbus_method *methods;
        /* whether the connection's driver has such objects */
        gboolean (*available)(const dbus_conn_obj *co);
        /* whether node can name an object of this kind */
        gboolean (*node_valid)(const char *node);
        /* looks up the call's object (call->dom, ->net, ->pool or ->vol) by
         * its node; 0 or -1 with the error set */
        int (*resolve)(dbus_call *call, const char *node);
        /* every object's node (g_malloc'd strings), for introspection; NULL
         * on failure */
        GPtrArray *(*list_nodes)(dbus_conn_obj *co);
} dbus_kind;

extern const dbus_kind dbus_kinds[DBUS_N_KINDS];

/* A connection object (/org/vctl/QEMU, /org/vctl/Test) and the driver
 * connection it holds open. */
struct dbus_conn_obj {
        dbus_service *svc;
        const vctl_driver *drv;
        drv_conn *dc;
        char *uri;
        char *path;                    /* /org/vctl/QEMU */
        char *kind_path[DBUS_N_KINDS]; /* /org/vctl/QEMU/domain, ... */
        guint object_id, subtree_id[DBUS_N_KINDS];
        int event_id, net_event_id; /* driver event registrations, -1 when none */
};

struct dbus_call {
        dbus_conn_obj *co;
        GDBusMethodInvocation *inv;
        const dbus_method *method;
        GVariant *params; /* borrowed from inv */
        access_subject subj;
        /* the object a call on <connection>/<kind>/_<uuid> is about, looked
         * up before fn */
        drv_domain *dom;
        drv_network *net;
        drv_pool *pool;
        drv_vol *vol;
};

/* dbus.c */
/* 0 when the caller may do perm on object (details end with {NULL, NULL};
 * connect_driver is added), else -1 with the error set. */
int dbus_access(dbus_call *call, const char *object, const char *perm,
                const access_detail *details);
/* The details of a domain: domain_name, domain_uuid (uuid_buf holds the
 * string). */
void dbus_domain_details(const drv_domain *dom, char uuid_buf[VCTL_UUID_STRING_LEN],
                         access_detail ret_details[3]);
/* For listings: which of n objects (name, uuid) the caller may getattr,
 * asked all at once as the sockets' listings do. 0, or -1 with the error. */
typedef struct dbus_named {
        const char *name;
        const unsigned char *uuid;
} dbus_named;
int dbus_access_visible(dbus_call *call, const char *object, const char *name_key,
                        const char *uuid_key, const dbus_named *objs, guint n,
                        gboolean *ret_visible);
/* Refuses strings longer than the daemon's message limit (the socket's). */
int dbus_check_length(dbus_call *call, const char *what, const char *value);
GDBusConnection *dbus_service_bus(dbus_service *svc);
GDBusInterfaceInfo *dbus_service_kind_info(dbus_service *svc, dbus_kind_id kind);
/* The handler of interface.method in table, or NULL. */
const dbus_method *dbus_method_find(const dbus_method *table, const char *interface,
                                    const char *method);
/* Queues a call for the workers (takes inv). */
void dbus_call_queue(dbus_conn_obj *co, const dbus_method *m, GDBusMethodInvocation *inv);

/* A reply "(o)" for the volume with key. */
GVariant *dbus_vol_reply(dbus_call *call, const char *key);
/* A reply "(o)" for the object of kind with uuid. */
GVariant *dbus_object_reply(dbus_call *call, dbus_kind_id kind,
                            const unsigned char uuid[VCTL_UUID_LEN]);
/* In a call's fn: unless the driver table drv (may be NULL) has entry,
 * returns a NO_SUPPORT error naming what (NULL). */
#define DBUS_REQUIRE(call, drv, entry, what)                                                       \
        do {                                                                                       \
                if (!(drv) || !(drv)->entry)                                                       \
                        return dbus_unsupported(call, what);                                       \
        } while (0)
/* A reply "()". */
GVariant *dbus_void_reply(void);
/* Sets a NO_SUPPORT error naming what and the driver; NULL. */
GVariant *dbus_unsupported(dbus_call *call, const char *what);
/* The interface named in a Properties call must be iface; 0 or -1. */
int dbus_check_interface(const char *got, const char *iface);

/* dbus_object.c */
/* Every kind's subtree (takes nothing; the conn object outlives it). */
extern const GDBusSubtreeVTable dbus_subtree_vtable;
/* <conn>/<kind>/_<uuid with '-' as '_'> */
char *dbus_object_path(const dbus_conn_obj *co, dbus_kind_id kind,
                       const unsigned char uuid[VCTL_UUID_LEN]);
/* <conn>/storagevol/<key encoded> */
char *dbus_vol_path(const dbus_conn_obj *co, const char *key);
/* For a kind's resolve: the UUID in node, or -1 with an error naming the
 * path. */
int dbus_resolve_uuid(dbus_call *call, const char *node, unsigned char ret_uuid[VCTL_UUID_LEN]);

/* Emits PropertiesChanged (iface, changed) on path; takes changed. */
void dbus_emit_changed(dbus_conn_obj *co, const char *path, const char *iface,
                       GVariantBuilder *changed);
/* Emits PropertiesChanged with Autostart. */
void dbus_emit_autostart(dbus_conn_obj *co, const char *path, const char *iface,
                         gboolean autostart);
/* Emits PropertiesChanged with Active and Persistent (each TRUE when > 0). */
void dbus_emit_state(dbus_conn_obj *co, const char *path, const char *iface, int active,
                     int persistent);

/* Queues the call of interface.method in table, or returns UnknownMethod
 * (takes inv). */
void dbus_dispatch(dbus_conn_obj *co, const dbus_method *table, const char *interface,
                   const char *method, GDBusMethodInvocation *inv);
/* For a kind's list_nodes: the node of every object in objs (structs with
 * their UUID at uuid_offset). */
GPtrArray *dbus_uuid_nodes(const GPtrArray *objs, gsize uuid_offset);
/* A reply "(ao)": the paths of those of the n objects of kind the caller
 * may getattr (object, name_key and uuid_key as for dbus_access_visible);
 * NULL with the error set. */
GVariant *dbus_list_reply(dbus_call *call, dbus_kind_id kind, const char *object,
                          const char *name_key, const char *uuid_key, const dbus_named *named,
                          guint n);
/* The UUID in a call's string argument s, or -1 with the error set. */
int dbus_parse_uuid_arg(const char *s, unsigned char ret_uuid[VCTL_UUID_LEN]);

/* A property's value (floating), or NULL with the error set. */
typedef GVariant *(*dbus_property_fn)(dbus_call *call, const char *name);
/* A reply "(v)" with fn's value of name, or NULL with the error set. */
GVariant *dbus_property_get(dbus_call *call, const char *name, dbus_property_fn fn);
/* A reply "(a{sv})" with fn's value of each of the n names, or NULL with
 * the error set. */
GVariant *dbus_property_get_all(dbus_call *call, const char *const *names, gsize n,
                                dbus_property_fn fn);
/* Set on an interface without writable properties: NULL with the error. */
GVariant *dbus_property_set_read_only(dbus_call *call);

/* dbus_connect.c */
extern const GDBusInterfaceVTable dbus_connect_vtable;
/* Emits DomainEvent and the domain's PropertiesChanged; a worker of the
 * event queue (may call the driver). */
void dbus_connect_domain_event(dbus_conn_obj *co, const drv_domain *dom, int event, int detail);
/* The same for NetworkEvent. */
void dbus_connect_network_event(dbus_conn_obj *co, const drv_network *net, int event);

/* dbus_domain.c */
extern const dbus_method dbus_domain_methods[];
gboolean dbus_domain_available(const dbus_conn_obj *co);
int dbus_domain_resolve(dbus_call *call, const char *node);
GPtrArray *dbus_domain_list_nodes(dbus_conn_obj *co);
/* Emits PropertiesChanged with the domain's current life-cycle properties
 * (those of a domain that is gone when it cannot be found). */
void dbus_domain_emit_changed(dbus_conn_obj *co, const drv_domain *dom);

/* dbus_network.c: org.vctl.Network, and Connect's network methods */
extern const dbus_method dbus_network_methods[];
gboolean dbus_network_available(const dbus_conn_obj *co);
int dbus_network_resolve(dbus_call *call, const char *node);
GPtrArray *dbus_network_list_nodes(dbus_conn_obj *co);
void dbus_network_emit_changed(dbus_conn_obj *co, const drv_network *net);
GVariant *dbus_connect_list_networks(dbus_call *call);
GVariant *dbus_connect_network_lookup_by_name(dbus_call *call);
GVariant *dbus_connect_network_lookup_by_uuid(dbus_call *call);
GVariant *dbus_connect_network_define_xml(dbus_call *call);
GVariant *dbus_connect_network_create_xml(dbus_call *call);

/* dbus_storage.c: org.vctl.StoragePool, and Connect's pool methods */
extern const dbus_method dbus_pool_methods[];
gboolean dbus_pool_available(const dbus_conn_obj *co);
int dbus_pool_resolve(dbus_call *call, const char *node);
GPtrArray *dbus_pool_list_nodes(dbus_conn_obj *co);
GVariant *dbus_connect_list_storage_pools(dbus_call *call);
GVariant *dbus_connect_pool_lookup_by_name(dbus_call *call);
GVariant *dbus_connect_pool_lookup_by_uuid(dbus_call *call);
GVariant *dbus_connect_pool_define_xml(dbus_call *call);
GVariant *dbus_connect_pool_create_xml(dbus_call *call);
/* perm on the call's pool (storage_pool, pool_name and pool_uuid); 0 or -1 */
int dbus_pool_access(dbus_call *call, const char *perm);
/* dbus_volume.c: org.vctl.StorageVol */
extern const dbus_method dbus_vol_methods[];
gboolean dbus_vol_available(const dbus_conn_obj *co);
gboolean dbus_vol_node_valid(const char *node);
int dbus_vol_resolve(dbus_call *call, const char *node);
GPtrArray *dbus_vol_list_nodes(dbus_conn_obj *co);
GVariant *dbus_connect_vol_lookup_by_key(dbus_call *call);
GVariant *dbus_connect_vol_lookup_by_path(dbus_call *call);
/* org.vctl.StoragePool's volume methods (dbus_volume.c) */
GVariant *dbus_pool_list_volumes(dbus_call *call);
GVariant *dbus_pool_vol_lookup_by_name(dbus_call *call);
GVariant *dbus_pool_vol_create_xml(dbus_call *call);
