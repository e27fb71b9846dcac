/* Storage pool and volume procedures: access checks with libvirt's
 * permissions (storage_pool / storage_vol), then the connection's storage
 * driver. All run on workers. */
#include <config.h>

#include "daemon/dispatch_priv.h"
#include "driver/storage/storage_driver.h"
#include "lib/util/i18n.h"

#include <string.h>

#define SDRV(ctx) ((ctx)->conn->drv->storage)
#define DC(ctx)   ((ctx)->conn->dc)
#define SREQUIRE(ctx, entry, what)                                                                 \
        do {                                                                                       \
                if (!SDRV(ctx) || !SDRV(ctx)->entry)                                               \
                        return dispatch_unsupported(ctx, what);                                    \
        } while (0)

/* The prologue of a procedure on one pool or volume: the driver has the
 * entry, and the client has perm on the object. */
#define POOL_BEGIN(ctx, p, entry, what, perm)                                                      \
        do {                                                                                       \
                SREQUIRE(ctx, entry, what);                                                        \
                if (pool_access(ctx, (p)->name, (p)->uuid, perm) < 0)                              \
                        return -1;                                                                 \
        } while (0)
#define VOL_BEGIN(ctx, v, entry, what, perm)                                                       \
        do {                                                                                       \
                SREQUIRE(ctx, entry, what);                                                        \
                if (vol_access(ctx, v, perm) < 0)                                                  \
                        return -1;                                                                 \
        } while (0)

static drv_pool pool_in(const remote_nonnull_storage_pool *w)
{
        drv_pool p = {.name = w->name};

        memcpy(p.uuid, w->uuid, sizeof(p.uuid));
        return p;
}

static drv_vol vol_in(const remote_nonnull_storage_vol *w)
{
        return (drv_vol){.pool = w->pool, .name = w->name, .key = w->key};
}

static int pool_out(drv_pool *p, remote_nonnull_storage_pool *w)
{
        if (!p)
                return -1;
        w->name = g_steal_pointer(&p->name);
        memcpy(w->uuid, p->uuid, sizeof(w->uuid));
        drv_pool_free(p);
        return 0;
}

static int vol_out(drv_vol *v, remote_nonnull_storage_vol *w)
{
        if (!v)
                return -1;
        w->pool = g_steal_pointer(&v->pool);
        w->name = g_steal_pointer(&v->name);
        w->key = g_steal_pointer(&v->key);
        drv_vol_free(v);
        return 0;
}

static int pool_access(dispatch_ctx *ctx, const char *name, const unsigned char *uuid,
                       const char *perm)
{
        char buf[VCTL_UUID_STRING_LEN];
        access_detail d[] = {{"pool_name", name},
                             {"pool_uuid", uuid ? vctl_uuid_format(uuid, buf) : NULL},
                             {NULL, NULL}};

        if (!uuid)
                d[1] = (access_detail){NULL, NULL};
        return dispatch_access(ctx, "storage_pool", perm, d);
}

static int vol_access(dispatch_ctx *ctx, const drv_vol *v, const char *perm)
{
        access_detail d[] = {
                {"pool_name", v->pool}, {"vol_name", v->name}, {"vol_key", v->key}, {NULL, NULL}};

        return dispatch_access(ctx, "storage_vol", perm, d);
}

/* A pool returned by a lookup or a create, checked with perm before it is
 * handed out. */
static int pool_ret(dispatch_ctx *ctx, drv_pool *p, const char *perm,
                    remote_nonnull_storage_pool *w)
{
        if (!p)
                return -1;
        if (pool_access(ctx, p->name, p->uuid, perm) < 0) {
                drv_pool_free(p);
                return -1;
        }
        return pool_out(p, w);
}

static int vol_ret(dispatch_ctx *ctx, drv_vol *v, const char *perm, remote_nonnull_storage_vol *w)
{
        if (!v)
                return -1;
        if (vol_access(ctx, v, perm) < 0) {
                drv_vol_free(v);
                return -1;
        }
        return vol_out(v, w);
}

/* ---- pool lists ---- */

