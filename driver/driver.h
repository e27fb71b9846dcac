/* The driver table: what the daemon's dispatch (and libvctl, for the
 * in-process test:/// driver) calls to act on domains.
 *
 * Drivers never see the wire: they get C values and return C values, and on
 * failure set the thread's last error (lib/util/error.h) with a message that
 * names the object and the cause. Every entry is safe to call from several
 * threads at once. */
#pragma once

#include <glib.h>

#include "lib/util/paths.h"
#include "lib/util/uuid.h"
#include "lib/vctl.h"

/* A domain as the wire names it (remote_nonnull_domain). */
typedef struct drv_domain {
        char *name;
        unsigned char uuid[VCTL_UUID_LEN];
        int id; /* -1 when not running */
} drv_domain;

drv_domain *drv_domain_new(const char *name, const unsigned char uuid[VCTL_UUID_LEN], int id);
drv_domain *drv_domain_copy(const drv_domain *dom);
void drv_domain_free(drv_domain *dom); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(drv_domain, drv_domain_free)

/* The storage and network drivers a hypervisor connection carries
 * (driver/storage, driver/network; the test driver has its own in-memory
 * ones). Defined in their own headers. */
typedef struct vctl_storage_driver vctl_storage_driver;
typedef struct vctl_network_driver vctl_network_driver;

/* One open connection of a driver; each driver defines the struct. */
typedef struct drv_conn drv_conn;

/* Lifecycle event delivery: called from whatever thread made the change,
 * after the change; must not call back into the driver synchronously. */
typedef void (*drv_domain_event_fn)(const drv_domain *dom, int event, int detail, void *opaque);

typedef struct vctl_driver {
        const char *scheme; /* URI scheme it serves: "qemu", "test" */
        const char *type;   /* CONNECT_GET_TYPE: "QEMU", "Test" */

        /* Daemon-wide state, once at start and stop (both may be NULL). */
        int (*state_init)(const vctl_paths *paths);
        void (*state_cleanup)(void);

        /* uri is the whole URI the client asked for, transport already
         * stripped ("qemu:///system", "test:///default"). */
        drv_conn *(*open)(const char *uri, unsigned int flags);
        void (*close)(drv_conn *conn);

        int (*get_version)(drv_conn *conn, unsigned long long *ret_version);
        char *(*get_capabilities)(drv_conn *conn);
        /* libvirt's <domainCapabilities> for a guest of emulatorbin, arch,
         * machine and virttype; each may be NULL for the default. */
        char *(*get_domain_capabilities)(drv_conn *conn, const char *emulatorbin, const char *arch,
                                         const char *machine, const char *virttype,
                                         unsigned int flags);
        int (*node_get_info)(drv_conn *conn, vctl_node_info *ret_info);

        /* flags: VCTL_LIST_DOMAINS_*; *ret gets drv_domain* elements, sorted
         * by name, and owns them. */
        int (*list_all_domains)(drv_conn *conn, unsigned int flags, GPtrArray **ret);
        drv_domain *(*lookup_by_name)(drv_conn *conn, const char *name);
        drv_domain *(*lookup_by_uuid)(drv_conn *conn, const unsigned char uuid[VCTL_UUID_LEN]);
        drv_domain *(*lookup_by_id)(drv_conn *conn, int id);

        drv_domain *(*define_xml)(drv_conn *conn, const char *xml, unsigned int flags);
        int (*undefine)(drv_conn *conn, const drv_domain *dom, unsigned int flags);
        drv_domain *(*create_xml)(drv_conn *conn, const char *xml, unsigned int flags);
        /* starts a defined domain; sets dom->id */
        int (*create)(drv_conn *conn, drv_domain *dom, unsigned int flags);
        int (*destroy)(drv_conn *conn, const drv_domain *dom, unsigned int flags);
        int (*shutdown)(drv_conn *conn, const drv_domain *dom, unsigned int flags);
        int (*reboot)(drv_conn *conn, const drv_domain *dom, unsigned int flags);
        int (*reset)(drv_conn *conn, const drv_domain *dom, unsigned int flags);
        int (*suspend)(drv_conn *conn, const drv_domain *dom);
        int (*resume)(drv_conn *conn, const drv_domain *dom);

        char *(*get_xml_desc)(drv_conn *conn, const drv_domain *dom, unsigned int flags);
        int (*get_info)(drv_conn *conn, const drv_domain *dom, vctl_domain_info *ret_info);
        int (*get_state)(drv_conn *conn, const drv_domain *dom, int *ret_state, int *ret_reason);
        int (*get_autostart)(drv_conn *conn, const drv_domain *dom, int *ret_autostart);
        int (*set_autostart)(drv_conn *conn, const drv_domain *dom, int autostart);
        int (*is_active)(drv_conn *conn, const drv_domain *dom);     /* 1, 0, -1 */
        int (*is_persistent)(drv_conn *conn, const drv_domain *dom); /* 1, 0, -1 */

        /* The console dev_name ("serial0", "console0"; NULL: the first console,
         * else serial0) of a running domain as a connected, close-on-exec
         * stream socket the caller reads, writes and closes. One client at a
         * time: flags VCTL_DOMAIN_CONSOLE_FORCE takes it over from the current
         * one (whose end sees EOF), else a second open fails. May be NULL. */
        int (*open_console)(drv_conn *conn, const drv_domain *dom, const char *dev_name,
                            unsigned int flags, int *ret_fd);

        /* dom NULL: every domain. Returns an id >= 0, or -1. */
        int (*event_register)(drv_conn *conn, const drv_domain *dom, drv_domain_event_fn fn,
                              void *opaque, GDestroyNotify free_opaque);
        int (*event_deregister)(drv_conn *conn, int id);

        /* Pools and volumes, networks: NULL when the driver has none. */
        const vctl_storage_driver *storage;
        const vctl_network_driver *network;
} vctl_driver;

extern const vctl_driver vctl_test_driver;
extern const vctl_driver vctl_qemu_driver;

/* The driver serving uri's scheme (transport part "+unix" ignored), or NULL
 * with the last error set. */
const vctl_driver *vctl_driver_for_uri(const char *uri);
