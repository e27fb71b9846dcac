/* The network driver table's shared values: handles, leases, interfaces. */
#include "config.h"

#include "driver/network/network_driver.h"

#include <string.h>

drv_network *drv_network_new(const char *name, const unsigned char uuid[VCTL_UUID_LEN])
{
        drv_network *net = g_new0(drv_network, 1);

        net->name = g_strdup(name);
        memcpy(net->uuid, uuid, VCTL_UUID_LEN);
        return net;
}

drv_network *drv_network_copy(const drv_network *net)
{
        return net ? drv_network_new(net->name, net->uuid) : NULL;
}

void drv_network_free(drv_network *net)
{
        if (!net)
                return;
        g_free(net->name);
        g_free(net);
}

void drv_network_lease_free(drv_network_lease *l)
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

static void drv_iface_addr_free(drv_iface_addr *a)
{
        if (!a)
                return;
        g_free(a->addr);
        g_free(a);
}

drv_iface *drv_iface_new(const char *name, const char *hwaddr)
{
        drv_iface *i = g_new0(drv_iface, 1);

        i->name = g_strdup(name);
        i->hwaddr = g_strdup(hwaddr);
        i->addrs = g_ptr_array_new_with_free_func((GDestroyNotify)drv_iface_addr_free);
        return i;
}

void drv_iface_free(drv_iface *i)
{
        if (!i)
                return;
        g_free(i->name);
        g_free(i->hwaddr);
        g_ptr_array_unref(i->addrs);
        g_free(i);
}
