/* org.vctl.Network at <connection>/network/_<uuid>, and the network methods
 * of org.vctl.Connect. Permissions are libvirt's for the same calls (object
 * "network", details network_name and network_uuid), as the socket's
 * dispatch_network.c checks them. */
#include <config.h>

#include "conf/network_conf.h"
#include "daemon/dbus_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

#define NDRV(call) ((call)->co->drv->network)
#define DC(call)   ((call)->co->dc)
/* the driver entry, or a NO_SUPPORT error naming the operation */
#define NREQUIRE(call, entry, what) DBUS_REQUIRE(call, NDRV(call), entry, what)

gboolean dbus_network_available(const dbus_conn_obj *co)
{
        return co->drv->network && co->drv->network->lookup_by_uuid;
}

int dbus_network_resolve(dbus_call *call, const char *node)
{
        unsigned char uuid[VCTL_UUID_LEN];

        if (dbus_resolve_uuid(call, node, uuid) < 0)
                return -1;
        call->net = NDRV(call)->lookup_by_uuid(DC(call), uuid);
        return call->net ? 0 : -1;
}

GPtrArray *dbus_network_list_nodes(dbus_conn_obj *co)
{
        g_autoptr(GPtrArray) nets = NULL;

        if (!co->drv->network->list_all || co->drv->network->list_all(co->dc, 0, &nets) < 0)
                return NULL;
        return dbus_uuid_nodes(nets, G_STRUCT_OFFSET(drv_network, uuid));
}

static int network_access_named(dbus_call *call, const char *name,
                                const unsigned char uuid[VCTL_UUID_LEN], const char *perm)
{
        char buf[VCTL_UUID_STRING_LEN];
        access_detail details[] = {
                {"network_name", name},
                {"network_uuid", vctl_uuid_format(uuid, buf)},
                {NULL, NULL},
        };

        return dbus_access(call, "network", perm, details);
}

static int network_access(dbus_call *call, const char *perm)
{
        return network_access_named(call, call->net->name, call->net->uuid, perm);
}

/* (o) for a network the caller may see; takes net. */
static GVariant *network_reply(dbus_call *call, drv_network *net)
{
        g_autoptr(drv_network) owned = net;

        if (!net || network_access_named(call, net->name, net->uuid, "getattr") < 0)
                return NULL;
        return dbus_object_reply(call, DBUS_KIND_NETWORK, net->uuid);
}

/* ---- org.vctl.Connect ---- */

GVariant *dbus_connect_list_networks(dbus_call *call)
{
        g_autoptr(GPtrArray) nets = NULL;
        g_autofree dbus_named *named = NULL;
        guint32 flags;

        g_variant_get(call->params, "(u)", &flags);
        NREQUIRE(call, list_all, _("listing networks"));
        if (dbus_access(call, "connect", "search_networks", NULL) < 0 ||
            NDRV(call)->list_all(DC(call), flags, &nets) < 0)
                return NULL;
        named = g_new0(dbus_named, MAX(nets->len, 1));
        for (guint i = 0; i < nets->len; i++) {
                const drv_network *net = g_ptr_array_index(nets, i);

                named[i] = (dbus_named){net->name, net->uuid};
        }
        return dbus_list_reply(call, DBUS_KIND_NETWORK, "network", "network_name", "network_uuid",
                               named, nets->len);
}

GVariant *dbus_connect_network_lookup_by_name(dbus_call *call)
{
        const char *name;

        g_variant_get(call->params, "(&s)", &name);
        NREQUIRE(call, lookup_by_name, _("looking up a network by name"));
        if (dbus_check_length(call, _("the network name"), name) < 0)
                return NULL;
        return network_reply(call, NDRV(call)->lookup_by_name(DC(call), name));
}

GVariant *dbus_connect_network_lookup_by_uuid(dbus_call *call)
{
        unsigned char uuid[VCTL_UUID_LEN];
        const char *s;

        g_variant_get(call->params, "(&s)", &s);
        NREQUIRE(call, lookup_by_uuid, _("looking up a network by UUID"));
        if (dbus_parse_uuid_arg(s, uuid) < 0)
                return NULL;
        return network_reply(call, NDRV(call)->lookup_by_uuid(DC(call), uuid));
}

