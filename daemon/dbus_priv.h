/* Between dbus.c (bus, calls, access, errors, events) and the object kinds
 * in dbus_connect.c and dbus_domain.c. */
#pragma once

#include <gio/gio.h>

#include "daemon/access.h"
#include "daemon/dbus.h"
#include "driver/driver.h"

#define DBUS_IFACE_CONNECT    "org.vctl.Connect"
#define DBUS_IFACE_DOMAIN     "org.vctl.Domain"
#define DBUS_IFACE_PROPERTIES "org.freedesktop.DBus.Properties"

typedef struct dbus_call dbus_call;

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

/* A connection object (/org/vctl/QEMU, /org/vctl/Test) and the driver
 * connection it holds open. */
typedef struct dbus_conn_obj {
        dbus_service *svc;
        const vctl_driver *drv;
        drv_conn *dc;
        char *uri;
        char *path;        /* /org/vctl/QEMU */
        char *domain_path; /* /org/vctl/QEMU/domain */
        guint object_id, subtree_id;
        int event_id; /* driver event registration, -1 when none */
} dbus_conn_obj;

struct dbus_call {
        dbus_conn_obj *co;
        GDBusMethodInvocation *inv;
        const dbus_method *method;
        GVariant *params; /* borrowed from inv */
        access_subject subj;
        drv_domain *dom; /* a domain object's domain, looked up before fn */
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
/* Refuses strings longer than the daemon's message limit (the socket's). */
int dbus_check_length(dbus_call *call, const char *what, const char *value);
GDBusConnection *dbus_service_bus(dbus_service *svc);
GDBusNodeInfo *dbus_service_domain_info(dbus_service *svc);
/* The handler of interface.method in table, or NULL. */
const dbus_method *dbus_method_find(const dbus_method *table, const char *interface,
                                    const char *method);
/* Queues a call for the workers (takes inv). */
void dbus_call_queue(dbus_conn_obj *co, const dbus_method *m, GDBusMethodInvocation *inv);

/* dbus_connect.c */
extern const dbus_method dbus_connect_methods[];
extern const GDBusInterfaceVTable dbus_connect_vtable;
/* Emits DomainEvent and the domain's PropertiesChanged; a worker of the
 * event queue (may call the driver). */
void dbus_connect_domain_event(dbus_conn_obj *co, const drv_domain *dom, int event, int detail);

/* dbus_domain.c */
extern const GDBusSubtreeVTable dbus_domain_subtree_vtable;
/* <conn>/domain/_<uuid with '-' as '_'> */
char *dbus_domain_path(const dbus_conn_obj *co, const unsigned char uuid[VCTL_UUID_LEN]);
/* The UUID of a domain node ("_c7a5fdbd_edaf_..."); 0 or -1 (no error set). */
int dbus_domain_node_uuid(const char *node, unsigned char ret_uuid[VCTL_UUID_LEN]);
/* Emits PropertiesChanged with the domain's current life-cycle properties
 * (or those of a domain that is gone, when gone). */
void dbus_domain_emit_changed(dbus_conn_obj *co, const drv_domain *dom, gboolean gone);