static int list_pools(dispatch_ctx *ctx, unsigned int flags, GPtrArray **ret)
{
        g_autoptr(GPtrArray) all = NULL;

        SREQUIRE(ctx, list_all_pools, _("listing storage pools"));
        if (dispatch_access(ctx, "connect", "search_storage_pools", NULL) < 0 ||
            SDRV(ctx)->list_all_pools(DC(ctx), flags, &all) < 0)
                return -1;
        *ret = g_ptr_array_new_with_free_func((GDestroyNotify)drv_pool_free);
        for (guint i = 0; i < all->len; i++) {
                drv_pool *p = g_ptr_array_index(all, i);
                char buf[VCTL_UUID_STRING_LEN];
                access_detail d[] = {{"pool_name", p->name},
                                     {"pool_uuid", vctl_uuid_format(p->uuid, buf)},
                                     {NULL, NULL}};

                if (dispatch_access_visible(ctx, "storage_pool", d))
                        g_ptr_array_add(*ret, drv_pool_new(p->name, p->uuid));
        }
        if ((*ret)->len > REMOTE_STORAGE_POOL_LIST_MAX)
                return vctl_error_set(VCTL_ERR_OVERFLOW, VCTL_FROM_RPC,
                                      _("too many storage pools to list (%u, at most %d)"),
                                      (*ret)->len, REMOTE_STORAGE_POOL_LIST_MAX);
        return 0;
}

static int check_max(int max)
{
        if (max < 0 || max > REMOTE_STORAGE_VOL_LIST_MAX)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                                      _("maxnames must be between 0 and %d, not %d"),
                                      REMOTE_STORAGE_VOL_LIST_MAX, max);
        return 0;
}

/* The names of the first max objects of a list (drv_pool or drv_vol: the
 * name is the member at name_off). */
static void names_out(GPtrArray *list, gsize name_off, int max, remote_nonnull_string **val,
                      u_int *len)
{
        guint n = MIN(list->len, (guint)max);

        *len = n;
        *val = n ? g_new0(remote_nonnull_string, n) : NULL;
        for (guint i = 0; i < n; i++)
                (*val)[i] = g_strdup(
                        G_STRUCT_MEMBER(const char *, g_ptr_array_index(list, i), name_off));
}

DISPATCH_HANDLER(dispatch_connect_list_all_storage_pools)
{
        remote_connect_list_all_storage_pools_args *args = args_;
        remote_connect_list_all_storage_pools_ret *ret = ret_;
        g_autoptr(GPtrArray) pools = NULL;

        if (list_pools(ctx, args->flags, &pools) < 0)
                return -1;
        if (args->need_results && pools->len) {
                ret->pools.pools_val = g_new0(remote_nonnull_storage_pool, pools->len);
                ret->pools.pools_len = pools->len;
                for (guint i = 0; i < pools->len; i++) {
                        drv_pool *p = g_ptr_array_index(pools, i);

                        pool_out(drv_pool_new(p->name, p->uuid), &ret->pools.pools_val[i]);
                }
        }
        ret->ret = pools->len;
        return 0;
}

static int num_pools(dispatch_ctx *ctx, unsigned int flags, int *ret)
{
        g_autoptr(GPtrArray) pools = NULL;

        if (list_pools(ctx, flags, &pools) < 0)
                return -1;
        *ret = (int)pools->len;
        return 0;
}

static int names_pools(dispatch_ctx *ctx, unsigned int flags, int max, remote_nonnull_string **val,
                       u_int *len)
{
        g_autoptr(GPtrArray) pools = NULL;

        if (check_max(max) < 0 || list_pools(ctx, flags, &pools) < 0)
                return -1;
        names_out(pools, G_STRUCT_OFFSET(drv_pool, name), max, val, len);
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_num_of_storage_pools)
{
        return num_pools(ctx, VCTL_LIST_STORAGE_POOLS_ACTIVE,
                         &((remote_connect_num_of_storage_pools_ret *)ret_)->num);
}

DISPATCH_HANDLER(dispatch_connect_num_of_defined_storage_pools)
{
        return num_pools(ctx, VCTL_LIST_STORAGE_POOLS_INACTIVE,
                         &((remote_connect_num_of_defined_storage_pools_ret *)ret_)->num);
}

DISPATCH_HANDLER(dispatch_connect_list_storage_pools)
{
        remote_connect_list_storage_pools_args *args = args_;
        remote_connect_list_storage_pools_ret *ret = ret_;

        return names_pools(ctx, VCTL_LIST_STORAGE_POOLS_ACTIVE, args->maxnames,
                           &ret->names.names_val, &ret->names.names_len);
}

