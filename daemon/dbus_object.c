/* The objects under a connection object: one D-Bus subtree per kind
 * (domains, networks, storage pools) serves every object of that kind, so
 * 10,000 domains cost no registrations; a call finds its object by the UUID
 * in the path (dbus.c looks it up before the method runs). */
#include <config.h>

#include "daemon/dbus_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

const dbus_kind dbus_kinds[DBUS_N_KINDS] = {
        [DBUS_KIND_DOMAIN] = {"domain", DBUS_IFACE_DOMAIN, "org.vctl.Domain.xml",
                              dbus_domain_methods, dbus_domain_available, dbus_node_is_uuid,
                              dbus_domain_resolve, dbus_domain_list_nodes},
        [DBUS_KIND_NETWORK] = {"network", DBUS_IFACE_NETWORK, "org.vctl.Network.xml",
                               dbus_network_methods, dbus_network_available, dbus_node_is_uuid,
                               dbus_network_resolve, dbus_network_list_nodes},
        [DBUS_KIND_POOL] = {"storagepool", DBUS_IFACE_POOL, "org.vctl.StoragePool.xml",
                            dbus_pool_methods, dbus_pool_available, dbus_node_is_uuid,
                            dbus_pool_resolve, dbus_pool_list_nodes},
        [DBUS_KIND_VOL] = {"storagevol", DBUS_IFACE_VOL, "org.vctl.StorageVol.xml",
                           dbus_vol_methods, dbus_vol_available, dbus_vol_node_valid,
                           dbus_vol_resolve, dbus_vol_list_nodes},
};

char *dbus_object_path(const dbus_conn_obj *co, dbus_kind_id kind,
                       const unsigned char uuid[VCTL_UUID_LEN])
{
        char buf[VCTL_UUID_STRING_LEN];

        vctl_uuid_format(uuid, buf);
        g_strdelimit(buf, "-", '_');
        return g_strdup_printf("%s/_%s", co->kind_path[kind], buf);
}

int dbus_resolve_uuid(dbus_call *call, const char *node, unsigned char ret_uuid[VCTL_UUID_LEN])
{
        if (dbus_node_uuid(node, ret_uuid) == 0)
                return 0;
        return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                              _("'%s' is not an object path of vctld (expected %s/_UUID with "
                                "'_' for '-')"),
                              g_dbus_method_invocation_get_object_path(call->inv), call->co->path);
}

char *dbus_vol_path(const dbus_conn_obj *co, const char *key)
{
        g_autofree char *node = dbus_node_encode(key);

        return g_strdup_printf("%s/%s", co->kind_path[DBUS_KIND_VOL], node);
}

void dbus_emit_changed(dbus_conn_obj *co, const char *path, const char *iface,
                       GVariantBuilder *changed)
{
        GDBusConnection *bus = dbus_service_bus(co->svc);

        if (!bus) {
                g_variant_builder_clear(changed);
                return;
        }
        g_dbus_connection_emit_signal(bus, NULL, path, DBUS_IFACE_PROPERTIES, "PropertiesChanged",
                                      g_variant_new("(sa{sv}as)", iface, changed, NULL), NULL);
}

void dbus_emit_autostart(dbus_conn_obj *co, const char *path, const char *iface, gboolean autostart)
{
        GVariantBuilder changed;

        g_variant_builder_init(&changed, G_VARIANT_TYPE("a{sv}"));
        g_variant_builder_add(&changed, "{sv}", "Autostart", g_variant_new_boolean(autostart));
        dbus_emit_changed(co, path, iface, &changed);
}

void dbus_emit_state(dbus_conn_obj *co, const char *path, const char *iface, int active,
                     int persistent)
{
        GVariantBuilder changed;

        g_variant_builder_init(&changed, G_VARIANT_TYPE("a{sv}"));
        g_variant_builder_add(&changed, "{sv}", "Active", g_variant_new_boolean(active > 0));
        g_variant_builder_add(&changed, "{sv}", "Persistent",
                              g_variant_new_boolean(persistent > 0));
        dbus_emit_changed(co, path, iface, &changed);
}

/* ---- what the object kinds share ---- */

void dbus_dispatch(dbus_conn_obj *co, const dbus_method *table, const char *interface,
                   const char *method, GDBusMethodInvocation *inv)
{
        const dbus_method *m = table ? dbus_method_find(table, interface, method) : NULL;

        if (!m) {
                g_dbus_method_invocation_return_error(inv, G_DBUS_ERROR,
                                                      G_DBUS_ERROR_UNKNOWN_METHOD,
                                                      _("%s has no method %s"), interface, method);
                return;
        }
        dbus_call_queue(co, m, inv);
}

GPtrArray *dbus_uuid_nodes(const GPtrArray *objs, gsize uuid_offset)
{
        GPtrArray *nodes = g_ptr_array_new_with_free_func(g_free);

        for (guint i = 0; i < objs->len; i++)
                g_ptr_array_add(nodes, dbus_uuid_node(G_STRUCT_MEMBER_P(g_ptr_array_index(objs, i),
                                                                        uuid_offset)));
        return nodes;
}

GVariant *dbus_list_reply(dbus_call *call, dbus_kind_id kind, const char *object,
                          const char *name_key, const char *uuid_key, const dbus_named *named,
                          guint n)
{
        g_autofree gboolean *visible = g_new0(gboolean, MAX(n, 1));
        GVariantBuilder b;

        if (dbus_access_visible(call, object, name_key, uuid_key, named, n, visible) < 0)
                return NULL;
        g_variant_builder_init(&b, G_VARIANT_TYPE("ao"));
        for (guint i = 0; i < n; i++) {
                g_autofree char *path = NULL;

                if (!visible[i])
                        continue;
                path = dbus_object_path(call->co, kind, named[i].uuid);
                g_variant_builder_add(&b, "o", path);
        }
        return g_variant_new("(ao)", &b);
}

