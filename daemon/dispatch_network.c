/* Network procedures (and DOMAIN_INTERFACE_ADDRESSES, whose addresses come
 * from the networks' DHCP leases): wire structs to the network driver's and
 * back, after the access check libvirt makes for each (object "network"). */
#include <config.h>

#include "daemon/dispatch_priv.h"
#include "conf/network_conf.h"
#include "daemon/events.h"
#include "driver/network/network_driver.h"
#include "lib/util/i18n.h"

#include <string.h>

#define NDRV(ctx) ((ctx)->conn->drv->network)
#define DC(ctx)   ((ctx)->conn->dc)
/* the network driver's entry, or a NO_SUPPORT error naming the operation */
#define NREQUIRE(ctx, entry, what)                                                                 \
        do {                                                                                       \
                if (!NDRV(ctx) || !NDRV(ctx)->entry)                                               \
                        return dispatch_unsupported(ctx, what);                                    \
        } while (0)

static drv_network dispatch_net_in(const remote_nonnull_network *w)
{
        drv_network n = {.name = w->name};

        memcpy(n.uuid, w->uuid, sizeof(n.uuid));
        return n;
}

/* Fills a wire network (takes net); -1 when net is NULL. */
static int dispatch_net_out(drv_network *net, remote_nonnull_network *w)
{
        if (!net)
                return -1;
        w->name = g_steal_pointer(&net->name);
        memcpy(w->uuid, net->uuid, sizeof(w->uuid));
        drv_network_free(net);
        return 0;
}

/* The access check for net: details network_name and network_uuid. */
static int dispatch_net_access(dispatch_ctx *ctx, const drv_network *net, const char *perm)
{
        char uuid[VCTL_UUID_STRING_LEN];
        access_detail details[] = {
                {"network_name", net->name},
                {"network_uuid", vctl_uuid_format(net->uuid, uuid)},
                {NULL, NULL},
        };

        return dispatch_access(ctx, "network", perm, details);
}

static gboolean dispatch_net_visible(dispatch_ctx *ctx, const drv_network *net)
{
        char uuid[VCTL_UUID_STRING_LEN];
        access_detail details[] = {
                {"network_name", net->name},
                {"network_uuid", vctl_uuid_format(net->uuid, uuid)},
                {NULL, NULL},
        };

        return dispatch_access_visible(ctx, "network", details);
}

/* The visible networks matching flags. */
static int dispatch_net_list(dispatch_ctx *ctx, unsigned int flags, GPtrArray **ret)
{
        g_autoptr(GPtrArray) all = NULL;
        GPtrArray *out;

        NREQUIRE(ctx, list_all, "listing networks");
        if (dispatch_access(ctx, "connect", "search_networks", NULL) < 0 ||
            NDRV(ctx)->list_all(DC(ctx), flags, &all) < 0)
                return -1;
        out = g_ptr_array_new_with_free_func((GDestroyNotify)drv_network_free);
        for (guint i = 0; i < all->len; i++) {
                drv_network *n = g_ptr_array_index(all, i);

                if (dispatch_net_visible(ctx, n))
                        g_ptr_array_add(out, drv_network_copy(n));
        }
        *ret = out;
        return 0;
}

static int dispatch_net_check_max(int max)
{
        if (max < 0 || max > REMOTE_NETWORK_LIST_MAX)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                                      _("maxnames must be between 0 and %d, not %d"),
                                      REMOTE_NETWORK_LIST_MAX, max);
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_list_all_networks)
{
        remote_connect_list_all_networks_args *args = args_;
        remote_connect_list_all_networks_ret *ret = ret_;
        g_autoptr(GPtrArray) nets = NULL;

        if (dispatch_net_list(ctx, args->flags, &nets) < 0)
                return -1;
        if (nets->len > REMOTE_NETWORK_LIST_MAX)
                return vctl_error_set(VCTL_ERR_OVERFLOW, VCTL_FROM_RPC,
                                      _("too many networks to list (%u, at most %d)"), nets->len,
                                      REMOTE_NETWORK_LIST_MAX);
        if (args->need_results && nets->len) {
                ret->nets.nets_val = g_new0(remote_nonnull_network, nets->len);
                ret->nets.nets_len = nets->len;
                for (guint i = 0; i < nets->len; i++)
                        dispatch_net_out(drv_network_copy(g_ptr_array_index(nets, i)),
                                         &ret->nets.nets_val[i]);
        }
        ret->ret = nets->len;
        return 0;
}

static int dispatch_net_count(dispatch_ctx *ctx, unsigned int flags, int *ret_num)
{
        g_autoptr(GPtrArray) nets = NULL;

        if (dispatch_net_list(ctx, flags, &nets) < 0)
                return -1;
        *ret_num = (int)nets->len;
        return 0;
}