DISPATCH_HANDLER(dispatch_connect_list_defined_storage_pools)
{
        remote_connect_list_defined_storage_pools_args *args = args_;
        remote_connect_list_defined_storage_pools_ret *ret = ret_;

        return names_pools(ctx, VCTL_LIST_STORAGE_POOLS_INACTIVE, args->maxnames,
                           &ret->names.names_val, &ret->names.names_len);
}

/* ---- pool lookups and definitions ---- */

DISPATCH_HANDLER(dispatch_storage_pool_lookup_by_name)
{
        remote_storage_pool_lookup_by_name_args *args = args_;
        remote_storage_pool_lookup_by_name_ret *ret = ret_;

        SREQUIRE(ctx, pool_lookup_by_name, _("looking up a storage pool"));
        return pool_ret(ctx, SDRV(ctx)->pool_lookup_by_name(DC(ctx), args->name), "getattr",
                        &ret->pool);
}

DISPATCH_HANDLER(dispatch_storage_pool_lookup_by_uuid)
{
        remote_storage_pool_lookup_by_uuid_args *args = args_;
        remote_storage_pool_lookup_by_uuid_ret *ret = ret_;

        SREQUIRE(ctx, pool_lookup_by_uuid, _("looking up a storage pool"));
        return pool_ret(ctx, SDRV(ctx)->pool_lookup_by_uuid(DC(ctx), (unsigned char *)args->uuid),
                        "getattr", &ret->pool);
}

DISPATCH_HANDLER(dispatch_storage_pool_lookup_by_volume)
{
        remote_storage_pool_lookup_by_volume_args *args = args_;
        remote_storage_pool_lookup_by_volume_ret *ret = ret_;
        drv_vol v = vol_in(&args->vol);

        SREQUIRE(ctx, pool_lookup_by_volume, _("looking up a volume's storage pool"));
        return pool_ret(ctx, SDRV(ctx)->pool_lookup_by_volume(DC(ctx), &v), "getattr", &ret->pool);
}

/* Checks write (+ save or start) on the pool the XML names before acting. */
static int pool_xml_access(dispatch_ctx *ctx, const char *xml, const char *perm)
{
        g_autoptr(pool_def) def = xml ? pool_def_parse(xml, strlen(xml), NULL) : NULL;

        if (!def)
                return vctl_error_last() ? -1
                                         : vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                                                          _("no storage pool XML given"));
        if (pool_access(ctx, def->name, def->uuid, "write") < 0)
                return -1;
        return pool_access(ctx, def->name, def->uuid, perm);
}

DISPATCH_HANDLER(dispatch_storage_pool_define_xml)
{
        remote_storage_pool_define_xml_args *args = args_;
        remote_storage_pool_define_xml_ret *ret = ret_;

        SREQUIRE(ctx, pool_define_xml, _("defining a storage pool"));
        if (pool_xml_access(ctx, args->xml, "save") < 0)
                return -1;
        return pool_out(SDRV(ctx)->pool_define_xml(DC(ctx), args->xml, args->flags), &ret->pool);
}

DISPATCH_HANDLER(dispatch_storage_pool_create_xml)
{
        remote_storage_pool_create_xml_args *args = args_;
        remote_storage_pool_create_xml_ret *ret = ret_;

        SREQUIRE(ctx, pool_create_xml, _("creating a storage pool"));
        if (pool_xml_access(ctx, args->xml, "start") < 0)
                return -1;
        return pool_out(SDRV(ctx)->pool_create_xml(DC(ctx), args->xml, args->flags), &ret->pool);
}

/* "do something to a pool" procedures */
#define POOL_OP(handler, argtype, entry, what, perm, call)                                         \
        DISPATCH_HANDLER(handler)                                                                  \
        {                                                                                          \
                argtype *args = args_;                                                             \
                drv_pool p = pool_in(&args->pool);                                                 \
                                                                                                   \
                POOL_BEGIN(ctx, &p, entry, what, perm);                                            \
                return SDRV(ctx)->call < 0 ? -1 : 0;                                               \
        }

POOL_OP(dispatch_storage_pool_build, remote_storage_pool_build_args, pool_build,
        _("building a storage pool"), "format", pool_build(DC(ctx), &p, args->flags))
POOL_OP(dispatch_storage_pool_create, remote_storage_pool_create_args, pool_create,
        _("starting a storage pool"), "start", pool_create(DC(ctx), &p, args->flags))
POOL_OP(dispatch_storage_pool_destroy, remote_storage_pool_destroy_args, pool_destroy,
        _("stopping a storage pool"), "stop", pool_destroy(DC(ctx), &p))