/* write and save (or start) on the network the XML defines, as libvirt
 * checks them: parsed here for its name and UUID. */
static int network_xml_access(dbus_call *call, const char *xml, const char *perm2)
{
        g_autoptr(network_def) def = NULL;

        if (dbus_check_length(call, _("the network XML"), xml) < 0)
                return -1;
        def = network_def_parse(xml, strlen(xml), NULL);
        if (!def)
                return -1;
        if (network_access_named(call, def->name, def->uuid, "write") < 0 ||
            network_access_named(call, def->name, def->uuid, perm2) < 0)
                return -1;
        return 0;
}

GVariant *dbus_connect_network_define_xml(dbus_call *call)
{
        const char *xml;

        g_variant_get(call->params, "(&s)", &xml);
        NREQUIRE(call, define_xml, _("defining a network"));
        if (network_xml_access(call, xml, "save") < 0)
                return NULL;
        return network_reply(call, NDRV(call)->define_xml(DC(call), xml, 0));
}

GVariant *dbus_connect_network_create_xml(dbus_call *call)
{
        const char *xml;

        g_variant_get(call->params, "(&s)", &xml);
        NREQUIRE(call, create_xml, _("creating a transient network"));
        if (network_xml_access(call, xml, "start") < 0)
                return NULL;
        return network_reply(call, NDRV(call)->create_xml(DC(call), xml, 0));
}

/* ---- org.vctl.Network ---- */

#define NETWORK_OP(fn, entry, what, perm)                                                          \
        static GVariant *fn(dbus_call *call)                                                       \
        {                                                                                          \
                NREQUIRE(call, entry, what);                                                       \
                if (network_access(call, perm) < 0 || NDRV(call)->entry(DC(call), call->net) < 0)  \
                        return NULL;                                                               \
                return dbus_void_reply();                                                          \
        }

NETWORK_OP(network_create, create, _("starting a network"), "start")
NETWORK_OP(network_destroy, destroy, _("stopping a network"), "stop")
NETWORK_OP(network_undefine, undefine, _("undefining a network"), "delete")

static GVariant *network_get_xml_desc(dbus_call *call)
{
        g_autofree char *xml = NULL;
        guint32 flags;

        g_variant_get(call->params, "(u)", &flags);
        NREQUIRE(call, get_xml_desc, _("getting a network's XML"));
        if (network_access(call, "read") < 0)
                return NULL;
        xml = NDRV(call)->get_xml_desc(DC(call), call->net, flags);
        return xml ? g_variant_new("(s)", xml) : NULL;
}

static const char *const network_props[] = {"Active", "Autostart",  "BridgeName",
                                            "Name",   "Persistent", "UUID"};

static GVariant *network_bool(dbus_call *call, int (*fn)(drv_conn *, const drv_network *),
                              const char *what)
{
        int r;

        if (!fn)
                return dbus_unsupported(call, what);
        r = fn(DC(call), call->net);
        return r < 0 ? NULL : g_variant_new_boolean(r > 0);
}

/* A property's value (floating), or NULL with the error set. */
static GVariant *network_property(dbus_call *call, const char *name)
{
        char uuid[VCTL_UUID_STRING_LEN];
        int v;

        if (g_str_equal(name, "Name"))
                return g_variant_new_string(call->net->name);
        if (g_str_equal(name, "UUID"))
                return g_variant_new_string(vctl_uuid_format(call->net->uuid, uuid));
        if (g_str_equal(name, "Active"))
                return network_bool(call, NDRV(call)->is_active,
                                    _("checking whether a network is active"));
        if (g_str_equal(name, "Persistent"))
                return network_bool(call, NDRV(call)->is_persistent,
                                    _("checking whether a network is persistent"));
        if (g_str_equal(name, "Autostart")) {
                NREQUIRE(call, get_autostart, _("getting a network's autostart"));
                if (NDRV(call)->get_autostart(DC(call), call->net, &v) < 0)
                        return NULL;
                return g_variant_new_boolean(v != 0);
        }
        if (g_str_equal(name, "BridgeName")) {
                g_autofree char *bridge = NULL;

                NREQUIRE(call, get_bridge_name, _("getting a network's bridge"));
                bridge = NDRV(call)->get_bridge_name(DC(call), call->net);
                return bridge ? g_variant_new_string(bridge) : NULL;
        }
        vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC, _("%s has no property '%.64s'"),
                       DBUS_IFACE_NETWORK, name);
        return NULL;
}

