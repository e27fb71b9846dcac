/* libvctl: the public client API of vctl.
 *
 * A connection is opened on a URI (qemu:///system, qemu:///session,
 * test:///default, qemu+unix:///system?socket=PATH, qemu+tls://host/system)
 * and every call on it is safe from several threads. Numbers (states, reasons,
 * events, flags, error codes) are libvirt's, so code ported from libvirt keeps
 * its meaning. Functions returning int give 0 (or a count) on success and -1
 * on failure; pointers are NULL on failure. The failure's details are in
 * vctl_last_error() of the calling thread. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VCTL_UUID_BUFLEN 16
#define VCTL_UUID_STRING_BUFLEN 37

typedef struct vctl_conn vctl_conn;
typedef struct vctl_domain vctl_domain;

/* ---- errors ---- */
typedef struct vctl_error_info {
        int code;   /* libvirt's virErrorNumber */
        int domain; /* libvirt's virErrorDomain */
        const char *message;
} vctl_error_info;

/* The calling thread's last error, or NULL. Valid until the next call. */
const vctl_error_info *vctl_last_error(void);
/* Its message, or a generic text; never NULL. */
const char *vctl_last_error_message(void);

/* ---- connections ---- */
enum {
        VCTL_CONNECT_RO = 1 << 0, /* read-only (the -ro socket) */
};

/* uri NULL: $VCTL_DEFAULT_URI, else qemu:///system as root and
 * qemu:///session for other users (which starts a session vctld on demand). */
vctl_conn *vctl_conn_open(const char *uri, unsigned int flags);
int vctl_conn_close(vctl_conn *conn); /* accepts NULL */

char *vctl_conn_get_uri(vctl_conn *conn);
char *vctl_conn_get_hostname(vctl_conn *conn);
/* "QEMU" or "Test" */
char *vctl_conn_get_type(vctl_conn *conn);
/* versions as major * 1,000,000 + minor * 1,000 + release */
int vctl_conn_get_version(vctl_conn *conn, unsigned long long *ret_version);
int vctl_conn_get_lib_version(vctl_conn *conn, unsigned long long *ret_version);
char *vctl_conn_get_capabilities(vctl_conn *conn);
/* libvirt's <domainCapabilities> for guests of emulatorbin, arch, machine
 * and virttype ("kvm", "qemu"); each may be NULL for the host's default.
 * flags: none yet, 0. */
char *vctl_conn_get_domain_capabilities(vctl_conn *conn, const char *emulatorbin, const char *arch,
                                        const char *machine, const char *virttype,
                                        unsigned int flags);
int vctl_conn_is_secure(vctl_conn *conn);

typedef struct vctl_node_info {
        char model[32];
        unsigned long memory_kib;
        unsigned int cpus, mhz, nodes, sockets, cores, threads;
} vctl_node_info;
int vctl_node_get_info(vctl_conn *conn, vctl_node_info *ret_info);

/* ---- domains ---- */
typedef enum {
        VCTL_DOMAIN_NOSTATE = 0,
        VCTL_DOMAIN_RUNNING = 1,
        VCTL_DOMAIN_BLOCKED = 2,
        VCTL_DOMAIN_PAUSED = 3,
        VCTL_DOMAIN_SHUTDOWN = 4,
        VCTL_DOMAIN_SHUTOFF = 5,
        VCTL_DOMAIN_CRASHED = 6,
        VCTL_DOMAIN_PMSUSPENDED = 7,
} vctl_domain_state;

/* reasons, per state (libvirt's virDomain*Reason) */
enum {
        VCTL_DOMAIN_RUNNING_UNKNOWN = 0,
        VCTL_DOMAIN_RUNNING_BOOTED = 1,
        VCTL_DOMAIN_RUNNING_UNPAUSED = 5,
        VCTL_DOMAIN_PAUSED_UNKNOWN = 0,
        VCTL_DOMAIN_PAUSED_USER = 1,
        VCTL_DOMAIN_PAUSED_SHUTTING_DOWN = 8,
        VCTL_DOMAIN_PAUSED_CRASHED = 10,
        VCTL_DOMAIN_PAUSED_STARTING_UP = 11,
        VCTL_DOMAIN_SHUTDOWN_UNKNOWN = 0,
        VCTL_DOMAIN_SHUTDOWN_USER = 1,
        VCTL_DOMAIN_SHUTOFF_UNKNOWN = 0,
        VCTL_DOMAIN_SHUTOFF_SHUTDOWN = 1,
        VCTL_DOMAIN_SHUTOFF_DESTROYED = 2,
        VCTL_DOMAIN_SHUTOFF_CRASHED = 3,
        VCTL_DOMAIN_SHUTOFF_FAILED = 6,
        VCTL_DOMAIN_SHUTOFF_DAEMON = 8,
        VCTL_DOMAIN_CRASHED_UNKNOWN = 0,
        VCTL_DOMAIN_CRASHED_PANICKED = 1,
};

