/* org.vctl.StoragePool at <connection>/storagepool/_<uuid>, and the pool
 * methods of org.vctl.Connect. Permissions are libvirt's for the same calls
 * (object "storage_pool", details pool_name and pool_uuid), as the socket's
 * dispatch_storage.c checks them. The storage driver has no events, so
 * PropertiesChanged follows only what is done through these objects. */
#include <config.h>

#include "conf/storage_conf.h"
#include "daemon/dbus_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

#define SDRV(call) ((call)->co->drv->storage)
#define DC(call)   ((call)->co->dc)
/* the driver entry, or a NO_SUPPORT error naming the operation */
#define SREQUIRE(call, entry, what) DBUS_REQUIRE(call, SDRV(call), entry, what)

gboolean dbus_pool_available(const dbus_conn_obj *co)
{
        return co->drv->storage && co->drv->storage->pool_lookup_by_uuid;
}

int dbus_pool_resolve(dbus_call *call, const char *node)
{
        unsigned char uuid[VCTL_UUID_LEN];

        if (dbus_resolve_uuid(call, node, uuid) < 0)
                return -1;
        call->pool = SDRV(call)->pool_lookup_by_uuid(DC(call), uuid);
        return call->pool ? 0 : -1;
}

GPtrArray *dbus_pool_list_nodes(dbus_conn_obj *co)
{
        g_autoptr(GPtrArray) pools = NULL;

        if (!co->drv->storage->list_all_pools ||
            co->drv->storage->list_all_pools(co->dc, 0, &pools) < 0)
                return NULL;
        return dbus_uuid_nodes(pools, G_STRUCT_OFFSET(drv_pool, uuid));
}

static int pool_access_named(dbus_call *call, const char *name,
                             const unsigned char uuid[VCTL_UUID_LEN], const char *perm)
{
        char buf[VCTL_UUID_STRING_LEN];
        access_detail details[] = {
                {"pool_name", name},
                {"pool_uuid", vctl_uuid_format(uuid, buf)},
                {NULL, NULL},
        };

        return dbus_access(call, "storage_pool", perm, details);
}

int dbus_pool_access(dbus_call *call, const char *perm)
{
        return pool_access_named(call, call->pool->name, call->pool->uuid, perm);
}

/* (o) for a pool the caller may see; takes pool. */
static GVariant *pool_reply(dbus_call *call, drv_pool *pool)
{
        g_autoptr(drv_pool) owned = pool;

        if (!pool || pool_access_named(call, pool->name, pool->uuid, "getattr") < 0)
                return NULL;
        return dbus_object_reply(call, DBUS_KIND_POOL, pool->uuid);
}

static char *pool_path(dbus_call *call)
{
        return dbus_object_path(call->co, DBUS_KIND_POOL, call->pool->uuid);
}

/* After a change made here: Active and Persistent as they are now (a
 * transient pool that stopped is gone: neither). */
static void pool_emit_state(dbus_call *call)
{
        g_autofree char *path = pool_path(call);
        int active = 0, persistent = 0;

        if (SDRV(call)->pool_is_active)
                active = SDRV(call)->pool_is_active(DC(call), call->pool);
        if (SDRV(call)->pool_is_persistent)
                persistent = SDRV(call)->pool_is_persistent(DC(call), call->pool);
        vctl_error_clear();
        dbus_emit_state(call->co, path, DBUS_IFACE_POOL, active, persistent);
}

/* ---- org.vctl.Connect ---- */

GVariant *dbus_connect_list_storage_pools(dbus_call *call)
{
        g_autoptr(GPtrArray) pools = NULL;
        g_autofree dbus_named *named = NULL;
        guint32 flags;

        g_variant_get(call->params, "(u)", &flags);
        SREQUIRE(call, list_all_pools, _("listing storage pools"));
        if (dbus_access(call, "connect", "search_storage_pools", NULL) < 0 ||
            SDRV(call)->list_all_pools(DC(call), flags, &pools) < 0)
                return NULL;
        named = g_new0(dbus_named, MAX(pools->len, 1));
        for (guint i = 0; i < pools->len; i++) {
                const drv_pool *pool = g_ptr_array_index(pools, i);

                named[i] = (dbus_named){pool->name, pool->uuid};
        }
        return dbus_list_reply(call, DBUS_KIND_POOL, "storage_pool", "pool_name", "pool_uuid",
                               named, pools->len);
}

GVariant *dbus_connect_pool_lookup_by_name(dbus_call *call)
{
        const char *name;

        g_variant_get(call->params, "(&s)", &name);
        SREQUIRE(call, pool_lookup_by_name, _("looking up a storage pool by name"));
        if (dbus_check_length(call, _("the storage pool name"), name) < 0)
                return NULL;
        return pool_reply(call, SDRV(call)->pool_lookup_by_name(DC(call), name));
}