int dbus_parse_uuid_arg(const char *s, unsigned char ret_uuid[VCTL_UUID_LEN])
{
        if (strlen(s) < 64 && vctl_uuid_parse(s, ret_uuid) >= 0)
                return 0;
        return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                              _("'%.64s' is not a UUID (such as "
                                "'c7a5fdbd-edaf-9455-926a-d65c16db1809')"),
                              s);
}

GVariant *dbus_property_get(dbus_call *call, const char *name, dbus_property_fn fn)
{
        GVariant *value = fn(call, name);

        return value ? g_variant_new("(v)", value) : NULL;
}

GVariant *dbus_property_get_all(dbus_call *call, const char *const *names, gsize n,
                                dbus_property_fn fn)
{
        GVariantBuilder b;

        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        for (gsize i = 0; i < n; i++) {
                GVariant *value = fn(call, names[i]);

                if (!value) {
                        g_variant_builder_clear(&b);
                        return NULL;
                }
                g_variant_builder_add(&b, "{sv}", names[i], value);
        }
        return g_variant_new("(a{sv})", &b);
}

GVariant *dbus_property_set_read_only(dbus_call *call)
{
        const char *iface, *name;

        g_variant_get(call->params, "(&s&sv)", &iface, &name, NULL);
        vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                       _("property '%.64s' of %.128s is read-only"), name, iface);
        return NULL;
}

/* ---- the subtrees ---- */

/* Which kind serves path: the subtree's own path (<connection>/<segment>)
 * or an object's below it (GLib passes either, depending on the call); -1
 * for none. */
static int dbus_subtree_kind(const dbus_conn_obj *co, const char *path)
{
        for (int k = 0; k < DBUS_N_KINDS; k++) {
                gsize len = strlen(co->kind_path[k]);

                if (strncmp(path, co->kind_path[k], len) == 0 &&
                    (path[len] == '\0' || (path[len] == '/' && !strchr(path + len + 1, '/'))))
                        return k;
        }
        return -1;
}

static void dbus_subtree_call(GDBusConnection *bus, const char *sender, const char *path,
                              const char *iface, const char *method, GVariant *params,
                              GDBusMethodInvocation *inv, gpointer data)
{
        dbus_conn_obj *co = data;
        int kind = dbus_subtree_kind(co, path);

        (void)bus;
        (void)sender;
        (void)params;
        dbus_dispatch(co, kind < 0 ? NULL : dbus_kinds[kind].methods, iface, method, inv);
}

/* get/set_property NULL: property calls come to method_call, so they run on
 * a worker behind the access checks like any other call. */
static const GDBusInterfaceVTable dbus_subtree_object_vtable = {
        .method_call = dbus_subtree_call,
};

/* Lists the objects for introspection (busctl tree, d-feet). With an access
 * driver the list would need a check per object on the main loop: then
 * callers use ListDomains and the like, which filter on a worker. */
static char **dbus_subtree_enumerate(GDBusConnection *bus, const char *sender, const char *path,
                                     gpointer data)
{
        dbus_conn_obj *co = data;
        int kind = dbus_subtree_kind(co, path);
        g_autoptr(GPtrArray) found = NULL;
        GPtrArray *nodes = g_ptr_array_new();

        (void)bus;
        (void)sender;
        if (kind >= 0 && !access_enabled())
                found = dbus_kinds[kind].list_nodes(co);
        for (guint i = 0; found && i < found->len; i++)
                g_ptr_array_add(nodes, g_strdup(g_ptr_array_index(found, i)));
        vctl_error_clear();
        g_ptr_array_add(nodes, NULL);
        return (char **)g_ptr_array_free(nodes, FALSE);
}

static GDBusInterfaceInfo **dbus_subtree_introspect(GDBusConnection *bus, const char *sender,
                                                    const char *path, const char *node,
                                                    gpointer data)
{
        dbus_conn_obj *co = data;
        int kind = dbus_subtree_kind(co, path);
        GDBusInterfaceInfo **ifaces;

        (void)bus;
        (void)sender;
        if (kind < 0 || !node || !dbus_kinds[kind].node_valid(node))
                return NULL;
        ifaces = g_new0(GDBusInterfaceInfo *, 2);
        ifaces[0] = g_dbus_interface_info_ref(dbus_service_kind_info(co->svc, kind));
        return ifaces;
}

static const GDBusInterfaceVTable *dbus_subtree_dispatch(GDBusConnection *bus, const char *sender,
                                                         const char *path, const char *iface,
                                                         const char *node, gpointer *out_data,
                                                         gpointer data)
{
        dbus_conn_obj *co = data;
        int kind = dbus_subtree_kind(co, path);

        (void)bus;
        (void)sender;
        if (kind < 0 || !node || !dbus_kinds[kind].node_valid(node) ||
            !g_str_equal(iface, dbus_kinds[kind].iface))
                return NULL;
        *out_data = data;
        return &dbus_subtree_object_vtable;
}

const GDBusSubtreeVTable dbus_subtree_vtable = {
        .enumerate = dbus_subtree_enumerate,
        .introspect = dbus_subtree_introspect,
        .dispatch = dbus_subtree_dispatch,
};