POOL_OP(dispatch_storage_pool_delete, remote_storage_pool_delete_args, pool_delete,
        _("deleting a storage pool"), "format", pool_delete(DC(ctx), &p, args->flags))
POOL_OP(dispatch_storage_pool_undefine, remote_storage_pool_undefine_args, pool_undefine,
        _("undefining a storage pool"), "delete", pool_undefine(DC(ctx), &p))
POOL_OP(dispatch_storage_pool_refresh, remote_storage_pool_refresh_args, pool_refresh,
        _("refreshing a storage pool"), "refresh", pool_refresh(DC(ctx), &p, args->flags))
POOL_OP(dispatch_storage_pool_set_autostart, remote_storage_pool_set_autostart_args,
        pool_set_autostart, _("setting a storage pool's autostart"), "write",
        pool_set_autostart(DC(ctx), &p, args->autostart))

DISPATCH_HANDLER(dispatch_storage_pool_get_xml_desc)
{
        remote_storage_pool_get_xml_desc_args *args = args_;
        remote_storage_pool_get_xml_desc_ret *ret = ret_;
        drv_pool p = pool_in(&args->pool);

        POOL_BEGIN(ctx, &p, pool_get_xml_desc, _("getting a storage pool's XML"), "read");
        ret->xml = SDRV(ctx)->pool_get_xml_desc(DC(ctx), &p, args->flags);
        return ret->xml ? 0 : -1;
}

DISPATCH_HANDLER(dispatch_storage_pool_get_info)
{
        remote_storage_pool_get_info_args *args = args_;
        remote_storage_pool_get_info_ret *ret = ret_;
        drv_pool p = pool_in(&args->pool);
        vctl_storage_pool_info info = {0};

        POOL_BEGIN(ctx, &p, pool_get_info, _("getting a storage pool's information"), "read");
        if (SDRV(ctx)->pool_get_info(DC(ctx), &p, &info) < 0)
                return -1;
        ret->state = (u_char)info.state;
        ret->capacity = info.capacity;
        ret->allocation = info.allocation;
        ret->available = info.available;
        return 0;
}

DISPATCH_HANDLER(dispatch_storage_pool_get_autostart)
{
        remote_storage_pool_get_autostart_args *args = args_;
        remote_storage_pool_get_autostart_ret *ret = ret_;
        drv_pool p = pool_in(&args->pool);

        POOL_BEGIN(ctx, &p, pool_get_autostart, _("getting a storage pool's autostart"), "read");
        return SDRV(ctx)->pool_get_autostart(DC(ctx), &p, &ret->autostart) < 0 ? -1 : 0;
}

/* "is the pool ..." procedures: the driver's entry answers into ret->field */
#define POOL_IS(handler, name, entry, what, field)                                                 \
        DISPATCH_HANDLER(handler)                                                                  \
        {                                                                                          \
                remote_##name##_args *args = args_;                                                \
                remote_##name##_ret *ret = ret_;                                                   \
                drv_pool p = pool_in(&args->pool);                                                 \
                                                                                                   \
                POOL_BEGIN(ctx, &p, entry, what, "getattr");                                       \
                ret->field = SDRV(ctx)->entry(DC(ctx), &p);                                        \
                return ret->field < 0 ? -1 : 0;                                                    \
        }

POOL_IS(dispatch_storage_pool_is_active, storage_pool_is_active, pool_is_active,
        _("checking whether a storage pool is active"), active)
POOL_IS(dispatch_storage_pool_is_persistent, storage_pool_is_persistent, pool_is_persistent,
        _("checking whether a storage pool is persistent"), persistent)

/* ---- volume lists ---- */