GVariant *dbus_connect_pool_lookup_by_uuid(dbus_call *call)
{
        unsigned char uuid[VCTL_UUID_LEN];
        const char *s;

        g_variant_get(call->params, "(&s)", &s);
        SREQUIRE(call, pool_lookup_by_uuid, _("looking up a storage pool by UUID"));
        if (dbus_parse_uuid_arg(s, uuid) < 0)
                return NULL;
        return pool_reply(call, SDRV(call)->pool_lookup_by_uuid(DC(call), uuid));
}

/* write and save (or start) on the pool the XML defines, as libvirt checks
 * them: parsed here for its name and UUID. */
static int pool_xml_access(dbus_call *call, const char *xml, const char *perm2)
{
        g_autoptr(pool_def) def = NULL;

        if (dbus_check_length(call, _("the storage pool XML"), xml) < 0)
                return -1;
        def = pool_def_parse(xml, strlen(xml), NULL);
        if (!def)
                return -1;
        if (pool_access_named(call, def->name, def->uuid, "write") < 0 ||
            pool_access_named(call, def->name, def->uuid, perm2) < 0)
                return -1;
        return 0;
}

GVariant *dbus_connect_pool_define_xml(dbus_call *call)
{
        const char *xml;
        guint32 flags;

        g_variant_get(call->params, "(&su)", &xml, &flags);
        SREQUIRE(call, pool_define_xml, _("defining a storage pool"));
        if (pool_xml_access(call, xml, "save") < 0)
                return NULL;
        return pool_reply(call, SDRV(call)->pool_define_xml(DC(call), xml, flags));
}

GVariant *dbus_connect_pool_create_xml(dbus_call *call)
{
        const char *xml;
        guint32 flags;

        g_variant_get(call->params, "(&su)", &xml, &flags);
        SREQUIRE(call, pool_create_xml, _("creating a storage pool"));
        if (pool_xml_access(call, xml, "start") < 0)
                return NULL;
        return pool_reply(call, SDRV(call)->pool_create_xml(DC(call), xml, flags));
}

/* ---- org.vctl.StoragePool ---- */

/* "(u)" flags or "()", one permission; state may change: PropertiesChanged */
#define POOL_OP(fn, entry, what, perm, call_expr)                                                  \
        static GVariant *fn(dbus_call *call)                                                       \
        {                                                                                          \
                guint32 flags = 0;                                                                 \
                                                                                                   \
                if (g_variant_n_children(call->params) == 1)                                       \
                        g_variant_get(call->params, "(u)", &flags);                                \
                SREQUIRE(call, entry, what);                                                       \
                if (dbus_pool_access(call, perm) < 0 || (call_expr) < 0)                           \
                        return NULL;                                                               \
                pool_emit_state(call);                                                             \
                return dbus_void_reply();                                                          \
        }

POOL_OP(pool_build, pool_build, _("building a storage pool"), "format",
        SDRV(call)->pool_build(DC(call), call->pool, flags))
POOL_OP(pool_create, pool_create, _("starting a storage pool"), "start",
        SDRV(call)->pool_create(DC(call), call->pool, flags))
POOL_OP(pool_destroy, pool_destroy, _("stopping a storage pool"), "stop",
        SDRV(call)->pool_destroy(DC(call), call->pool))
POOL_OP(pool_delete, pool_delete, _("deleting a storage pool"), "format",
        SDRV(call)->pool_delete(DC(call), call->pool, flags))
POOL_OP(pool_undefine, pool_undefine, _("undefining a storage pool"), "delete",
        SDRV(call)->pool_undefine(DC(call), call->pool))
POOL_OP(pool_refresh, pool_refresh, _("refreshing a storage pool"), "refresh",
        SDRV(call)->pool_refresh(DC(call), call->pool, flags))

static GVariant *pool_get_xml_desc(dbus_call *call)
{
        g_autofree char *xml = NULL;
        guint32 flags;

        g_variant_get(call->params, "(u)", &flags);
        SREQUIRE(call, pool_get_xml_desc, _("getting a storage pool's XML"));
        if (dbus_pool_access(call, "read") < 0)
                return NULL;
        xml = SDRV(call)->pool_get_xml_desc(DC(call), call->pool, flags);
        return xml ? g_variant_new("(s)", xml) : NULL;
}

static GVariant *pool_get_info(dbus_call *call)
{
        vctl_storage_pool_info info = {0};

        SREQUIRE(call, pool_get_info, _("getting a storage pool's information"));
        if (dbus_pool_access(call, "read") < 0 ||
            SDRV(call)->pool_get_info(DC(call), call->pool, &info) < 0)
                return NULL;
        return g_variant_new("((ittt))", info.state, (guint64)info.capacity,
                             (guint64)info.allocation, (guint64)info.available);
}

static const char *const pool_props[] = {"Active", "Autostart", "Name", "Persistent", "UUID"};

static GVariant *pool_bool(dbus_call *call, int (*fn)(drv_conn *, const drv_pool *),
                           const char *what)
{
        int r;

        if (!fn)
                return dbus_unsupported(call, what);
        r = fn(DC(call), call->pool);
        return r < 0 ? NULL : g_variant_new_boolean(r > 0);
}

