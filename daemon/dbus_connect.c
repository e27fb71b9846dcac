/* org.vctl.Connect: domain lists, lookups and definitions, the host's
 * identity, and the DomainEvent signal. Permissions are libvirt's for the
 * same calls (connect:search_domains, domain:getattr/write/save/start). */
#include <config.h>

#include "conf/domain_conf.h"
#include "daemon/dbus_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"
#include "lib/util/num.h"

#include <string.h>

#define DRV(call) ((call)->co->drv)
#define DC(call)  ((call)->co->dc)

/* (o) for a domain the caller may see; takes dom. */
static GVariant *connect_domain_reply(dbus_call *call, drv_domain *dom)
{
        g_autoptr(drv_domain) owned = dom;
        char uuid[VCTL_UUID_STRING_LEN];
        access_detail details[3];

        if (!dom)
                return NULL;
        dbus_domain_details(dom, uuid, details);
        if (dbus_access(call, "domain", "getattr", details) < 0)
                return NULL;
        return dbus_object_reply(call, DBUS_KIND_DOMAIN, dom->uuid);
}

static GVariant *connect_list_domains(dbus_call *call)
{
        g_autoptr(GPtrArray) doms = NULL;
        g_autofree dbus_named *named = NULL;
        guint32 flags;

        g_variant_get(call->params, "(u)", &flags);
        DBUS_REQUIRE(call, DRV(call), list_all_domains, _("listing domains"));
        if (dbus_access(call, "connect", "search_domains", NULL) < 0 ||
            DRV(call)->list_all_domains(DC(call), flags, &doms) < 0)
                return NULL;
        named = g_new0(dbus_named, MAX(doms->len, 1));
        for (guint i = 0; i < doms->len; i++) {
                const drv_domain *dom = g_ptr_array_index(doms, i);

                named[i] = (dbus_named){dom->name, dom->uuid};
        }
        return dbus_list_reply(call, DBUS_KIND_DOMAIN, "domain", "domain_name", "domain_uuid",
                               named, doms->len);
}

/* The checks libvirt makes before defining or creating from XML: on the
 * parsed name and UUID. A document that does not parse gets the parser's
 * error, as it would from the driver. */
static int connect_access_xml(dbus_call *call, const char *xml, const char *perm1,
                              const char *perm2)
{
        g_autoptr(domain_def) def = NULL;
        drv_domain dom = {0};
        char uuid[VCTL_UUID_STRING_LEN];
        access_detail details[3];

        if (dbus_check_length(call, _("the domain XML"), xml) < 0)
                return -1;
        def = domain_def_parse(xml, strlen(xml), NULL);
        if (!def)
                return -1;
        dom.name = def->name;
        memcpy(dom.uuid, def->uuid, sizeof(dom.uuid));
        dbus_domain_details(&dom, uuid, details);
        if (dbus_access(call, "domain", perm1, details) < 0 ||
            dbus_access(call, "domain", perm2, details) < 0)
                return -1;
        return 0;
}

static GVariant *connect_define_xml(dbus_call *call)
{
        const char *xml;
        drv_domain *dom;

        g_variant_get(call->params, "(&s)", &xml);
        DBUS_REQUIRE(call, DRV(call), define_xml, _("defining a domain"));
        if (connect_access_xml(call, xml, "write", "save") < 0)
                return NULL;
        dom = DRV(call)->define_xml(DC(call), xml, 0);
        return connect_domain_reply(call, dom);
}

static GVariant *connect_create_xml(dbus_call *call)
{
        const char *xml;
        guint32 flags;
        drv_domain *dom;

        g_variant_get(call->params, "(&su)", &xml, &flags);
        DBUS_REQUIRE(call, DRV(call), create_xml, _("creating a transient domain"));
        if (connect_access_xml(call, xml, "write", "start") < 0)
                return NULL;
        dom = DRV(call)->create_xml(DC(call), xml, flags);
        return connect_domain_reply(call, dom);
}

