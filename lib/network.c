/* libvctl's network calls: handles, lookups, life cycle, leases, and the
 * interface addresses of domains. In process (test:///default) through the
 * driver's network table, else over RPC (remote_network.c). */
#include "config.h"

#include "lib/libvctl_priv.h"
#include "lib/remote_network.h"

#include "lib/util/error.h"
#include "lib/util/i18n.h"
#include "lib/util/uuid.h"

#include <string.h>

struct vctl_network {
        vctl_conn *conn; /* a reference */
        drv_network *n;
};

/* Fails with NO_SUPPORT when the in-process driver has no networks. */
static int net_backend_check(vctl_conn *conn)
{
        if (!conn->remote && !conn->driver->network)
                return vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_NETWORK,
                                      _("the %s driver has no virtual networks"),
                                      conn->driver->type);
        return 0;
}

#define NET_OP(conn, op, ...)                                                                      \
        ((conn)->remote ? remote_net_##op((conn)->remote, __VA_ARGS__)                             \
                        : (conn)->driver->network->op((conn)->drv, __VA_ARGS__))

HANDLE_FUNCS(static, vctl_network, drv_network, n, drv_network_free, net_wrap, vctl_network_free,
             vctl_network_list_free)

static int net_check(vctl_network *net)
{
        if (!net) {
                vctl_error_clear();
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE, _("no network given"));
        }
        if (conn_check(net->conn) < 0)
                return -1;
        return net_backend_check(net->conn);
}

static int net_check_writable(vctl_network *net, const char *what)
{
        if (net_check(net) < 0)
                return -1;
        if (net->conn->flags & VCTL_CONNECT_RO)
                return vctl_error_set(VCTL_ERR_OPERATION_DENIED, VCTL_FROM_NONE,
                                      _("cannot %s network '%s': the connection to '%s' is "
                                        "read-only"),
                                      what, net->n->name, net->conn->uri->name);
        return 0;
}

static int net_conn_check(vctl_conn *conn)
{
        if (conn_check(conn) < 0)
                return -1;
        return net_backend_check(conn);
}

int vctl_conn_list_all_networks(vctl_conn *conn, vctl_network ***ret_networks, unsigned int flags)
{
        g_autoptr(GPtrArray) list = NULL;

        if (net_conn_check(conn) < 0 || NET_OP(conn, list_all, flags, &list) < 0)
                return -1;
        return net_wrap_list(conn, list, ret_networks);
}

vctl_network *vctl_network_lookup_by_name(vctl_conn *conn, const char *name)
{
        if (net_conn_check(conn) < 0)
                return NULL;
        if (!name) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE, _("no network name given"));
                return NULL;
        }
        return net_wrap(conn, NET_OP(conn, lookup_by_name, name));
}

vctl_network *vctl_network_lookup_by_uuid_string(vctl_conn *conn, const char *uuid)
{
        unsigned char raw[VCTL_UUID_LEN];

        if (net_conn_check(conn) < 0)
                return NULL;
        if (handle_uuid_parse(uuid, raw) < 0)
                return NULL;
        return net_wrap(conn, NET_OP(conn, lookup_by_uuid, raw));
}

vctl_network *vctl_network_define_xml(vctl_conn *conn, const char *xml, unsigned int flags)
{
        if (net_conn_check(conn) < 0 || conn_check_writable(conn, _("define a network")) < 0)
                return NULL;
        return net_wrap(conn, NET_OP(conn, define_xml, xml, flags));
}

vctl_network *vctl_network_create_xml(vctl_conn *conn, const char *xml, unsigned int flags)
{
        if (net_conn_check(conn) < 0 || conn_check_writable(conn, _("create a network")) < 0)
                return NULL;
        return net_wrap(conn, NET_OP(conn, create_xml, xml, flags));
}

const char *vctl_network_get_name(const vctl_network *net)
{
        return net ? net->n->name : NULL;
}

int vctl_network_get_uuid_string(const vctl_network *net, char buf[VCTL_UUID_STRING_BUFLEN])
{
        if (!net || !buf)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("no network or buffer given"));
        vctl_uuid_format(net->n->uuid, buf);
        return 0;
}

int vctl_network_create(vctl_network *net)
{
        if (net_check_writable(net, _("start")) < 0)
                return -1;
        return NET_OP(net->conn, create, net->n) < 0 ? -1 : 0;
}

int vctl_network_destroy(vctl_network *net)
{
        if (net_check_writable(net, _("destroy")) < 0)
                return -1;
        return NET_OP(net->conn, destroy, net->n) < 0 ? -1 : 0;
}

int vctl_network_undefine(vctl_network *net)
{
        if (net_check_writable(net, _("undefine")) < 0)
                return -1;
        return NET_OP(net->conn, undefine, net->n) < 0 ? -1 : 0;
}