/* A property's value (floating), or NULL with the error set. */
static GVariant *pool_property(dbus_call *call, const char *name)
{
        char uuid[VCTL_UUID_STRING_LEN];
        int v;

        if (g_str_equal(name, "Name"))
                return g_variant_new_string(call->pool->name);
        if (g_str_equal(name, "UUID"))
                return g_variant_new_string(vctl_uuid_format(call->pool->uuid, uuid));
        if (g_str_equal(name, "Active"))
                return pool_bool(call, SDRV(call)->pool_is_active,
                                 _("checking whether a storage pool is active"));
        if (g_str_equal(name, "Persistent"))
                return pool_bool(call, SDRV(call)->pool_is_persistent,
                                 _("checking whether a storage pool is persistent"));
        if (g_str_equal(name, "Autostart")) {
                SREQUIRE(call, pool_get_autostart, _("getting a storage pool's autostart"));
                if (SDRV(call)->pool_get_autostart(DC(call), call->pool, &v) < 0)
                        return NULL;
                return g_variant_new_boolean(v != 0);
        }
        vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC, _("%s has no property '%.64s'"),
                       DBUS_IFACE_POOL, name);
        return NULL;
}

static GVariant *pool_get(dbus_call *call)
{
        const char *iface, *name;
        gboolean attr;

        g_variant_get(call->params, "(&s&s)", &iface, &name);
        /* as the socket: Active and Persistent need getattr, Autostart read */
        attr = !g_str_equal(name, "Autostart");
        if (dbus_check_interface(iface, DBUS_IFACE_POOL) < 0 ||
            dbus_pool_access(call, attr ? "getattr" : "read") < 0)
                return NULL;
        return dbus_property_get(call, name, pool_property);
}

static GVariant *pool_get_all(dbus_call *call)
{
        const char *iface;

        g_variant_get(call->params, "(&s)", &iface);
        if (dbus_check_interface(iface, DBUS_IFACE_POOL) < 0 || dbus_pool_access(call, "read") < 0)
                return NULL;
        return dbus_property_get_all(call, pool_props, G_N_ELEMENTS(pool_props), pool_property);
}

static GVariant *pool_set(dbus_call *call)
{
        g_autoptr(GVariant) value = NULL;
        g_autofree char *path = NULL;
        const char *iface, *name;

        g_variant_get(call->params, "(&s&sv)", &iface, &name, &value);
        if (dbus_check_interface(iface, DBUS_IFACE_POOL) < 0)
                return NULL;
        if (!g_str_equal(name, "Autostart")) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                               _("storage pool '%s': property '%.64s' is read-only (only "
                                 "Autostart can be set)"),
                               call->pool->name, name);
                return NULL;
        }
        if (!g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN)) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                               _("storage pool '%s': Autostart is a boolean (b), not '%s'"),
                               call->pool->name, g_variant_get_type_string(value));
                return NULL;
        }
        SREQUIRE(call, pool_set_autostart, _("setting a storage pool's autostart"));
        if (dbus_pool_access(call, "write") < 0 ||
            SDRV(call)->pool_set_autostart(DC(call), call->pool, g_variant_get_boolean(value)) < 0)
                return NULL;
        path = pool_path(call);
        dbus_emit_autostart(call->co, path, DBUS_IFACE_POOL, g_variant_get_boolean(value));
        return dbus_void_reply();
}

const dbus_method dbus_pool_methods[] = {
        {DBUS_IFACE_POOL, "Build", TRUE, pool_build},
        {DBUS_IFACE_POOL, "Create", TRUE, pool_create},
        {DBUS_IFACE_POOL, "Delete", TRUE, pool_delete},
        {DBUS_IFACE_POOL, "Destroy", TRUE, pool_destroy},
        {DBUS_IFACE_POOL, "Refresh", TRUE, pool_refresh},
        {DBUS_IFACE_POOL, "Undefine", TRUE, pool_undefine},
        {DBUS_IFACE_POOL, "GetInfo", FALSE, pool_get_info},
        {DBUS_IFACE_POOL, "GetXMLDesc", FALSE, pool_get_xml_desc},
        {DBUS_IFACE_POOL, "ListStorageVolumes", FALSE, dbus_pool_list_volumes},
        {DBUS_IFACE_POOL, "StorageVolLookupByName", FALSE, dbus_pool_vol_lookup_by_name},
        {DBUS_IFACE_POOL, "StorageVolCreateXML", TRUE, dbus_pool_vol_create_xml},
        {DBUS_IFACE_PROPERTIES, "Get", FALSE, pool_get},
        {DBUS_IFACE_PROPERTIES, "GetAll", FALSE, pool_get_all},
        {DBUS_IFACE_PROPERTIES, "Set", TRUE, pool_set},
        {NULL, NULL, FALSE, NULL},
};
