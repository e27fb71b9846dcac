/* The network driver-table operations over RPC (remote_network.c): the
 * same signatures as vctl_network_driver's, on a remote_conn. */
#pragma once

#include "driver/network/network_driver.h"
#include "lib/remote.h"

int remote_net_list_all(remote_conn *rc, unsigned int flags, GPtrArray **ret);
drv_network *remote_net_lookup_by_name(remote_conn *rc, const char *name);
drv_network *remote_net_lookup_by_uuid(remote_conn *rc, const unsigned char uuid[VCTL_UUID_LEN]);
drv_network *remote_net_define_xml(remote_conn *rc, const char *xml, unsigned int flags);
int remote_net_undefine(remote_conn *rc, const drv_network *net);
drv_network *remote_net_create_xml(remote_conn *rc, const char *xml, unsigned int flags);
int remote_net_create(remote_conn *rc, const drv_network *net);
int remote_net_destroy(remote_conn *rc, const drv_network *net);
char *remote_net_get_xml_desc(remote_conn *rc, const drv_network *net, unsigned int flags);
char *remote_net_get_bridge_name(remote_conn *rc, const drv_network *net);
int remote_net_get_autostart(remote_conn *rc, const drv_network *net, int *ret_autostart);
int remote_net_set_autostart(remote_conn *rc, const drv_network *net, int autostart);
int remote_net_is_active(remote_conn *rc, const drv_network *net);
int remote_net_is_persistent(remote_conn *rc, const drv_network *net);
int remote_net_get_dhcp_leases(remote_conn *rc, const drv_network *net, const char *mac,
                               unsigned int flags, GPtrArray **ret);
int remote_net_domain_interface_addresses(remote_conn *rc, const drv_domain *dom,
                                          unsigned int source, unsigned int flags, GPtrArray **ret);