static int dispatch_net_names(dispatch_ctx *ctx, unsigned int flags, int max,
                              remote_nonnull_string **ret_val, u_int *ret_len)
{
        g_autoptr(GPtrArray) nets = NULL;
        guint n;

        if (dispatch_net_check_max(max) < 0 || dispatch_net_list(ctx, flags, &nets) < 0)
                return -1;
        n = MIN(nets->len, (guint)max);
        *ret_len = n;
        *ret_val = n ? g_new0(remote_nonnull_string, n) : NULL;
        for (guint i = 0; i < n; i++)
                (*ret_val)[i] = g_strdup(((drv_network *)g_ptr_array_index(nets, i))->name);
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_num_of_networks)
{
        remote_connect_num_of_networks_ret *ret = ret_;

        return dispatch_net_count(ctx, DRV_LIST_NETWORKS_ACTIVE, &ret->num);
}

DISPATCH_HANDLER(dispatch_connect_num_of_defined_networks)
{
        remote_connect_num_of_defined_networks_ret *ret = ret_;

        return dispatch_net_count(ctx, DRV_LIST_NETWORKS_INACTIVE, &ret->num);
}

DISPATCH_HANDLER(dispatch_connect_list_networks)
{
        remote_connect_list_networks_args *args = args_;
        remote_connect_list_networks_ret *ret = ret_;

        return dispatch_net_names(ctx, DRV_LIST_NETWORKS_ACTIVE, args->maxnames,
                                  &ret->names.names_val, &ret->names.names_len);
}

DISPATCH_HANDLER(dispatch_connect_list_defined_networks)
{
        remote_connect_list_defined_networks_args *args = args_;
        remote_connect_list_defined_networks_ret *ret = ret_;

        return dispatch_net_names(ctx, DRV_LIST_NETWORKS_INACTIVE, args->maxnames,
                                  &ret->names.names_val, &ret->names.names_len);
}

/* A lookup result after its getattr check. */
static int dispatch_net_found(dispatch_ctx *ctx, drv_network *net, remote_nonnull_network *w)
{
        g_autoptr(drv_network) owned = net;

        if (!owned || dispatch_net_access(ctx, owned, "getattr") < 0)
                return -1;
        return dispatch_net_out(g_steal_pointer(&owned), w);
}

DISPATCH_HANDLER(dispatch_network_lookup_by_name)
{
        remote_network_lookup_by_name_args *args = args_;
        remote_network_lookup_by_name_ret *ret = ret_;

        NREQUIRE(ctx, lookup_by_name, "looking up networks");
        return dispatch_net_found(ctx, NDRV(ctx)->lookup_by_name(DC(ctx), args->name), &ret->net);
}

DISPATCH_HANDLER(dispatch_network_lookup_by_uuid)
{
        remote_network_lookup_by_uuid_args *args = args_;
        remote_network_lookup_by_uuid_ret *ret = ret_;

        NREQUIRE(ctx, lookup_by_uuid, "looking up networks");
        return dispatch_net_found(
                ctx, NDRV(ctx)->lookup_by_uuid(DC(ctx), (const unsigned char *)args->uuid),
                &ret->net);
}

/* define and create_xml check write and save (or start) on the network the
 * XML defines, as libvirt does: parsed here for its name and UUID (the
 * driver parses it again; a bad document fails here with the parser's
 * error). */
static int dispatch_net_xml_access(dispatch_ctx *ctx, const char *xml, const char *perm2)
{
        g_autoptr(network_def) def = NULL;
        drv_network probe;

        if (!xml)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NETWORK,
                                      _("no network XML given"));
        def = network_def_parse(xml, strlen(xml), NULL);
        if (!def)
                return -1;
        probe.name = def->name;
        memcpy(probe.uuid, def->uuid, sizeof(probe.uuid));
        if (dispatch_net_access(ctx, &probe, "write") < 0 ||
            dispatch_net_access(ctx, &probe, perm2) < 0)
                return -1;
        return 0;
}

DISPATCH_HANDLER(dispatch_network_define_xml)
{
        remote_network_define_xml_args *args = args_;
        remote_network_define_xml_ret *ret = ret_;

        NREQUIRE(ctx, define_xml, "defining networks");
        if (dispatch_net_xml_access(ctx, args->xml, "save") < 0)
                return -1;
        return dispatch_net_out(NDRV(ctx)->define_xml(DC(ctx), args->xml, 0), &ret->net);
}

DISPATCH_HANDLER(dispatch_network_create_xml)
{
        remote_network_create_xml_args *args = args_;
        remote_network_create_xml_ret *ret = ret_;

        NREQUIRE(ctx, create_xml, "creating networks");
        if (dispatch_net_xml_access(ctx, args->xml, "start") < 0)
                return -1;
        return dispatch_net_out(NDRV(ctx)->create_xml(DC(ctx), args->xml, 0), &ret->net);
}