/* flags of vctl_conn_list_all_domains */
enum {
        VCTL_LIST_DOMAINS_ACTIVE = 1 << 0,
        VCTL_LIST_DOMAINS_INACTIVE = 1 << 1,
        VCTL_LIST_DOMAINS_PERSISTENT = 1 << 2,
        VCTL_LIST_DOMAINS_TRANSIENT = 1 << 3,
        VCTL_LIST_DOMAINS_RUNNING = 1 << 4,
        VCTL_LIST_DOMAINS_PAUSED = 1 << 5,
        VCTL_LIST_DOMAINS_SHUTOFF = 1 << 6,
        VCTL_LIST_DOMAINS_OTHER = 1 << 7,
        VCTL_LIST_DOMAINS_AUTOSTART = 1 << 10,
        VCTL_LIST_DOMAINS_NO_AUTOSTART = 1 << 11,
};

enum { VCTL_DOMAIN_XML_SECURE = 1 << 0, VCTL_DOMAIN_XML_INACTIVE = 1 << 1 };
enum { VCTL_DOMAIN_START_PAUSED = 1 << 0, VCTL_DOMAIN_START_AUTODESTROY = 1 << 1 };
enum { VCTL_DOMAIN_DESTROY_GRACEFUL = 1 << 0 };
enum { VCTL_DOMAIN_SHUTDOWN_ACPI_POWER_BTN = 1 << 0 };
enum { VCTL_DOMAIN_DEFINE_VALIDATE = 1 << 0 };
enum { VCTL_DOMAIN_UNDEFINE_NVRAM = 1 << 2, VCTL_DOMAIN_UNDEFINE_KEEP_NVRAM = 1 << 3 };
/* libvirt's virDomainConsoleFlags: FORCE takes the console over from the
 * client holding it; SAFE asks for exclusive access (always given). */
enum { VCTL_DOMAIN_CONSOLE_FORCE = 1 << 0, VCTL_DOMAIN_CONSOLE_SAFE = 1 << 1 };

typedef struct vctl_domain_info {
        vctl_domain_state state;
        unsigned long long max_mem_kib;
        unsigned long long memory_kib;
        unsigned int nr_vcpus;
        unsigned long long cpu_time_ns;
} vctl_domain_info;

/* Every domain matching flags (0: all). *ret_domains is a NULL-terminated
 * array to free with vctl_domain_list_free. Returns the count or -1. */
int vctl_conn_list_all_domains(vctl_conn *conn, vctl_domain ***ret_domains, unsigned int flags);
void vctl_domain_list_free(vctl_domain **domains);

vctl_domain *vctl_domain_lookup_by_name(vctl_conn *conn, const char *name);
vctl_domain *vctl_domain_lookup_by_uuid_string(vctl_conn *conn, const char *uuid);
vctl_domain *vctl_domain_lookup_by_id(vctl_conn *conn, int id);
vctl_domain *vctl_domain_define_xml(vctl_conn *conn, const char *xml, unsigned int flags);
vctl_domain *vctl_domain_create_xml(vctl_conn *conn, const char *xml, unsigned int flags);
void vctl_domain_free(vctl_domain *dom); /* accepts NULL */

const char *vctl_domain_get_name(const vctl_domain *dom);
int vctl_domain_get_uuid_string(const vctl_domain *dom, char buf[VCTL_UUID_STRING_BUFLEN]);
/* -1 for a domain that is not running */
int vctl_domain_get_id(const vctl_domain *dom);

