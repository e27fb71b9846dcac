/* org.vctl.StorageVol at <connection>/storagevol/<key encoded>, the volume
 * methods of org.vctl.StoragePool and org.vctl.Connect. Permissions are
 * libvirt's for the same calls (object "storage_vol", details pool_name,
 * vol_name and vol_key), as the socket's dispatch_storage.c checks them. */
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
/* a volume's key is a path: bounded like one */
#define VOL_KEY_MAX 4096

gboolean dbus_vol_available(const dbus_conn_obj *co)
{
        return co->drv->storage && co->drv->storage->vol_lookup_by_key;
}

gboolean dbus_vol_node_valid(const char *node)
{
        g_autofree char *key = strlen(node) <= 3 * VOL_KEY_MAX ? dbus_node_decode(node) : NULL;

        return key != NULL;
}

int dbus_vol_resolve(dbus_call *call, const char *node)
{
        g_autofree char *key = strlen(node) <= 3 * VOL_KEY_MAX ? dbus_node_decode(node) : NULL;

        if (!key)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                                      _("'%s' is not a volume's object path (expected %s/ and "
                                        "the key with _XX for every byte but letters and "
                                        "digits)"),
                                      g_dbus_method_invocation_get_object_path(call->inv),
                                      call->co->kind_path[DBUS_KIND_VOL]);
        call->vol = SDRV(call)->vol_lookup_by_key(DC(call), key);
        return call->vol ? 0 : -1;
}

/* Every volume of every active pool, for introspection. */
GPtrArray *dbus_vol_list_nodes(dbus_conn_obj *co)
{
        const vctl_storage_driver *sd = co->drv->storage;
        g_autoptr(GPtrArray) pools = NULL;
        GPtrArray *nodes;

        if (!sd->list_all_pools || !sd->pool_list_all_volumes ||
            sd->list_all_pools(co->dc, VCTL_LIST_STORAGE_POOLS_ACTIVE, &pools) < 0)
                return NULL;
        nodes = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < pools->len; i++) {
                g_autoptr(GPtrArray) vols = NULL;

                if (sd->pool_list_all_volumes(co->dc, g_ptr_array_index(pools, i), 0, &vols) < 0)
                        continue;
                for (guint j = 0; j < vols->len; j++)
                        g_ptr_array_add(
                                nodes,
                                dbus_node_encode(((drv_vol *)g_ptr_array_index(vols, j))->key));
        }
        vctl_error_clear();
        return nodes;
}

static int vol_access_of(dbus_call *call, const drv_vol *vol, const char *perm)
{
        access_detail details[] = {
                {"pool_name", vol->pool},
                {"vol_name", vol->name},
                {"vol_key", vol->key},
                {NULL, NULL},
        };

        return dbus_access(call, "storage_vol", perm, details);
}

/* (o) for a volume the caller may see; takes vol. */
static GVariant *vol_reply(dbus_call *call, drv_vol *vol)
{
        g_autoptr(drv_vol) owned = vol;

        if (!vol || vol_access_of(call, vol, "getattr") < 0)
                return NULL;
        return dbus_vol_reply(call, vol->key);
}

/* ---- org.vctl.Connect ---- */

static int vol_check_string(dbus_call *call, const char *what, const char *s)
{
        if (strlen(s) > VOL_KEY_MAX)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                                      _("%s is too long (%zu bytes, at most %d)"), what, strlen(s),
                                      VOL_KEY_MAX);
        return 0;
}

GVariant *dbus_connect_vol_lookup_by_key(dbus_call *call)
{
        const char *key;

        g_variant_get(call->params, "(&s)", &key);
        SREQUIRE(call, vol_lookup_by_key, _("looking up a storage volume by key"));
        if (vol_check_string(call, _("the volume key"), key) < 0)
                return NULL;
        return vol_reply(call, SDRV(call)->vol_lookup_by_key(DC(call), key));
}

GVariant *dbus_connect_vol_lookup_by_path(dbus_call *call)
{
        const char *path;

        g_variant_get(call->params, "(&s)", &path);
        SREQUIRE(call, vol_lookup_by_path, _("looking up a storage volume by path"));
        if (vol_check_string(call, _("the volume path"), path) < 0)
                return NULL;
        return vol_reply(call, SDRV(call)->vol_lookup_by_path(DC(call), path));
}

