/* The network driver table: virtual networks (bridge + dnsmasq + nftables on
 * a qemu:///system host, in memory for test:///default), their DHCP leases
 * and the addresses of guest interfaces on them.
 *
 * Like the domain table (driver/driver.h), entries get C values and return C
 * values, set the thread's last error on failure and are safe to call from
 * several threads at once. */
#pragma once

#include <glib.h>

#include "driver/driver.h"

/* A network as the wire names it (remote_nonnull_network). */
typedef struct drv_network {
        char *name;
        unsigned char uuid[VCTL_UUID_LEN];
} drv_network;

drv_network *drv_network_new(const char *name, const unsigned char uuid[VCTL_UUID_LEN]);
drv_network *drv_network_copy(const drv_network *net);
void drv_network_free(drv_network *net); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(drv_network, drv_network_free)

/* libvirt's virConnectListAllNetworksFlags */
enum {
        DRV_LIST_NETWORKS_INACTIVE = 1 << 0,
        DRV_LIST_NETWORKS_ACTIVE = 1 << 1,
        DRV_LIST_NETWORKS_PERSISTENT = 1 << 2,
        DRV_LIST_NETWORKS_TRANSIENT = 1 << 3,
        DRV_LIST_NETWORKS_AUTOSTART = 1 << 4,
        DRV_LIST_NETWORKS_NO_AUTOSTART = 1 << 5,
};

/* libvirt's virNetworkEventLifecycleType */
enum {
        DRV_NETWORK_EVENT_DEFINED = 0,
        DRV_NETWORK_EVENT_UNDEFINED = 1,
        DRV_NETWORK_EVENT_STARTED = 2,
        DRV_NETWORK_EVENT_STOPPED = 3,
};

/* One DHCP lease (libvirt's virNetworkDHCPLease). */
typedef struct drv_network_lease {
        char *iface;   /* the network's bridge */
        gint64 expiry; /* seconds since the epoch; 0: never */
        int type;      /* 0 ipv4, 1 ipv6 (libvirt's virIPAddrType) */
        char *mac;     /* may be NULL */
        char *ipaddr;
        unsigned int prefix;
        char *hostname; /* may be NULL */
        char *clientid; /* may be NULL */
} drv_network_lease;

void drv_network_lease_free(drv_network_lease *lease); /* accepts NULL */

/* One guest interface and its addresses (libvirt's virDomainInterface). */
typedef struct drv_iface_addr {
        int type; /* 0 ipv4, 1 ipv6 */
        char *addr;
        unsigned int prefix;
} drv_iface_addr;

typedef struct drv_iface {
        char *name;       /* the host side device (vnet0) */
        char *hwaddr;     /* may be NULL */
        GPtrArray *addrs; /* of drv_iface_addr */
} drv_iface;

drv_iface *drv_iface_new(const char *name, const char *hwaddr);
void drv_iface_free(drv_iface *iface); /* accepts NULL */

/* Lifecycle event delivery (as drv_domain_event_fn). */
typedef void (*drv_network_event_fn)(const drv_network *net, int event, int detail, void *opaque);

/* libvirt's virDomainInterfaceAddressesSource */
enum {
        DRV_IFACE_ADDRESSES_SRC_LEASE = 0,
        DRV_IFACE_ADDRESSES_SRC_AGENT = 1,
        DRV_IFACE_ADDRESSES_SRC_ARP = 2
};

struct vctl_network_driver {
        /* flags: DRV_LIST_NETWORKS_*; *ret gets drv_network* sorted by name */
        int (*list_all)(drv_conn *conn, unsigned int flags, GPtrArray **ret);
        drv_network *(*lookup_by_name)(drv_conn *conn, const char *name);
        drv_network *(*lookup_by_uuid)(drv_conn *conn, const unsigned char uuid[VCTL_UUID_LEN]);
        drv_network *(*define_xml)(drv_conn *conn, const char *xml, unsigned int flags);
        int (*undefine)(drv_conn *conn, const drv_network *net);
        /* a transient network, started */
        drv_network *(*create_xml)(drv_conn *conn, const char *xml, unsigned int flags);
        int (*create)(drv_conn *conn, const drv_network *net);
        int (*destroy)(drv_conn *conn, const drv_network *net);
        char *(*get_xml_desc)(drv_conn *conn, const drv_network *net, unsigned int flags);
        char *(*get_bridge_name)(drv_conn *conn, const drv_network *net);
        int (*get_autostart)(drv_conn *conn, const drv_network *net, int *ret_autostart);
        int (*set_autostart)(drv_conn *conn, const drv_network *net, int autostart);
        int (*is_active)(drv_conn *conn, const drv_network *net);     /* 1, 0, -1 */
        int (*is_persistent)(drv_conn *conn, const drv_network *net); /* 1, 0, -1 */
        /* mac NULL: every lease; *ret gets drv_network_lease* */
        int (*get_dhcp_leases)(drv_conn *conn, const drv_network *net, const char *mac,
                               unsigned int flags, GPtrArray **ret);
        /* The interfaces of a running domain with their addresses from
         * source (only DRV_IFACE_ADDRESSES_SRC_LEASE); *ret gets drv_iface*. */
        int (*domain_interface_addresses)(drv_conn *conn, const drv_domain *dom,
                                          unsigned int source, unsigned int flags, GPtrArray **ret);
        /* net NULL: every network. Returns an id >= 0, or -1 (free_opaque
         * has then run on opaque). */
        int (*event_register)(drv_conn *conn, const drv_network *net, drv_network_event_fn fn,
                              void *opaque, GDestroyNotify free_opaque);
        int (*event_deregister)(drv_conn *conn, int id);
};

/* The host's networks (driver/network/bridge_driver.c), served on
 * qemu:///system connections, and the test driver's in-memory ones. */
extern const vctl_network_driver vctl_bridge_network_driver;
extern const vctl_network_driver vctl_test_network_driver;

/* Daemon-wide state of the host's networks, from the QEMU driver's
 * state_init/state_cleanup: loads definitions, finds running networks again
 * and autostarts the others. Session daemons have no networks (system FALSE). */
int network_state_init(const vctl_paths *paths);
void network_state_cleanup(void);

/* The bridge of the active host network name (for guest interfaces), or
 * NULL with the error set (no such network, not active, no daemon state). */
char *network_bridge_of(const char *name);