/* Handlers whose args are { remote_nonnull_network net; ... }. */
#define NET_IN(T)                                                                                  \
        T *args = args_;                                                                           \
        drv_network net = dispatch_net_in(&args->net)

DISPATCH_HANDLER(dispatch_network_create)
{
        NET_IN(remote_network_create_args);

        NREQUIRE(ctx, create, "starting networks");
        if (dispatch_net_access(ctx, &net, "start") < 0)
                return -1;
        return NDRV(ctx)->create(DC(ctx), &net);
}

DISPATCH_HANDLER(dispatch_network_destroy)
{
        NET_IN(remote_network_destroy_args);

        NREQUIRE(ctx, destroy, "stopping networks");
        if (dispatch_net_access(ctx, &net, "stop") < 0)
                return -1;
        return NDRV(ctx)->destroy(DC(ctx), &net);
}

DISPATCH_HANDLER(dispatch_network_undefine)
{
        NET_IN(remote_network_undefine_args);

        NREQUIRE(ctx, undefine, "undefining networks");
        if (dispatch_net_access(ctx, &net, "delete") < 0)
                return -1;
        return NDRV(ctx)->undefine(DC(ctx), &net);
}

DISPATCH_HANDLER(dispatch_network_get_xml_desc)
{
        NET_IN(remote_network_get_xml_desc_args);
        remote_network_get_xml_desc_ret *ret = ret_;

        NREQUIRE(ctx, get_xml_desc, "dumping network XML");
        if (dispatch_net_access(ctx, &net, "read") < 0)
                return -1;
        ret->xml = NDRV(ctx)->get_xml_desc(DC(ctx), &net, args->flags);
        return ret->xml ? 0 : -1;
}

DISPATCH_HANDLER(dispatch_network_get_bridge_name)
{
        NET_IN(remote_network_get_bridge_name_args);
        remote_network_get_bridge_name_ret *ret = ret_;

        NREQUIRE(ctx, get_bridge_name, "getting a network's bridge");
        if (dispatch_net_access(ctx, &net, "read") < 0)
                return -1;
        ret->name = NDRV(ctx)->get_bridge_name(DC(ctx), &net);
        return ret->name ? 0 : -1;
}

DISPATCH_HANDLER(dispatch_network_get_autostart)
{
        NET_IN(remote_network_get_autostart_args);
        remote_network_get_autostart_ret *ret = ret_;

        NREQUIRE(ctx, get_autostart, "getting a network's autostart");
        if (dispatch_net_access(ctx, &net, "read") < 0)
                return -1;
        return NDRV(ctx)->get_autostart(DC(ctx), &net, &ret->autostart);
}

DISPATCH_HANDLER(dispatch_network_set_autostart)
{
        NET_IN(remote_network_set_autostart_args);

        NREQUIRE(ctx, set_autostart, "setting a network's autostart");
        if (dispatch_net_access(ctx, &net, "write") < 0)
                return -1;
        return NDRV(ctx)->set_autostart(DC(ctx), &net, args->autostart);
}

DISPATCH_HANDLER(dispatch_network_is_active)
{
        NET_IN(remote_network_is_active_args);
        remote_network_is_active_ret *ret = ret_;

        NREQUIRE(ctx, is_active, "checking whether a network is active");
        if (dispatch_net_access(ctx, &net, "read") < 0)
                return -1;
        ret->active = NDRV(ctx)->is_active(DC(ctx), &net);
        return ret->active < 0 ? -1 : 0;
}

DISPATCH_HANDLER(dispatch_network_is_persistent)
{
        NET_IN(remote_network_is_persistent_args);
        remote_network_is_persistent_ret *ret = ret_;

        NREQUIRE(ctx, is_persistent, "checking whether a network is persistent");
        if (dispatch_net_access(ctx, &net, "read") < 0)
                return -1;
        ret->persistent = NDRV(ctx)->is_persistent(DC(ctx), &net);
        return ret->persistent < 0 ? -1 : 0;
}

static remote_string dispatch_opt_str(const char *s)
{
        remote_string r;

        if (!s)
                return NULL;
        r = g_new0(char *, 1);
        *r = g_strdup(s);
        return r;
}