/* ---- org.vctl.StoragePool's volume methods ---- */

GVariant *dbus_pool_list_volumes(dbus_call *call)
{
        g_autoptr(GPtrArray) vols = NULL;
        g_autofree access_detail *all = NULL;
        g_autofree const access_detail **each = NULL;
        g_autofree gboolean *visible = NULL;
        GVariantBuilder b;
        guint32 flags;

        g_variant_get(call->params, "(u)", &flags);
        SREQUIRE(call, pool_list_all_volumes, _("listing storage volumes"));
        if (dbus_pool_access(call, "search_storage_vols") < 0 ||
            SDRV(call)->pool_list_all_volumes(DC(call), call->pool, flags, &vols) < 0)
                return NULL;
        visible = g_new0(gboolean, MAX(vols->len, 1));
        if (access_enabled() && vols->len) {
                all = g_new0(access_detail, 5 * vols->len);
                each = g_new0(const access_detail *, vols->len);
                for (guint i = 0; i < vols->len; i++) {
                        const drv_vol *v = g_ptr_array_index(vols, i);

                        all[5 * i] = (access_detail){"connect_driver", call->co->drv->type};
                        all[5 * i + 1] = (access_detail){"pool_name", v->pool};
                        all[5 * i + 2] = (access_detail){"vol_name", v->name};
                        all[5 * i + 3] = (access_detail){"vol_key", v->key};
                        each[i] = &all[5 * i];
                }
                if (access_check_many(&call->subj, "storage_vol", "getattr", each, vols->len,
                                      visible) < 0)
                        return NULL;
        } else {
                for (guint i = 0; i < vols->len; i++)
                        visible[i] = TRUE;
        }
        g_variant_builder_init(&b, G_VARIANT_TYPE("ao"));
        for (guint i = 0; i < vols->len; i++) {
                g_autofree char *path = NULL;

                if (!visible[i])
                        continue;
                path = dbus_vol_path(call->co, ((drv_vol *)g_ptr_array_index(vols, i))->key);
                g_variant_builder_add(&b, "o", path);
        }
        return g_variant_new("(ao)", &b);
}

GVariant *dbus_pool_vol_lookup_by_name(dbus_call *call)
{
        const char *name;

        g_variant_get(call->params, "(&s)", &name);
        SREQUIRE(call, vol_lookup_by_name, _("looking up a storage volume by name"));
        if (vol_check_string(call, _("the volume name"), name) < 0)
                return NULL;
        return vol_reply(call, SDRV(call)->vol_lookup_by_name(DC(call), call->pool, name));
}

GVariant *dbus_pool_vol_create_xml(dbus_call *call)
{
        g_autoptr(vol_def) def = NULL;
        const char *xml;
        guint32 flags;
        drv_vol probe;

        g_variant_get(call->params, "(&su)", &xml, &flags);
        SREQUIRE(call, vol_create_xml, _("creating a storage volume"));
        if (dbus_check_length(call, _("the volume XML"), xml) < 0)
                return NULL;
        /* storage_vol:create on the new volume, by the name in the XML */
        def = vol_def_parse(xml, strlen(xml), NULL);
        if (!def)
                return NULL;
        probe = (drv_vol){.pool = call->pool->name, .name = def->name, .key = NULL};
        if (vol_access_of(call, &probe, "create") < 0)
                return NULL;
        return vol_reply(call, SDRV(call)->vol_create_xml(DC(call), call->pool, xml, flags));
}

/* ---- org.vctl.StorageVol ---- */

static int vol_access(dbus_call *call, const char *perm)
{
        return vol_access_of(call, call->vol, perm);
}

#define VOL_OP(fn, entry, what, perm, call_expr)                                                   \
        static GVariant *fn(dbus_call *call)                                                       \
        {                                                                                          \
                guint32 flags = 0;                                                                 \
                                                                                                   \
                g_variant_get_child(call->params, g_variant_n_children(call->params) - 1, "u",     \
                                    &flags);                                                       \
                SREQUIRE(call, entry, what);                                                       \
                if (vol_access(call, perm) < 0 || (call_expr) < 0)                                 \
                        return NULL;                                                               \
                return dbus_void_reply();                                                          \
        }