int vctl_domain_undefine(vctl_domain *dom, unsigned int flags);
int vctl_domain_create(vctl_domain *dom, unsigned int flags);
int vctl_domain_destroy(vctl_domain *dom, unsigned int flags);
int vctl_domain_shutdown(vctl_domain *dom, unsigned int flags);
int vctl_domain_reboot(vctl_domain *dom, unsigned int flags);
int vctl_domain_reset(vctl_domain *dom, unsigned int flags);
int vctl_domain_suspend(vctl_domain *dom);
int vctl_domain_resume(vctl_domain *dom);
char *vctl_domain_get_xml_desc(vctl_domain *dom, unsigned int flags);
int vctl_domain_get_info(vctl_domain *dom, vctl_domain_info *ret_info);
int vctl_domain_get_state(vctl_domain *dom, int *ret_state, int *ret_reason);
int vctl_domain_get_autostart(vctl_domain *dom, int *ret_autostart);
int vctl_domain_set_autostart(vctl_domain *dom, int autostart);
int vctl_domain_is_active(vctl_domain *dom);     /* 1, 0 or -1 */
int vctl_domain_is_persistent(vctl_domain *dom); /* 1, 0 or -1 */

/* ---- streams (the serial console) ---- */
typedef struct vctl_stream vctl_stream;

/* Opens the console dev_name ("serial0", "console0"; NULL: the domain's
 * first console) of a running domain. flags: VCTL_DOMAIN_CONSOLE_*. Only
 * one client holds a console at a time. NULL with the last error set. */
vctl_stream *vctl_domain_open_console(vctl_domain *dom, const char *dev_name, unsigned int flags);
/* Blocks until data arrives; returns its length (at most len), 0 at the end
 * of the stream, -1 on error. */
ssize_t vctl_stream_recv(vctl_stream *st, char *buf, size_t len);
/* Blocks until all of buf is handed on; returns len or -1. */
ssize_t vctl_stream_send(vctl_stream *st, const char *buf, size_t len);
/* Ends the stream cleanly (finish) or at once (abort); 0 or -1. Free it
 * afterwards either way. */
int vctl_stream_finish(vctl_stream *st);
int vctl_stream_abort(vctl_stream *st);
/* Aborts a stream still open; accepts NULL. */
void vctl_stream_free(vctl_stream *st);
/* A descriptor that polls readable while data or the end of the stream
 * waits for vctl_stream_recv (owned by the stream: do not close it). */
int vctl_stream_fd(vctl_stream *st);

/* ---- events ---- */
typedef enum {
        VCTL_DOMAIN_EVENT_DEFINED = 0,
        VCTL_DOMAIN_EVENT_UNDEFINED = 1,
        VCTL_DOMAIN_EVENT_STARTED = 2,
        VCTL_DOMAIN_EVENT_SUSPENDED = 3,
        VCTL_DOMAIN_EVENT_RESUMED = 4,
        VCTL_DOMAIN_EVENT_STOPPED = 5,
        VCTL_DOMAIN_EVENT_SHUTDOWN = 6,
        VCTL_DOMAIN_EVENT_PMSUSPENDED = 7,
        VCTL_DOMAIN_EVENT_CRASHED = 8,
} vctl_domain_event_type;

/* details (libvirt's virDomainEvent*DetailType) */
enum {
        VCTL_DOMAIN_EVENT_DEFINED_ADDED = 0,
        VCTL_DOMAIN_EVENT_DEFINED_UPDATED = 1,
        VCTL_DOMAIN_EVENT_UNDEFINED_REMOVED = 0,
        VCTL_DOMAIN_EVENT_STARTED_BOOTED = 0,
        VCTL_DOMAIN_EVENT_SUSPENDED_PAUSED = 0,
        VCTL_DOMAIN_EVENT_RESUMED_UNPAUSED = 0,
        VCTL_DOMAIN_EVENT_STOPPED_SHUTDOWN = 0,
        VCTL_DOMAIN_EVENT_STOPPED_DESTROYED = 1,
        VCTL_DOMAIN_EVENT_STOPPED_CRASHED = 2,
        VCTL_DOMAIN_EVENT_STOPPED_FAILED = 5,
        VCTL_DOMAIN_EVENT_SHUTDOWN_FINISHED = 0,
        VCTL_DOMAIN_EVENT_SHUTDOWN_GUEST = 1,
        VCTL_DOMAIN_EVENT_SHUTDOWN_HOST = 2,
        VCTL_DOMAIN_EVENT_CRASHED_PANICKED = 0,
};