static GVariant *connect_lookup_by_id(dbus_call *call)
{
        gint32 id;

        g_variant_get(call->params, "(i)", &id);
        DBUS_REQUIRE(call, DRV(call), lookup_by_id, _("looking up a domain by ID"));
        return connect_domain_reply(call, DRV(call)->lookup_by_id(DC(call), id));
}

static GVariant *connect_lookup_by_name(dbus_call *call)
{
        const char *name;

        g_variant_get(call->params, "(&s)", &name);
        DBUS_REQUIRE(call, DRV(call), lookup_by_name, _("looking up a domain by name"));
        if (dbus_check_length(call, _("the domain name"), name) < 0)
                return NULL;
        return connect_domain_reply(call, DRV(call)->lookup_by_name(DC(call), name));
}

static GVariant *connect_lookup_by_uuid(dbus_call *call)
{
        unsigned char uuid[VCTL_UUID_LEN];
        const char *s;

        g_variant_get(call->params, "(&s)", &s);
        DBUS_REQUIRE(call, DRV(call), lookup_by_uuid, _("looking up a domain by UUID"));
        if (dbus_parse_uuid_arg(s, uuid) < 0)
                return NULL;
        return connect_domain_reply(call, DRV(call)->lookup_by_uuid(DC(call), uuid));
}

/* ---- properties ---- */

static guint64 connect_lib_version(void)
{
        g_auto(GStrv) parts = g_strsplit(PACKAGE_VERSION, ".", 4);
        unsigned long long v[3] = {0, 0, 0};

        for (int i = 0; i < 3 && parts[i]; i++)
                if (vctl_parse_ull(parts[i], 999, &v[i]) < 0)
                        v[i] = 0;
        return v[0] * 1000000ULL + v[1] * 1000ULL + v[2];
}

/* A property's value (floating), or NULL with the error set. */
static GVariant *connect_property(dbus_call *call, const char *name)
{
        unsigned long long v = 0;

        if (g_str_equal(name, "Hostname"))
                return g_variant_new_string(g_get_host_name());
        if (g_str_equal(name, "LibVersion"))
                return g_variant_new_uint64(connect_lib_version());
        if (g_str_equal(name, "Version")) {
                DBUS_REQUIRE(call, DRV(call), get_version, _("getting the hypervisor version"));
                if (DRV(call)->get_version(DC(call), &v) < 0)
                        return NULL;
                return g_variant_new_uint64(v);
        }
        vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC, _("%s has no property '%.64s'"),
                       DBUS_IFACE_CONNECT, name);
        return NULL;
}

static int connect_check_interface(const char *iface)
{
        if (g_str_equal(iface, DBUS_IFACE_CONNECT))
                return 0;
        return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                              _("a connection object has no interface '%.128s'"), iface);
}

static GVariant *connect_get(dbus_call *call)
{
        const char *iface, *name;

        g_variant_get(call->params, "(&s&s)", &iface, &name);
        if (connect_check_interface(iface) < 0 || dbus_access(call, "connect", "getattr", NULL) < 0)
                return NULL;
        return dbus_property_get(call, name, connect_property);
}

static GVariant *connect_get_all(dbus_call *call)
{
        static const char *const names[] = {"Hostname", "LibVersion", "Version"};
        const char *iface;

        g_variant_get(call->params, "(&s)", &iface);
        if (connect_check_interface(iface) < 0 || dbus_access(call, "connect", "getattr", NULL) < 0)
                return NULL;
        return dbus_property_get_all(call, names, G_N_ELEMENTS(names), connect_property);
}