VOL_OP(vol_delete, vol_delete, _("deleting a storage volume"), "delete",
       SDRV(call)->vol_delete(DC(call), call->vol, flags))
VOL_OP(vol_wipe, vol_wipe, _("wiping a storage volume"), "format",
       SDRV(call)->vol_wipe(DC(call), call->vol, flags))

static GVariant *vol_resize(dbus_call *call)
{
        guint64 capacity;
        guint32 flags;

        g_variant_get(call->params, "(tu)", &capacity, &flags);
        SREQUIRE(call, vol_resize, _("resizing a storage volume"));
        if (vol_access(call, "resize") < 0 ||
            SDRV(call)->vol_resize(DC(call), call->vol, capacity, flags) < 0)
                return NULL;
        return dbus_void_reply();
}

static GVariant *vol_get_info(dbus_call *call)
{
        vctl_storage_vol_info info = {0};

        SREQUIRE(call, vol_get_info, _("getting a storage volume's information"));
        if (vol_access(call, "read") < 0 ||
            SDRV(call)->vol_get_info(DC(call), call->vol, &info) < 0)
                return NULL;
        return g_variant_new("((itt))", info.type, (guint64)info.capacity,
                             (guint64)info.allocation);
}

static GVariant *vol_get_xml_desc(dbus_call *call)
{
        g_autofree char *xml = NULL;
        guint32 flags;

        g_variant_get(call->params, "(u)", &flags);
        SREQUIRE(call, vol_get_xml_desc, _("getting a storage volume's XML"));
        if (vol_access(call, "read") < 0)
                return NULL;
        xml = SDRV(call)->vol_get_xml_desc(DC(call), call->vol, flags);
        return xml ? g_variant_new("(s)", xml) : NULL;
}

static GVariant *vol_property(dbus_call *call, const char *name)
{
        if (g_str_equal(name, "Name"))
                return g_variant_new_string(call->vol->name);
        if (g_str_equal(name, "Key"))
                return g_variant_new_string(call->vol->key);
        if (g_str_equal(name, "Path")) {
                g_autofree char *path = NULL;

                SREQUIRE(call, vol_get_path, _("getting a storage volume's path"));
                path = SDRV(call)->vol_get_path(DC(call), call->vol);
                return path ? g_variant_new_string(path) : NULL;
        }
        vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC, _("%s has no property '%.64s'"),
                       DBUS_IFACE_VOL, name);
        return NULL;
}

static GVariant *vol_get(dbus_call *call)
{
        const char *iface, *name;

        g_variant_get(call->params, "(&s&s)", &iface, &name);
        if (dbus_check_interface(iface, DBUS_IFACE_VOL) < 0 ||
            vol_access(call, g_str_equal(name, "Path") ? "read" : "getattr") < 0)
                return NULL;
        return dbus_property_get(call, name, vol_property);
}

static GVariant *vol_get_all(dbus_call *call)
{
        static const char *const names[] = {"Key", "Name", "Path"};
        const char *iface;

        g_variant_get(call->params, "(&s)", &iface);
        if (dbus_check_interface(iface, DBUS_IFACE_VOL) < 0 || vol_access(call, "read") < 0)
                return NULL;
        return dbus_property_get_all(call, names, G_N_ELEMENTS(names), vol_property);
}

const dbus_method dbus_vol_methods[] = {
        {DBUS_IFACE_VOL, "Delete", TRUE, vol_delete},
        {DBUS_IFACE_VOL, "Wipe", TRUE, vol_wipe},
        {DBUS_IFACE_VOL, "Resize", TRUE, vol_resize},
        {DBUS_IFACE_VOL, "GetInfo", FALSE, vol_get_info},
        {DBUS_IFACE_VOL, "GetXMLDesc", FALSE, vol_get_xml_desc},
        {DBUS_IFACE_PROPERTIES, "Get", FALSE, vol_get},
        {DBUS_IFACE_PROPERTIES, "GetAll", FALSE, vol_get_all},
        {DBUS_IFACE_PROPERTIES, "Set", TRUE, dbus_property_set_read_only},
        {NULL, NULL, FALSE, NULL},
};
