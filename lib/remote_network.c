/* Network procedures over RPC: libvirt's remote_network_*_args in,
 * remote_*_ret out. */
#include "config.h"

#include "lib/remote_network.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

#define CALL(rc, proc, name, args, ret)                                                            \
        remote_call(rc, REMOTE_PROC_##proc, (xdrproc_t)xdr_remote_##name##_args, args,             \
                    (xdrproc_t)xdr_remote_##name##_ret, ret, sizeof(*(ret)))
#define CALL_NORET(rc, proc, name, args)                                                           \
        remote_call(rc, REMOTE_PROC_##proc, (xdrproc_t)xdr_remote_##name##_args, args, NULL, NULL, \
                    0)
#define FREE_RET(name, ret) xdr_free((xdrproc_t)xdr_remote_##name##_ret, (char *)(ret))

static void net_to_wire(const drv_network *net, remote_nonnull_network *w)
{
        w->name = net->name;
        memcpy(w->uuid, net->uuid, VCTL_UUID_LEN);
}

static drv_network *net_from_wire(const remote_nonnull_network *w)
{
        return drv_network_new(w->name, (const unsigned char *)w->uuid);
}

int remote_net_list_all(remote_conn *rc, unsigned int flags, GPtrArray **ret)
{
        remote_connect_list_all_networks_args args = {.need_results = 1, .flags = flags};
        remote_connect_list_all_networks_ret r = {0};
        GPtrArray *list;

        if (CALL(rc, CONNECT_LIST_ALL_NETWORKS, connect_list_all_networks, &args, &r) < 0)
                return -1;
        list = g_ptr_array_new_with_free_func((GDestroyNotify)drv_network_free);
        for (u_int i = 0; i < r.nets.nets_len; i++)
                g_ptr_array_add(list, net_from_wire(&r.nets.nets_val[i]));
        FREE_RET(connect_list_all_networks, &r);
        *ret = list;
        return 0;
}

drv_network *remote_net_lookup_by_name(remote_conn *rc, const char *name)
{
        remote_network_lookup_by_name_args args = {.name = (char *)name};
        remote_network_lookup_by_name_ret r = {0};
        drv_network *net;

        if (CALL(rc, NETWORK_LOOKUP_BY_NAME, network_lookup_by_name, &args, &r) < 0)
                return NULL;
        net = net_from_wire(&r.net);
        FREE_RET(network_lookup_by_name, &r);
        return net;
}

drv_network *remote_net_lookup_by_uuid(remote_conn *rc, const unsigned char uuid[VCTL_UUID_LEN])
{
        remote_network_lookup_by_uuid_args args;
        remote_network_lookup_by_uuid_ret r = {0};
        drv_network *net;

        memcpy(args.uuid, uuid, VCTL_UUID_LEN);
        if (CALL(rc, NETWORK_LOOKUP_BY_UUID, network_lookup_by_uuid, &args, &r) < 0)
                return NULL;
        net = net_from_wire(&r.net);
        FREE_RET(network_lookup_by_uuid, &r);
        return net;
}

drv_network *remote_net_define_xml(remote_conn *rc, const char *xml, unsigned int flags)
{
        remote_network_define_xml_args args = {.xml = (char *)xml};
        remote_network_define_xml_ret r = {0};
        drv_network *net;

        if (flags) { /* NETWORK_DEFINE_XML_FLAGS is not part of vctl's protocol */
                vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_REMOTE,
                               _("defining a network with flags (0x%x) is not supported"), flags);
                return NULL;
        }
        if (CALL(rc, NETWORK_DEFINE_XML, network_define_xml, &args, &r) < 0)
                return NULL;
        net = net_from_wire(&r.net);
        FREE_RET(network_define_xml, &r);
        return net;
}

drv_network *remote_net_create_xml(remote_conn *rc, const char *xml, unsigned int flags)
{
        remote_network_create_xml_args args = {.xml = (char *)xml};
        remote_network_create_xml_ret r = {0};
        drv_network *net;

        if (flags) {
                vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_REMOTE,
                               _("creating a network with flags (0x%x) is not supported"), flags);
                return NULL;
        }
        if (CALL(rc, NETWORK_CREATE_XML, network_create_xml, &args, &r) < 0)
                return NULL;
        net = net_from_wire(&r.net);
        FREE_RET(network_create_xml, &r);
        return net;
}

int remote_net_undefine(remote_conn *rc, const drv_network *net)
{
        remote_network_undefine_args args;

        net_to_wire(net, &args.net);
        return CALL_NORET(rc, NETWORK_UNDEFINE, network_undefine, &args);
}

int remote_net_create(remote_conn *rc, const drv_network *net)
{
        remote_network_create_args args;

        net_to_wire(net, &args.net);
        return CALL_NORET(rc, NETWORK_CREATE, network_create, &args);
}

int remote_net_destroy(remote_conn *rc, const drv_network *net)
{
        remote_network_destroy_args args;

        net_to_wire(net, &args.net);
        return CALL_NORET(rc, NETWORK_DESTROY, network_destroy, &args);
}