/* Called from a libvctl thread; dom is valid only during the call. */
typedef void (*vctl_domain_event_cb)(vctl_conn *conn, vctl_domain *dom, int event, int detail,
                                     void *opaque);
typedef void (*vctl_free_cb)(void *opaque);

/* dom NULL: every domain. Returns a callback id >= 0, or -1. */
int vctl_conn_domain_event_register(vctl_conn *conn, vctl_domain *dom, vctl_domain_event_cb cb,
                                    void *opaque, vctl_free_cb free_opaque);
int vctl_conn_domain_event_deregister(vctl_conn *conn, int callback_id);

/* Called once when the connection closes for a reason other than
 * vctl_conn_close (the daemon went away, keepalive timed out). */
typedef void (*vctl_close_cb)(vctl_conn *conn, int reason, void *opaque);
int vctl_conn_register_close_callback(vctl_conn *conn, vctl_close_cb cb, void *opaque,
                                      vctl_free_cb free_opaque);
int vctl_conn_unregister_close_callback(vctl_conn *conn, vctl_close_cb cb);

/* Strings for people: "running", "shut off", ...; "booted", "destroyed", ... */
const char *vctl_domain_state_name(int state);
const char *vctl_domain_state_reason_name(int state, int reason);
const char *vctl_domain_event_name(int event);
const char *vctl_domain_event_detail_name(int event, int detail);

/* ---- storage pools and volumes ---- */
typedef struct vctl_storage_pool vctl_storage_pool;
typedef struct vctl_storage_vol vctl_storage_vol;

/* libvirt's virStoragePoolState */
enum {
        VCTL_STORAGE_POOL_INACTIVE = 0,
        VCTL_STORAGE_POOL_BUILDING = 1,
        VCTL_STORAGE_POOL_RUNNING = 2,
        VCTL_STORAGE_POOL_DEGRADED = 3,
        VCTL_STORAGE_POOL_INACCESSIBLE = 4,
};
/* flags of vctl_conn_list_all_storage_pools (libvirt's values) */
enum {
        VCTL_LIST_STORAGE_POOLS_INACTIVE = 1 << 0,
        VCTL_LIST_STORAGE_POOLS_ACTIVE = 1 << 1,
        VCTL_LIST_STORAGE_POOLS_PERSISTENT = 1 << 2,
        VCTL_LIST_STORAGE_POOLS_TRANSIENT = 1 << 3,
        VCTL_LIST_STORAGE_POOLS_AUTOSTART = 1 << 4,
        VCTL_LIST_STORAGE_POOLS_NO_AUTOSTART = 1 << 5,
        VCTL_LIST_STORAGE_POOLS_DIR = 1 << 6,
};
enum { VCTL_STORAGE_POOL_BUILD_NO_OVERWRITE = 1 << 2, VCTL_STORAGE_POOL_BUILD_OVERWRITE = 1 << 3 };
enum {
        VCTL_STORAGE_POOL_CREATE_WITH_BUILD = 1 << 0,
        VCTL_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE = 1 << 1,
        VCTL_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE = 1 << 2,
};
enum { VCTL_STORAGE_XML_INACTIVE = 1 << 0 };
/* libvirt's virStorageVolType, virStorageVolDeleteFlags, virStorageVolResizeFlags */
enum { VCTL_STORAGE_VOL_FILE = 0, VCTL_STORAGE_VOL_BLOCK = 1, VCTL_STORAGE_VOL_DIR = 2 };
enum { VCTL_STORAGE_VOL_DELETE_ZEROED = 1 << 0 };
enum {
        VCTL_STORAGE_VOL_RESIZE_ALLOCATE = 1 << 0,
        VCTL_STORAGE_VOL_RESIZE_DELTA = 1 << 1,
        VCTL_STORAGE_VOL_RESIZE_SHRINK = 1 << 2,
};

typedef struct vctl_storage_pool_info {
        int state; /* VCTL_STORAGE_POOL_* */
        unsigned long long capacity, allocation, available; /* bytes */
} vctl_storage_pool_info;

typedef struct vctl_storage_vol_info {
        int type; /* VCTL_STORAGE_VOL_* */
        unsigned long long capacity, allocation; /* bytes */
} vctl_storage_vol_info;

/* Every pool matching flags (0: all); a NULL-terminated array to free with
 * vctl_storage_pool_list_free. Returns the count or -1. */