DISPATCH_HANDLER(dispatch_network_get_dhcp_leases)
{
        NET_IN(remote_network_get_dhcp_leases_args);
        remote_network_get_dhcp_leases_ret *ret = ret_;
        g_autoptr(GPtrArray) leases = NULL;

        NREQUIRE(ctx, get_dhcp_leases, "getting DHCP leases");
        if (dispatch_net_access(ctx, &net, "read") < 0 ||
            NDRV(ctx)->get_dhcp_leases(DC(ctx), &net, args->mac ? *args->mac : NULL, args->flags,
                                       &leases) < 0)
                return -1;
        if (leases->len > REMOTE_NETWORK_DHCP_LEASES_MAX)
                return vctl_error_set(VCTL_ERR_OVERFLOW, VCTL_FROM_RPC,
                                      _("network '%s': too many leases to send (%u, at most %d)"),
                                      net.name, leases->len, REMOTE_NETWORK_DHCP_LEASES_MAX);
        if (args->need_results && leases->len) {
                ret->leases.leases_val = g_new0(remote_network_dhcp_lease, leases->len);
                ret->leases.leases_len = leases->len;
                for (guint i = 0; i < leases->len; i++) {
                        const drv_network_lease *l = g_ptr_array_index(leases, i);
                        remote_network_dhcp_lease *w = &ret->leases.leases_val[i];

                        w->iface = g_strdup(l->iface ? l->iface : "");
                        w->expirytime = l->expiry;
                        w->type = l->type;
                        w->mac = dispatch_opt_str(l->mac);
                        w->ipaddr = g_strdup(l->ipaddr ? l->ipaddr : "");
                        w->prefix = l->prefix;
                        w->hostname = dispatch_opt_str(l->hostname);
                        w->clientid = dispatch_opt_str(l->clientid);
                }
        }
        ret->ret = leases->len;
        return 0;
}

DISPATCH_HANDLER(dispatch_domain_interface_addresses)
{
        remote_domain_interface_addresses_args *args = args_;
        remote_domain_interface_addresses_ret *ret = ret_;
        drv_domain dom = {.name = args->dom.name, .id = args->dom.id};
        char uuid[VCTL_UUID_STRING_LEN];
        access_detail details[] = {
                {"domain_name", args->dom.name}, {"domain_uuid", NULL}, {NULL, NULL}};
        g_autoptr(GPtrArray) ifaces = NULL;

        memcpy(dom.uuid, args->dom.uuid, sizeof(dom.uuid));
        details[1].value = vctl_uuid_format(dom.uuid, uuid);
        NREQUIRE(ctx, domain_interface_addresses, "getting interface addresses");
        if (dispatch_access(ctx, "domain", "read", details) < 0 ||
            NDRV(ctx)->domain_interface_addresses(DC(ctx), &dom, args->source, args->flags,
                                                  &ifaces) < 0)
                return -1;
        if (ifaces->len > REMOTE_DOMAIN_INTERFACE_MAX)
                return vctl_error_set(VCTL_ERR_OVERFLOW, VCTL_FROM_RPC,
                                      _("domain '%s': too many interfaces (%u, at most %d)"),
                                      dom.name, ifaces->len, REMOTE_DOMAIN_INTERFACE_MAX);
        ret->ifaces.ifaces_len = ifaces->len;
        ret->ifaces.ifaces_val = ifaces->len ? g_new0(remote_domain_interface, ifaces->len) : NULL;
        for (guint i = 0; i < ifaces->len; i++) {
                const drv_iface *d = g_ptr_array_index(ifaces, i);
                remote_domain_interface *w = &ret->ifaces.ifaces_val[i];
                guint n = MIN(d->addrs->len, (guint)REMOTE_DOMAIN_IP_ADDR_MAX);

                w->name = g_strdup(d->name);
                w->hwaddr = dispatch_opt_str(d->hwaddr);
                w->addrs.addrs_len = n;
                w->addrs.addrs_val = n ? g_new0(remote_domain_ip_addr, n) : NULL;
                for (guint a = 0; a < n; a++) {
                        const drv_iface_addr *da = g_ptr_array_index(d->addrs, a);

                        w->addrs.addrs_val[a].type = da->type;
                        w->addrs.addrs_val[a].addr = g_strdup(da->addr);
                        w->addrs.addrs_val[a].prefix = da->prefix;
                }
        }
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_network_event_register_any)
{
        remote_connect_network_event_register_any_args *args = args_;
        remote_connect_network_event_register_any_ret *ret = ret_;
        drv_network net = {0};

        if (dispatch_access(ctx, "connect", "search_networks", NULL) < 0)
                return -1;
        if (args->net)
                net = dispatch_net_in(args->net);
        return events_network_register(ctx->cl, args->eventID, args->net ? &net : NULL,
                                       &ret->callbackID);
}

DISPATCH_HANDLER(dispatch_connect_network_event_deregister_any)
{
        remote_connect_network_event_deregister_any_args *args = args_;

        return events_network_deregister(ctx->cl, args->callbackID);
}