static const dbus_method dbus_connect_methods[] = {
        {DBUS_IFACE_CONNECT, "ListDomains", FALSE, connect_list_domains},
        {DBUS_IFACE_CONNECT, "DomainDefineXML", TRUE, connect_define_xml},
        {DBUS_IFACE_CONNECT, "DomainCreateXML", TRUE, connect_create_xml},
        {DBUS_IFACE_CONNECT, "DomainLookupByID", FALSE, connect_lookup_by_id},
        {DBUS_IFACE_CONNECT, "DomainLookupByName", FALSE, connect_lookup_by_name},
        {DBUS_IFACE_CONNECT, "DomainLookupByUUID", FALSE, connect_lookup_by_uuid},
        {DBUS_IFACE_CONNECT, "ListNetworks", FALSE, dbus_connect_list_networks},
        {DBUS_IFACE_CONNECT, "NetworkLookupByName", FALSE, dbus_connect_network_lookup_by_name},
        {DBUS_IFACE_CONNECT, "NetworkLookupByUUID", FALSE, dbus_connect_network_lookup_by_uuid},
        {DBUS_IFACE_CONNECT, "NetworkDefineXML", TRUE, dbus_connect_network_define_xml},
        {DBUS_IFACE_CONNECT, "NetworkCreateXML", TRUE, dbus_connect_network_create_xml},
        {DBUS_IFACE_CONNECT, "ListStoragePools", FALSE, dbus_connect_list_storage_pools},
        {DBUS_IFACE_CONNECT, "StoragePoolLookupByName", FALSE, dbus_connect_pool_lookup_by_name},
        {DBUS_IFACE_CONNECT, "StoragePoolLookupByUUID", FALSE, dbus_connect_pool_lookup_by_uuid},
        {DBUS_IFACE_CONNECT, "StoragePoolDefineXML", TRUE, dbus_connect_pool_define_xml},
        {DBUS_IFACE_CONNECT, "StoragePoolCreateXML", TRUE, dbus_connect_pool_create_xml},
        {DBUS_IFACE_CONNECT, "StorageVolLookupByKey", FALSE, dbus_connect_vol_lookup_by_key},
        {DBUS_IFACE_CONNECT, "StorageVolLookupByPath", FALSE, dbus_connect_vol_lookup_by_path},
        {DBUS_IFACE_PROPERTIES, "Get", FALSE, connect_get},
        {DBUS_IFACE_PROPERTIES, "GetAll", FALSE, connect_get_all},
        {DBUS_IFACE_PROPERTIES, "Set", TRUE, dbus_property_set_read_only},
        {NULL, NULL, FALSE, NULL},
};

static void connect_method_call(GDBusConnection *bus, const char *sender, const char *path,
                                const char *iface, const char *method, GVariant *params,
                                GDBusMethodInvocation *inv, gpointer data)
{
        (void)bus;
        (void)sender;
        (void)path;
        (void)params;
        dbus_dispatch(data, dbus_connect_methods, iface, method, inv);
}

/* get/set_property NULL: property calls come to method_call, so they run on
 * a worker behind the access checks like any other call. */
const GDBusInterfaceVTable dbus_connect_vtable = {
        .method_call = connect_method_call,
};

void dbus_connect_domain_event(dbus_conn_obj *co, const drv_domain *dom, int event, int detail)
{
        GDBusConnection *bus = dbus_service_bus(co->svc);
        g_autofree char *path = dbus_object_path(co, DBUS_KIND_DOMAIN, dom->uuid);

        if (!bus)
                return;
        g_dbus_connection_emit_signal(bus, NULL, co->path, DBUS_IFACE_CONNECT, "DomainEvent",
                                      g_variant_new("(oii)", path, event, detail), NULL);
        dbus_domain_emit_changed(co, dom);
}

void dbus_connect_network_event(dbus_conn_obj *co, const drv_network *net, int event)
{
        GDBusConnection *bus = dbus_service_bus(co->svc);
        g_autofree char *path = dbus_object_path(co, DBUS_KIND_NETWORK, net->uuid);

        if (!bus)
                return;
        g_dbus_connection_emit_signal(bus, NULL, co->path, DBUS_IFACE_CONNECT, "NetworkEvent",
                                      g_variant_new("(oi)", path, event), NULL);
        dbus_network_emit_changed(co, net);
}