int vctl_conn_list_all_storage_pools(vctl_conn *conn, vctl_storage_pool ***ret_pools,
                                     unsigned int flags);
void vctl_storage_pool_list_free(vctl_storage_pool **pools);
vctl_storage_pool *vctl_storage_pool_lookup_by_name(vctl_conn *conn, const char *name);
vctl_storage_pool *vctl_storage_pool_lookup_by_uuid_string(vctl_conn *conn, const char *uuid);
vctl_storage_pool *vctl_storage_pool_lookup_by_volume(vctl_storage_vol *vol);
vctl_storage_pool *vctl_storage_pool_define_xml(vctl_conn *conn, const char *xml,
                                                unsigned int flags);
vctl_storage_pool *vctl_storage_pool_create_xml(vctl_conn *conn, const char *xml,
                                                unsigned int flags);
void vctl_storage_pool_free(vctl_storage_pool *pool); /* accepts NULL */
const char *vctl_storage_pool_get_name(const vctl_storage_pool *pool);
int vctl_storage_pool_get_uuid_string(const vctl_storage_pool *pool,
                                      char buf[VCTL_UUID_STRING_BUFLEN]);
int vctl_storage_pool_build(vctl_storage_pool *pool, unsigned int flags);
int vctl_storage_pool_create(vctl_storage_pool *pool, unsigned int flags);
int vctl_storage_pool_destroy(vctl_storage_pool *pool);
int vctl_storage_pool_delete(vctl_storage_pool *pool, unsigned int flags);
int vctl_storage_pool_undefine(vctl_storage_pool *pool);
int vctl_storage_pool_refresh(vctl_storage_pool *pool, unsigned int flags);
char *vctl_storage_pool_get_xml_desc(vctl_storage_pool *pool, unsigned int flags);
int vctl_storage_pool_get_info(vctl_storage_pool *pool, vctl_storage_pool_info *ret_info);
int vctl_storage_pool_get_autostart(vctl_storage_pool *pool, int *ret_autostart);
int vctl_storage_pool_set_autostart(vctl_storage_pool *pool, int autostart);
int vctl_storage_pool_is_active(vctl_storage_pool *pool);     /* 1, 0 or -1 */
int vctl_storage_pool_is_persistent(vctl_storage_pool *pool); /* 1, 0 or -1 */
/* "inactive", "building", "running", "degraded", "inaccessible" */
const char *vctl_storage_pool_state_name(int state);

/* The pool's volumes, by name; free with vctl_storage_vol_list_free. */
int vctl_storage_pool_list_all_volumes(vctl_storage_pool *pool, vctl_storage_vol ***ret_vols,
                                       unsigned int flags);
void vctl_storage_vol_list_free(vctl_storage_vol **vols);
vctl_storage_vol *vctl_storage_vol_lookup_by_name(vctl_storage_pool *pool, const char *name);
vctl_storage_vol *vctl_storage_vol_lookup_by_key(vctl_conn *conn, const char *key);
vctl_storage_vol *vctl_storage_vol_lookup_by_path(vctl_conn *conn, const char *path);
vctl_storage_vol *vctl_storage_vol_create_xml(vctl_storage_pool *pool, const char *xml,
                                              unsigned int flags);
vctl_storage_vol *vctl_storage_vol_create_xml_from(vctl_storage_pool *pool, const char *xml,
                                                   vctl_storage_vol *src, unsigned int flags);
void vctl_storage_vol_free(vctl_storage_vol *vol); /* accepts NULL */
const char *vctl_storage_vol_get_name(const vctl_storage_vol *vol);
const char *vctl_storage_vol_get_key(const vctl_storage_vol *vol);
const char *vctl_storage_vol_get_pool_name(const vctl_storage_vol *vol);
int vctl_storage_vol_delete(vctl_storage_vol *vol, unsigned int flags);
int vctl_storage_vol_wipe(vctl_storage_vol *vol, unsigned int flags);
int vctl_storage_vol_get_info(vctl_storage_vol *vol, vctl_storage_vol_info *ret_info);
char *vctl_storage_vol_get_xml_desc(vctl_storage_vol *vol, unsigned int flags);
char *vctl_storage_vol_get_path(vctl_storage_vol *vol);
int vctl_storage_vol_resize(vctl_storage_vol *vol, unsigned long long capacity,
                            unsigned int flags);