static int list_vols(dispatch_ctx *ctx, const remote_nonnull_storage_pool *w, GPtrArray **ret)
{
        drv_pool p = pool_in(w);
        g_autoptr(GPtrArray) all = NULL;

        SREQUIRE(ctx, pool_list_all_volumes, _("listing storage volumes"));
        if (pool_access(ctx, p.name, p.uuid, "search_storage_vols") < 0 ||
            SDRV(ctx)->pool_list_all_volumes(DC(ctx), &p, 0, &all) < 0)
                return -1;
        *ret = g_ptr_array_new_with_free_func((GDestroyNotify)drv_vol_free);
        for (guint i = 0; i < all->len; i++) {
                drv_vol *v = g_ptr_array_index(all, i);
                access_detail d[] = {{"pool_name", v->pool},
                                     {"vol_name", v->name},
                                     {"vol_key", v->key},
                                     {NULL, NULL}};

                if (dispatch_access_visible(ctx, "storage_vol", d))
                        g_ptr_array_add(*ret, drv_vol_new(v->pool, v->name, v->key));
        }
        if ((*ret)->len > REMOTE_STORAGE_VOL_LIST_MAX)
                return vctl_error_set(VCTL_ERR_OVERFLOW, VCTL_FROM_RPC,
                                      _("too many volumes to list (%u, at most %d)"), (*ret)->len,
                                      REMOTE_STORAGE_VOL_LIST_MAX);
        return 0;
}

DISPATCH_HANDLER(dispatch_storage_pool_list_all_volumes)
{
        remote_storage_pool_list_all_volumes_args *args = args_;
        remote_storage_pool_list_all_volumes_ret *ret = ret_;
        g_autoptr(GPtrArray) vols = NULL;

        if (args->flags)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                                      _("unsupported flags (0x%x) in listing volumes"),
                                      args->flags);
        if (list_vols(ctx, &args->pool, &vols) < 0)
                return -1;
        if (args->need_results && vols->len) {
                ret->vols.vols_val = g_new0(remote_nonnull_storage_vol, vols->len);
                ret->vols.vols_len = vols->len;
                for (guint i = 0; i < vols->len; i++) {
                        drv_vol *v = g_ptr_array_index(vols, i);

                        vol_out(drv_vol_new(v->pool, v->name, v->key), &ret->vols.vols_val[i]);
                }
        }
        ret->ret = vols->len;
        return 0;
}

DISPATCH_HANDLER(dispatch_storage_pool_num_of_volumes)
{
        remote_storage_pool_num_of_volumes_args *args = args_;
        remote_storage_pool_num_of_volumes_ret *ret = ret_;
        g_autoptr(GPtrArray) vols = NULL;

        if (list_vols(ctx, &args->pool, &vols) < 0)
                return -1;
        ret->num = (int)vols->len;
        return 0;
}

DISPATCH_HANDLER(dispatch_storage_pool_list_volumes)
{
        remote_storage_pool_list_volumes_args *args = args_;
        remote_storage_pool_list_volumes_ret *ret = ret_;
        g_autoptr(GPtrArray) vols = NULL;

        if (check_max(args->maxnames) < 0 || list_vols(ctx, &args->pool, &vols) < 0)
                return -1;
        names_out(vols, G_STRUCT_OFFSET(drv_vol, name), args->maxnames, &ret->names.names_val,
                  &ret->names.names_len);
        return 0;
}

/* ---- volumes ---- */

DISPATCH_HANDLER(dispatch_storage_vol_lookup_by_name)
{
        remote_storage_vol_lookup_by_name_args *args = args_;
        remote_storage_vol_lookup_by_name_ret *ret = ret_;
        drv_pool p = pool_in(&args->pool);

        SREQUIRE(ctx, vol_lookup_by_name, _("looking up a storage volume"));
        return vol_ret(ctx, SDRV(ctx)->vol_lookup_by_name(DC(ctx), &p, args->name), "getattr",
                       &ret->vol);
}

DISPATCH_HANDLER(dispatch_storage_vol_lookup_by_key)
{
        remote_storage_vol_lookup_by_key_args *args = args_;
        remote_storage_vol_lookup_by_key_ret *ret = ret_;

        SREQUIRE(ctx, vol_lookup_by_key, _("looking up a storage volume"));
        return vol_ret(ctx, SDRV(ctx)->vol_lookup_by_key(DC(ctx), args->key), "getattr", &ret->vol);
}

DISPATCH_HANDLER(dispatch_storage_vol_lookup_by_path)
{
        remote_storage_vol_lookup_by_path_args *args = args_;
        remote_storage_vol_lookup_by_path_ret *ret = ret_;

        SREQUIRE(ctx, vol_lookup_by_path, _("looking up a storage volume"));
        return vol_ret(ctx, SDRV(ctx)->vol_lookup_by_path(DC(ctx), args->path), "getattr",
                       &ret->vol);
}

