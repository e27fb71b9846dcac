/* Host network plumbing for the network driver and the QEMU driver's guest
 * interfaces: bridges, taps and addresses over rtnetlink (libnl-3), and the
 * checks that keep vctl off what others own (names, subnets). */
#pragma once

#include <glib.h>
#include <netinet/in.h>

/* Whether a link named name exists on the host. */
gboolean net_link_exists(const char *name);

/* Creates bridge name (refused when it exists: never taken over), with STP
 * on or off, forward delay in seconds and mac (NULL: the kernel's). 0 or -1
 * with the last error set. */
int net_bridge_create(const char *name, const unsigned char *mac, gboolean stp,
                      unsigned long delay);
/* Adds addr/prefix (with its broadcast address) to link name. */
int net_addr_add(const char *name, struct in_addr addr, unsigned int prefix);
int net_link_set_up(const char *name);
/* Deletes link name; a link already gone is not an error. */
int net_link_delete(const char *name);
/* Makes link name a port of bridge. */
int net_link_set_master(const char *name, const char *bridge);

/* A tap device: name_template may be "vnet%d" (the kernel picks N) or a
 * fixed name, which must not exist yet. mac is the host side's address.
 * Returns the open fd (O_CLOEXEC; the tap lives as long as an fd to it)
 * and the name in *ret_name, or -1 with the last error set. */
int net_tap_create(const char *name_template, const unsigned char mac[6], char **ret_name);

/* When subnet addr/prefix overlaps an address or a route on the host: a
 * description ("address 192.0.2.2/24 of eth0") in *ret_what and TRUE. */
gboolean net_subnet_in_use(struct in_addr addr, unsigned int prefix, char **ret_what);

/* Reads /proc/sys/net/ipv4/ip_forward (under root, for tests: "" is the
 * host); 0/1, or -1 with the last error set. */
int net_ip_forward_get(void);
int net_ip_forward_set(int on);