/* "file", "block", "dir", ... */
const char *vctl_storage_vol_type_name(int type);
/* ---- virtual networks ---- */
typedef struct vctl_network vctl_network;

/* flags of vctl_conn_list_all_networks (libvirt's values) */
enum {
        VCTL_LIST_NETWORKS_INACTIVE = 1 << 0,
        VCTL_LIST_NETWORKS_ACTIVE = 1 << 1,
        VCTL_LIST_NETWORKS_PERSISTENT = 1 << 2,
        VCTL_LIST_NETWORKS_TRANSIENT = 1 << 3,
        VCTL_LIST_NETWORKS_AUTOSTART = 1 << 4,
        VCTL_LIST_NETWORKS_NO_AUTOSTART = 1 << 5,
};
enum { VCTL_NETWORK_XML_INACTIVE = 1 << 0 };

/* Every network matching flags (0: all), sorted by name, in a NULL-terminated
 * array (vctl_network_list_free); returns the count or -1. ret_networks
 * NULL: only the count. */
int vctl_conn_list_all_networks(vctl_conn *conn, vctl_network ***ret_networks,
                                unsigned int flags);
void vctl_network_list_free(vctl_network **networks);

vctl_network *vctl_network_lookup_by_name(vctl_conn *conn, const char *name);
vctl_network *vctl_network_lookup_by_uuid_string(vctl_conn *conn, const char *uuid);
vctl_network *vctl_network_define_xml(vctl_conn *conn, const char *xml, unsigned int flags);
/* A transient network, started. */
vctl_network *vctl_network_create_xml(vctl_conn *conn, const char *xml, unsigned int flags);
void vctl_network_free(vctl_network *net); /* accepts NULL */

const char *vctl_network_get_name(const vctl_network *net);
int vctl_network_get_uuid_string(const vctl_network *net, char buf[VCTL_UUID_STRING_BUFLEN]);
int vctl_network_create(vctl_network *net); /* starts a defined network */
int vctl_network_destroy(vctl_network *net);
int vctl_network_undefine(vctl_network *net);
char *vctl_network_get_xml_desc(vctl_network *net, unsigned int flags);
char *vctl_network_get_bridge_name(vctl_network *net);
int vctl_network_get_autostart(vctl_network *net, int *ret_autostart);
int vctl_network_set_autostart(vctl_network *net, int autostart);
int vctl_network_is_active(vctl_network *net);     /* 1, 0 or -1 */
int vctl_network_is_persistent(vctl_network *net); /* 1, 0 or -1 */

/* One DHCP lease (libvirt's virNetworkDHCPLease). */
typedef struct vctl_network_lease {
        char *iface;
        long long expiry_time; /* seconds since the epoch */
        int type;              /* 0 IPv4, 1 IPv6 */
        char *mac;             /* may be NULL, as hostname and clientid */
        char *ipaddr;
        unsigned int prefix;
        char *hostname;
        char *clientid;
} vctl_network_lease;

/* The network's leases (mac NULL: all), in a NULL-terminated array
 * (vctl_network_lease_list_free); the count or -1. */
int vctl_network_get_dhcp_leases(vctl_network *net, const char *mac,
                                 vctl_network_lease ***ret_leases, unsigned int flags);
void vctl_network_lease_list_free(vctl_network_lease **leases);

/* A guest interface and its addresses (libvirt's virDomainInterface). */
typedef struct vctl_domain_iface_addr {
        int type; /* 0 IPv4, 1 IPv6 */
        char *addr;
        unsigned int prefix;
} vctl_domain_iface_addr;

typedef struct vctl_domain_iface {
        char *name;   /* the host side device */
        char *hwaddr; /* may be NULL */
        unsigned int naddrs;
        vctl_domain_iface_addr *addrs;
} vctl_domain_iface;

enum { VCTL_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE = 0 };
/* A running domain's interfaces with addresses from source, in a
 * NULL-terminated array (vctl_domain_iface_list_free); the count or -1. */
int vctl_domain_interface_addresses(vctl_domain *dom, vctl_domain_iface ***ret_ifaces,
                                    unsigned int source, unsigned int flags);
void vctl_domain_iface_list_free(vctl_domain_iface **ifaces);

#ifdef __cplusplus
}
#endif