/* create: storage_vol:create on the new volume, by the name in the XML */
static int vol_create_access(dispatch_ctx *ctx, const remote_nonnull_storage_pool *pool,
                             const char *xml)
{
        g_autoptr(vol_def) def = xml ? vol_def_parse(xml, strlen(xml), NULL) : NULL;
        drv_vol v;

        if (!def)
                return vctl_error_last() ? -1
                                         : vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                                                          _("no volume XML given"));
        v = (drv_vol){.pool = pool->name, .name = def->name, .key = NULL};
        return vol_access(ctx, &v, "create");
}

DISPATCH_HANDLER(dispatch_storage_vol_create_xml)
{
        remote_storage_vol_create_xml_args *args = args_;
        remote_storage_vol_create_xml_ret *ret = ret_;
        drv_pool p = pool_in(&args->pool);

        SREQUIRE(ctx, vol_create_xml, _("creating a storage volume"));
        if (vol_create_access(ctx, &args->pool, args->xml) < 0)
                return -1;
        return vol_out(SDRV(ctx)->vol_create_xml(DC(ctx), &p, args->xml, args->flags), &ret->vol);
}

DISPATCH_HANDLER(dispatch_storage_vol_create_xml_from)
{
        remote_storage_vol_create_xml_from_args *args = args_;
        remote_storage_vol_create_xml_from_ret *ret = ret_;
        drv_pool p = pool_in(&args->pool);
        drv_vol src = vol_in(&args->clonevol);

        SREQUIRE(ctx, vol_create_xml_from, _("cloning a storage volume"));
        if (vol_create_access(ctx, &args->pool, args->xml) < 0 || vol_access(ctx, &src, "read") < 0)
                return -1;
        return vol_out(SDRV(ctx)->vol_create_xml_from(DC(ctx), &p, args->xml, &src, args->flags),
                       &ret->vol);
}

#define VOL_OP(handler, argtype, entry, what, perm, call)                                          \
        DISPATCH_HANDLER(handler)                                                                  \
        {                                                                                          \
                argtype *args = args_;                                                             \
                drv_vol v = vol_in(&args->vol);                                                    \
                                                                                                   \
                VOL_BEGIN(ctx, &v, entry, what, perm);                                             \
                return SDRV(ctx)->call < 0 ? -1 : 0;                                               \
        }

VOL_OP(dispatch_storage_vol_delete, remote_storage_vol_delete_args, vol_delete,
       _("deleting a storage volume"), "delete", vol_delete(DC(ctx), &v, args->flags))
VOL_OP(dispatch_storage_vol_wipe, remote_storage_vol_wipe_args, vol_wipe,
       _("wiping a storage volume"), "format", vol_wipe(DC(ctx), &v, args->flags))
VOL_OP(dispatch_storage_vol_resize, remote_storage_vol_resize_args, vol_resize,
       _("resizing a storage volume"), "resize",
       vol_resize(DC(ctx), &v, args->capacity, args->flags))

DISPATCH_HANDLER(dispatch_storage_vol_get_info)
{
        remote_storage_vol_get_info_args *args = args_;
        remote_storage_vol_get_info_ret *ret = ret_;
        drv_vol v = vol_in(&args->vol);
        vctl_storage_vol_info info = {0};

        VOL_BEGIN(ctx, &v, vol_get_info, _("getting a storage volume's information"), "read");
        if (SDRV(ctx)->vol_get_info(DC(ctx), &v, &info) < 0)
                return -1;
        ret->type = (char)info.type;
        ret->capacity = info.capacity;
        ret->allocation = info.allocation;
        return 0;
}

DISPATCH_HANDLER(dispatch_storage_vol_get_xml_desc)
{
        remote_storage_vol_get_xml_desc_args *args = args_;
        remote_storage_vol_get_xml_desc_ret *ret = ret_;
        drv_vol v = vol_in(&args->vol);

        VOL_BEGIN(ctx, &v, vol_get_xml_desc, _("getting a storage volume's XML"), "read");
        ret->xml = SDRV(ctx)->vol_get_xml_desc(DC(ctx), &v, args->flags);
        return ret->xml ? 0 : -1;
}

DISPATCH_HANDLER(dispatch_storage_vol_get_path)
{
        remote_storage_vol_get_path_args *args = args_;
        remote_storage_vol_get_path_ret *ret = ret_;
        drv_vol v = vol_in(&args->vol);

        VOL_BEGIN(ctx, &v, vol_get_path, _("getting a storage volume's path"), "read");
        ret->name = SDRV(ctx)->vol_get_path(DC(ctx), &v);
        return ret->name ? 0 : -1;
}
