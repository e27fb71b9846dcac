/* Virtual network definitions: libvirt's <network> XML, the subset vctl's
 * network driver (bridge + dnsmasq + nftables) implements. */
#pragma once

#include "lib/util/uuid.h"

#include <glib.h>
#include <netinet/in.h>

#define NETWORK_MAC_LEN          6
#define NETWORK_BRIDGE_NAME_MAX  15   /* IFNAMSIZ - 1 */
#define NETWORK_BRIDGE_DELAY_MAX 3600 /* seconds */
#define NETWORK_MAX_IPS          16
#define NETWORK_MAX_DHCP_RANGES  64
#define NETWORK_MAX_DHCP_HOSTS   4096
#define NETWORK_MAX_DNS_HOSTS    4096
#define NETWORK_MAX_HOSTNAMES    64

typedef enum {
        NETWORK_FORWARD_NONE = 0, /* isolated: no <forward> */
        NETWORK_FORWARD_NAT,
        NETWORK_FORWARD_ROUTE,
        NETWORK_FORWARD_OPEN,
        NETWORK_FORWARD_BRIDGE, /* an existing host bridge, named by <bridge name> */
} network_forward_mode;

/* "nat", "route", "open", "bridge"; "none" for NETWORK_FORWARD_NONE. */
const char *network_forward_mode_name(network_forward_mode mode);

typedef struct network_dhcp_range {
        struct in_addr start; /* network byte order, as from inet_pton */
        struct in_addr end;
} network_dhcp_range;

typedef struct network_dhcp_host {
        gboolean has_mac;
        unsigned char mac[NETWORK_MAC_LEN];
        char *name; /* NULL when absent */
        struct in_addr ip;
} network_dhcp_host;

typedef struct network_ip {
        gboolean family_given;  /* family='ipv4' was written (kept on output) */
        struct in_addr address; /* the host side address of the bridge */
        unsigned int prefix;    /* 0..32 */
        gboolean netmask_given; /* written as netmask= rather than prefix= */
        gboolean has_dhcp;      /* a <dhcp> element was present */
        GArray *dhcp_ranges;    /* of network_dhcp_range */
        GPtrArray *dhcp_hosts;  /* of network_dhcp_host */
} network_ip;

typedef struct network_dns_host {
        struct in_addr ip;
        GPtrArray *hostnames; /* of char *, at least one */
} network_dns_host;

typedef struct network_def network_def;
struct network_def {
        char *name;
        unsigned char uuid[VCTL_UUID_LEN];

        network_forward_mode forward_mode;
        char *forward_dev;           /* outgoing interface (nat, route); NULL for any */
        unsigned int nat_port_start; /* both 0 when no <nat><port> */
        unsigned int nat_port_end;

        char *bridge_name;   /* NULL: the driver picks one (virbrN) */
        gboolean stp;        /* default on */
        unsigned long delay; /* seconds, default 0 */

        gboolean has_mac;
        unsigned char mac[NETWORK_MAC_LEN];

        char *domain_name;     /* DNS domain handed out by dnsmasq, NULL when absent */
        int domain_local_only; /* -1 absent, 0 no, 1 yes */

        GPtrArray *dns_hosts; /* of network_dns_host */
        GPtrArray *ips;       /* of network_ip; at most one has DHCP */
};

/* Netmask (network byte order) of a prefix length 0..32. */
struct in_addr network_prefix_to_netmask(unsigned int prefix);

/* The <ip> that has DHCP, or NULL. */
const network_ip *network_def_dhcp_ip(const network_def *def);

/* Parses a <network> document (conf_parse_document); NULL on failure with
 * the last error set and every issue in *ret_issues when not NULL. */
network_def *network_def_parse(const char *xml, size_t len, GPtrArray **ret_issues);
/* The definition as libvirt's net-dumpxml writes it. */
char *network_def_format(const network_def *def);
void network_def_free(network_def *def);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(network_def, network_def_free)