char *remote_net_get_xml_desc(remote_conn *rc, const drv_network *net, unsigned int flags)
{
        remote_network_get_xml_desc_args args = {.flags = flags};
        remote_network_get_xml_desc_ret r = {0};
        char *xml;

        net_to_wire(net, &args.net);
        if (CALL(rc, NETWORK_GET_XML_DESC, network_get_xml_desc, &args, &r) < 0)
                return NULL;
        xml = g_strdup(r.xml);
        FREE_RET(network_get_xml_desc, &r);
        return xml;
}

char *remote_net_get_bridge_name(remote_conn *rc, const drv_network *net)
{
        remote_network_get_bridge_name_args args;
        remote_network_get_bridge_name_ret r = {0};
        char *name;

        net_to_wire(net, &args.net);
        if (CALL(rc, NETWORK_GET_BRIDGE_NAME, network_get_bridge_name, &args, &r) < 0)
                return NULL;
        name = g_strdup(r.name);
        FREE_RET(network_get_bridge_name, &r);
        return name;
}

int remote_net_get_autostart(remote_conn *rc, const drv_network *net, int *ret_autostart)
{
        remote_network_get_autostart_args args;
        remote_network_get_autostart_ret r = {0};

        net_to_wire(net, &args.net);
        if (CALL(rc, NETWORK_GET_AUTOSTART, network_get_autostart, &args, &r) < 0)
                return -1;
        *ret_autostart = r.autostart;
        return 0;
}

int remote_net_set_autostart(remote_conn *rc, const drv_network *net, int autostart)
{
        remote_network_set_autostart_args args = {.autostart = autostart};

        net_to_wire(net, &args.net);
        return CALL_NORET(rc, NETWORK_SET_AUTOSTART, network_set_autostart, &args);
}

int remote_net_is_active(remote_conn *rc, const drv_network *net)
{
        remote_network_is_active_args args;
        remote_network_is_active_ret r = {0};

        net_to_wire(net, &args.net);
        if (CALL(rc, NETWORK_IS_ACTIVE, network_is_active, &args, &r) < 0)
                return -1;
        return r.active;
}

int remote_net_is_persistent(remote_conn *rc, const drv_network *net)
{
        remote_network_is_persistent_args args;
        remote_network_is_persistent_ret r = {0};

        net_to_wire(net, &args.net);
        if (CALL(rc, NETWORK_IS_PERSISTENT, network_is_persistent, &args, &r) < 0)
                return -1;
        return r.persistent;
}

static char *opt_dup(remote_string s)
{
        return s ? g_strdup(*s) : NULL;
}

int remote_net_get_dhcp_leases(remote_conn *rc, const drv_network *net, const char *mac,
                               unsigned int flags, GPtrArray **ret)
{
        char *m = (char *)mac;
        remote_network_get_dhcp_leases_args args = {
                .mac = mac ? &m : NULL, .need_results = 1, .flags = flags};
        remote_network_get_dhcp_leases_ret r = {0};
        GPtrArray *list;

        net_to_wire(net, &args.net);
        if (CALL(rc, NETWORK_GET_DHCP_LEASES, network_get_dhcp_leases, &args, &r) < 0)
                return -1;
        list = g_ptr_array_new_with_free_func((GDestroyNotify)drv_network_lease_free);
        for (u_int i = 0; i < r.leases.leases_len; i++) {
                const remote_network_dhcp_lease *w = &r.leases.leases_val[i];
                drv_network_lease *l = g_new0(drv_network_lease, 1);

                l->iface = g_strdup(w->iface);
                l->expiry = w->expirytime;
                l->type = w->type;
                l->mac = opt_dup(w->mac);
                l->ipaddr = g_strdup(w->ipaddr);
                l->prefix = w->prefix;
                l->hostname = opt_dup(w->hostname);
                l->clientid = opt_dup(w->clientid);
                g_ptr_array_add(list, l);
        }
        FREE_RET(network_get_dhcp_leases, &r);
        *ret = list;
        return 0;
}

int remote_net_domain_interface_addresses(remote_conn *rc, const drv_domain *dom,
                                          unsigned int source, unsigned int flags, GPtrArray **ret)
{
        remote_domain_interface_addresses_args args = {.source = source, .flags = flags};
        remote_domain_interface_addresses_ret r = {0};
        GPtrArray *list;

        args.dom.name = dom->name;
        memcpy(args.dom.uuid, dom->uuid, VCTL_UUID_LEN);
        args.dom.id = dom->id;
        if (CALL(rc, DOMAIN_INTERFACE_ADDRESSES, domain_interface_addresses, &args, &r) < 0)
                return -1;
        list = g_ptr_array_new_with_free_func((GDestroyNotify)drv_iface_free);
        for (u_int i = 0; i < r.ifaces.ifaces_len; i++) {
                const remote_domain_interface *w = &r.ifaces.ifaces_val[i];
                drv_iface *iface = drv_iface_new(w->name, w->hwaddr ? *w->hwaddr : NULL);

                for (u_int a = 0; a < w->addrs.addrs_len; a++) {
                        drv_iface_addr *addr = g_new0(drv_iface_addr, 1);

                        addr->type = w->addrs.addrs_val[a].type;
                        addr->addr = g_strdup(w->addrs.addrs_val[a].addr);
                        addr->prefix = w->addrs.addrs_val[a].prefix;
                        g_ptr_array_add(iface->addrs, addr);
                }
                g_ptr_array_add(list, iface);
        }
        FREE_RET(domain_interface_addresses, &r);
        *ret = list;
        return 0;
}