char *vctl_network_get_xml_desc(vctl_network *net, unsigned int flags)
{
        if (net_check(net) < 0)
                return NULL;
        return NET_OP(net->conn, get_xml_desc, net->n, flags);
}

char *vctl_network_get_bridge_name(vctl_network *net)
{
        if (net_check(net) < 0)
                return NULL;
        return NET_OP(net->conn, get_bridge_name, net->n);
}

int vctl_network_get_autostart(vctl_network *net, int *ret_autostart)
{
        if (net_check(net) < 0)
                return -1;
        return NET_OP(net->conn, get_autostart, net->n, ret_autostart);
}

int vctl_network_set_autostart(vctl_network *net, int autostart)
{
        if (net_check_writable(net, _("set autostart of")) < 0)
                return -1;
        return NET_OP(net->conn, set_autostart, net->n, autostart);
}

int vctl_network_is_active(vctl_network *net)
{
        if (net_check(net) < 0)
                return -1;
        return NET_OP(net->conn, is_active, net->n);
}

int vctl_network_is_persistent(vctl_network *net)
{
        if (net_check(net) < 0)
                return -1;
        return NET_OP(net->conn, is_persistent, net->n);
}

static void vctl_network_lease_free(vctl_network_lease *l)
{
        if (!l)
                return;
        g_free(l->iface);
        g_free(l->mac);
        g_free(l->ipaddr);
        g_free(l->hostname);
        g_free(l->clientid);
        g_free(l);
}

void vctl_network_lease_list_free(vctl_network_lease **leases)
{
        if (!leases)
                return;
        for (vctl_network_lease **p = leases; *p; p++)
                vctl_network_lease_free(*p);
        g_free(leases);
}

int vctl_network_get_dhcp_leases(vctl_network *net, const char *mac,
                                 vctl_network_lease ***ret_leases, unsigned int flags)
{
        g_autoptr(GPtrArray) list = NULL;
        vctl_network_lease **out;

        if (net_check(net) < 0 || NET_OP(net->conn, get_dhcp_leases, net->n, mac, flags, &list) < 0)
                return -1;
        if (!ret_leases)
                return (int)list->len;
        out = g_new0(vctl_network_lease *, list->len + 1);
        for (guint i = 0; i < list->len; i++) {
                drv_network_lease *d = g_ptr_array_index(list, i);
                vctl_network_lease *l = g_new0(vctl_network_lease, 1);

                l->iface = g_steal_pointer(&d->iface);
                l->expiry_time = d->expiry;
                l->type = d->type;
                l->mac = g_steal_pointer(&d->mac);
                l->ipaddr = g_steal_pointer(&d->ipaddr);
                l->prefix = d->prefix;
                l->hostname = g_steal_pointer(&d->hostname);
                l->clientid = g_steal_pointer(&d->clientid);
                out[i] = l;
        }
        *ret_leases = out;
        return (int)list->len;
}

void vctl_domain_iface_list_free(vctl_domain_iface **ifaces)
{
        if (!ifaces)
                return;
        for (vctl_domain_iface **p = ifaces; *p; p++) {
                for (unsigned int a = 0; a < (*p)->naddrs; a++)
                        g_free((*p)->addrs[a].addr);
                g_free((*p)->addrs);
                g_free((*p)->name);
                g_free((*p)->hwaddr);
                g_free(*p);
        }
        g_free(ifaces);
}

int vctl_domain_interface_addresses(vctl_domain *dom, vctl_domain_iface ***ret_ifaces,
                                    unsigned int source, unsigned int flags)
{
        g_autoptr(GPtrArray) list = NULL;
        vctl_domain_iface **out;

        if (!dom) {
                vctl_error_clear();
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE, _("no domain given"));
        }
        if (net_conn_check(dom->conn) < 0 ||
            NET_OP(dom->conn, domain_interface_addresses, dom->d, source, flags, &list) < 0)
                return -1;
        if (!ret_ifaces)
                return (int)list->len;
        out = g_new0(vctl_domain_iface *, list->len + 1);
        for (guint i = 0; i < list->len; i++) {
                drv_iface *d = g_ptr_array_index(list, i);
                vctl_domain_iface *v = g_new0(vctl_domain_iface, 1);

                v->name = g_steal_pointer(&d->name);
                v->hwaddr = g_steal_pointer(&d->hwaddr);
                v->naddrs = d->addrs->len;
                v->addrs = g_new0(vctl_domain_iface_addr, MAX(d->addrs->len, 1));
                for (guint a = 0; a < d->addrs->len; a++) {
                        drv_iface_addr *da = g_ptr_array_index(d->addrs, a);

                        v->addrs[a].type = da->type;
                        v->addrs[a].addr = g_steal_pointer(&da->addr);
                        v->addrs[a].prefix = da->prefix;
                }
                out[i] = v;
        }
        *ret_ifaces = out;
        return (int)list->len;
}