static GVariant *network_get(dbus_call *call)
{
        const char *iface, *name;
        gboolean attr;

        g_variant_get(call->params, "(&s&s)", &iface, &name);
        attr = g_str_equal(name, "Name") || g_str_equal(name, "UUID");
        if (dbus_check_interface(iface, DBUS_IFACE_NETWORK) < 0 ||
            network_access(call, attr ? "getattr" : "read") < 0)
                return NULL;
        return dbus_property_get(call, name, network_property);
}

static GVariant *network_get_all(dbus_call *call)
{
        const char *iface;

        g_variant_get(call->params, "(&s)", &iface);
        if (dbus_check_interface(iface, DBUS_IFACE_NETWORK) < 0 || network_access(call, "read") < 0)
                return NULL;
        return dbus_property_get_all(call, network_props, G_N_ELEMENTS(network_props),
                                     network_property);
}

static GVariant *network_set(dbus_call *call)
{
        g_autoptr(GVariant) value = NULL;
        g_autofree char *path = NULL;
        const char *iface, *name;

        g_variant_get(call->params, "(&s&sv)", &iface, &name, &value);
        if (dbus_check_interface(iface, DBUS_IFACE_NETWORK) < 0)
                return NULL;
        if (!g_str_equal(name, "Autostart")) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                               _("network '%s': property '%.64s' is read-only (only Autostart "
                                 "can be set)"),
                               call->net->name, name);
                return NULL;
        }
        if (!g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN)) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                               _("network '%s': Autostart is a boolean (b), not '%s'"),
                               call->net->name, g_variant_get_type_string(value));
                return NULL;
        }
        NREQUIRE(call, set_autostart, _("setting a network's autostart"));
        if (network_access(call, "write") < 0 ||
            NDRV(call)->set_autostart(DC(call), call->net, g_variant_get_boolean(value)) < 0)
                return NULL;
        path = dbus_object_path(call->co, DBUS_KIND_NETWORK, call->net->uuid);
        dbus_emit_autostart(call->co, path, DBUS_IFACE_NETWORK, g_variant_get_boolean(value));
        return dbus_void_reply();
}

void dbus_network_emit_changed(dbus_conn_obj *co, const drv_network *ev_net)
{
        const vctl_network_driver *nd = co->drv->network;
        g_autoptr(drv_network) net = nd->lookup_by_uuid(co->dc, ev_net->uuid);
        g_autofree char *path = dbus_object_path(co, DBUS_KIND_NETWORK, ev_net->uuid);
        int active = 0, persistent = 0;

        /* a network that is gone is reported as neither active nor persistent */
        if (net) {
                active = nd->is_active ? nd->is_active(co->dc, net) : 0;
                persistent = nd->is_persistent ? nd->is_persistent(co->dc, net) : 0;
        }
        vctl_error_clear();
        dbus_emit_state(co, path, DBUS_IFACE_NETWORK, active, persistent);
}

const dbus_method dbus_network_methods[] = {
        {DBUS_IFACE_NETWORK, "Create", TRUE, network_create},
        {DBUS_IFACE_NETWORK, "Destroy", TRUE, network_destroy},
        {DBUS_IFACE_NETWORK, "Undefine", TRUE, network_undefine},
        {DBUS_IFACE_NETWORK, "GetXMLDesc", FALSE, network_get_xml_desc},
        {DBUS_IFACE_PROPERTIES, "Get", FALSE, network_get},
        {DBUS_IFACE_PROPERTIES, "GetAll", FALSE, network_get_all},
        {DBUS_IFACE_PROPERTIES, "Set", TRUE, network_set},
        {NULL, NULL, FALSE, NULL},
};
