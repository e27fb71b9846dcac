/* DOMAIN_INTERFACE_ADDRESSES from the lease source: a running domain's
 * <interface type='network'> matched by MAC against its network's leases. */
#include "config.h"

#include "conf/domain_conf.h"
#include "driver/network/network_store.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

int netstore_domain_interface_addresses(network_store *s, const vctl_driver *drv, drv_conn *conn,
                                        const drv_domain *dom, unsigned int source,
                                        unsigned int flags, GPtrArray **ret)
{
        g_autofree char *xml = NULL;
        g_autoptr(domain_def) def = NULL;
        g_autoptr(GPtrArray) out = NULL;

        if (flags)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NETWORK,
                                      _("unsupported flags (0x%x) in getting interface "
                                        "addresses"),
                                      flags);
        if (source != DRV_IFACE_ADDRESSES_SRC_LEASE)
                return vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_NETWORK,
                                      _("domain '%s': interface addresses from source %u are not "
                                        "supported (only 'lease', from the DHCP server)"),
                                      dom->name, source);
        if (drv->is_active(conn, dom) != 1) {
                if (!vctl_error_last())
                        vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                                       _("domain '%s' is not running"), dom->name);
                return -1;
        }
        xml = drv->get_xml_desc(conn, dom, 0);
        if (!xml)
                return -1;
        {
                /* the live XML says id='N', which a definition may not */
                g_autoptr(GRegex) re = g_regex_new("^(<domain[^>]*?) id='[0-9]+'", 0, 0, NULL);
                g_autofree char *plain =
                        g_regex_replace(re, xml, -1, 0, "\\1", G_REGEX_MATCH_DEFAULT, NULL);

                if (!plain || !(def = domain_def_parse(plain, strlen(plain), NULL)))
                        return -1;
        }
        out = g_ptr_array_new_with_free_func((GDestroyNotify)drv_iface_free);
        for (guint i = 0; i < def->devices.nets->len; i++) {
                const domain_net *n = g_ptr_array_index(def->devices.nets, i);
                g_autoptr(GPtrArray) leases = NULL;
                g_autoptr(drv_network) net = NULL;
                char mac[18];
                drv_iface *iface;

                if (n->type != DOMAIN_NET_NETWORK || !n->network)
                        continue;
                g_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0], n->mac[1],
                           n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
                net = netstore_lookup_by_name(s, n->network);
                if (!net || netstore_get_dhcp_leases(s, net, mac, 0, &leases) < 0) {
                        vctl_error_clear();
                        continue;
                }
                if (!leases->len)
                        continue;
                iface = drv_iface_new(n->target_dev ? n->target_dev : "-", mac);
                for (guint l = 0; l < leases->len; l++) {
                        drv_network_lease *lease = g_ptr_array_index(leases, l);
                        drv_iface_addr *a = g_new0(drv_iface_addr, 1);

                        a->type = lease->type;
                        a->addr = g_strdup(lease->ipaddr);
                        a->prefix = lease->prefix;
                        g_ptr_array_add(iface->addrs, a);
                }
                g_ptr_array_add(out, iface);
        }
        *ret = g_steal_pointer(&out);
        return 0;
}
