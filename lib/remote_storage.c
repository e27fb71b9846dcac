/* Storage pools and volumes over RPC: libvirt's remote_storage_* calls. */
#include "config.h"

#include "lib/remote_storage.h"

#include "lib/util/error.h"

#include <string.h>

#define CALL(rc, proc, name, args, ret)                                                            \
        remote_call(rc, REMOTE_PROC_##proc, (xdrproc_t)xdr_remote_##name##_args, args,             \
                    (xdrproc_t)xdr_remote_##name##_ret, ret, sizeof(*(ret)))
#define CALL_NORET(rc, proc, name, args)                                                           \
        remote_call(rc, REMOTE_PROC_##proc, (xdrproc_t)xdr_remote_##name##_args, args, NULL, NULL, \
                    0)
#define FREE_RET(name, ret) xdr_free((xdrproc_t)xdr_remote_##name##_ret, (char *)(ret))

/* In a function of remote_conn *rc: makes the call and returns NULL if it
 * fails, else conv (an expression of the reply r, taken before r is freed). */
#define RETURN_CONV(name, proc, args, type, conv)                                                  \
        do {                                                                                       \
                remote_##name##_ret r;                                                             \
                type out;                                                                          \
                                                                                                   \
                if (CALL(rc, proc, name, args, &r) < 0)                                            \
                        return NULL;                                                               \
                out = conv;                                                                        \
                FREE_RET(name, &r);                                                                \
                return out;                                                                        \
        } while (0)
#define POOL_RET(name, proc, args)       RETURN_CONV(name, proc, args, drv_pool *, pool_from(&r.pool))
#define VOL_RET(name, proc, args)        RETURN_CONV(name, proc, args, drv_vol *, vol_from(&r.vol))
#define STR_RET(name, proc, args, field) RETURN_CONV(name, proc, args, char *, g_strdup(r.field))

static remote_nonnull_storage_pool pool_wire(const drv_pool *p)
{
        remote_nonnull_storage_pool w = {.name = p->name};

        memcpy(w.uuid, p->uuid, VCTL_UUID_LEN);
        return w;
}

static remote_nonnull_storage_vol vol_wire(const drv_vol *v)
{
        return (remote_nonnull_storage_vol){.pool = v->pool, .name = v->name, .key = v->key};
}

static drv_pool *pool_from(const remote_nonnull_storage_pool *w)
{
        return drv_pool_new(w->name, (const unsigned char *)w->uuid);
}

static drv_vol *vol_from(const remote_nonnull_storage_vol *w)
{
        return drv_vol_new(w->pool, w->name, w->key);
}

int remote_storage_list_all_pools(remote_conn *rc, unsigned int flags, GPtrArray **ret)
{
        remote_connect_list_all_storage_pools_args args = {.need_results = 1, .flags = flags};
        remote_connect_list_all_storage_pools_ret r;

        if (CALL(rc, CONNECT_LIST_ALL_STORAGE_POOLS, connect_list_all_storage_pools, &args, &r) < 0)
                return -1;
        *ret = g_ptr_array_new_with_free_func((GDestroyNotify)drv_pool_free);
        for (u_int i = 0; i < r.pools.pools_len; i++)
                g_ptr_array_add(*ret, pool_from(&r.pools.pools_val[i]));
        FREE_RET(connect_list_all_storage_pools, &r);
        return (int)(*ret)->len;
}

#define POOL_LOOKUP(fn, proc, name, type, field)                                                   \
        drv_pool *fn(remote_conn *rc, type key)                                                    \
        {                                                                                          \
                remote_##name##_args args;                                                         \
                                                                                                   \
                memset(&args, 0, sizeof(args));                                                    \
                field;                                                                             \
                POOL_RET(name, proc, &args);                                                       \
        }

POOL_LOOKUP(remote_storage_pool_lookup_by_name, STORAGE_POOL_LOOKUP_BY_NAME,
            storage_pool_lookup_by_name, const char *, args.name = (char *)key)
POOL_LOOKUP(remote_storage_pool_lookup_by_uuid, STORAGE_POOL_LOOKUP_BY_UUID,
            storage_pool_lookup_by_uuid, const unsigned char *,
            memcpy(args.uuid, key, VCTL_UUID_LEN))
POOL_LOOKUP(remote_storage_pool_lookup_by_volume, STORAGE_POOL_LOOKUP_BY_VOLUME,
            storage_pool_lookup_by_volume, const drv_vol *, args.vol = vol_wire(key))

#define POOL_FROM_XML(fn, proc, name)                                                              \
        drv_pool *fn(remote_conn *rc, const char *xml, unsigned int flags)                         \
        {                                                                                          \
                remote_##name##_args args = {.xml = (char *)xml, .flags = flags};                  \
                POOL_RET(name, proc, &args);                                                       \
        }

POOL_FROM_XML(remote_storage_pool_define_xml, STORAGE_POOL_DEFINE_XML, storage_pool_define_xml)
POOL_FROM_XML(remote_storage_pool_create_xml, STORAGE_POOL_CREATE_XML, storage_pool_create_xml)

#define POOL_FLAGS_OP(fn, proc, name)                                                              \
        int fn(remote_conn *rc, const drv_pool *pool, unsigned int flags)                          \
        {                                                                                          \
                remote_##name##_args args = {.pool = pool_wire(pool), .flags = flags};             \
                return CALL_NORET(rc, proc, name, &args);                                          \
        }
#define POOL_OP(fn, proc, name)                                                                    \
        int fn(remote_conn *rc, const drv_pool *pool)                                              \
        {                                                                                          \
                remote_##name##_args args = {.pool = pool_wire(pool)};                             \
                return CALL_NORET(rc, proc, name, &args);                                          \
        }

POOL_FLAGS_OP(remote_storage_pool_build, STORAGE_POOL_BUILD, storage_pool_build)
POOL_FLAGS_OP(remote_storage_pool_create, STORAGE_POOL_CREATE, storage_pool_create)
POOL_FLAGS_OP(remote_storage_pool_delete, STORAGE_POOL_DELETE, storage_pool_delete)
POOL_FLAGS_OP(remote_storage_pool_refresh, STORAGE_POOL_REFRESH, storage_pool_refresh)
POOL_OP(remote_storage_pool_destroy, STORAGE_POOL_DESTROY, storage_pool_destroy)
POOL_OP(remote_storage_pool_undefine, STORAGE_POOL_UNDEFINE, storage_pool_undefine)

char *remote_storage_pool_get_xml_desc(remote_conn *rc, const drv_pool *pool, unsigned int flags)
{
        remote_storage_pool_get_xml_desc_args args = {.pool = pool_wire(pool), .flags = flags};

        STR_RET(storage_pool_get_xml_desc, STORAGE_POOL_GET_XML_DESC, &args, xml);
}

int remote_storage_pool_get_info(remote_conn *rc, const drv_pool *pool, vctl_storage_pool_info *ret)
{
        remote_storage_pool_get_info_args args = {.pool = pool_wire(pool)};
        remote_storage_pool_get_info_ret r;

        if (CALL(rc, STORAGE_POOL_GET_INFO, storage_pool_get_info, &args, &r) < 0)
                return -1;
        ret->state = r.state;
        ret->capacity = r.capacity;
        ret->allocation = r.allocation;
        ret->available = r.available;
        return 0;
}

int remote_storage_pool_get_autostart(remote_conn *rc, const drv_pool *pool, int *ret)
{
        remote_storage_pool_get_autostart_args args = {.pool = pool_wire(pool)};
        remote_storage_pool_get_autostart_ret r;

        if (CALL(rc, STORAGE_POOL_GET_AUTOSTART, storage_pool_get_autostart, &args, &r) < 0)
                return -1;
        *ret = r.autostart;
        return 0;
}

int remote_storage_pool_set_autostart(remote_conn *rc, const drv_pool *pool, int autostart)
{
        remote_storage_pool_set_autostart_args args = {.pool = pool_wire(pool),
                                                       .autostart = autostart};

        return CALL_NORET(rc, STORAGE_POOL_SET_AUTOSTART, storage_pool_set_autostart, &args);
}

#define POOL_IS(fn, proc, name, field)                                                             \
        int fn(remote_conn *rc, const drv_pool *pool)                                              \
        {                                                                                          \
                remote_##name##_args args = {.pool = pool_wire(pool)};                             \
                remote_##name##_ret r;                                                             \
                                                                                                   \
                if (CALL(rc, proc, name, &args, &r) < 0)                                           \
                        return -1;                                                                 \
                return r.field ? 1 : 0;                                                            \
        }

POOL_IS(remote_storage_pool_is_active, STORAGE_POOL_IS_ACTIVE, storage_pool_is_active, active)
POOL_IS(remote_storage_pool_is_persistent, STORAGE_POOL_IS_PERSISTENT, storage_pool_is_persistent,
        persistent)

int remote_storage_pool_list_all_volumes(remote_conn *rc, const drv_pool *pool, unsigned int flags,
                                         GPtrArray **ret)
{
        remote_storage_pool_list_all_volumes_args args = {
                .pool = pool_wire(pool), .need_results = 1, .flags = flags};
        remote_storage_pool_list_all_volumes_ret r;

        if (CALL(rc, STORAGE_POOL_LIST_ALL_VOLUMES, storage_pool_list_all_volumes, &args, &r) < 0)
                return -1;
        *ret = g_ptr_array_new_with_free_func((GDestroyNotify)drv_vol_free);
        for (u_int i = 0; i < r.vols.vols_len; i++)
                g_ptr_array_add(*ret, vol_from(&r.vols.vols_val[i]));
        FREE_RET(storage_pool_list_all_volumes, &r);
        return (int)(*ret)->len;
}

drv_vol *remote_storage_vol_lookup_by_name(remote_conn *rc, const drv_pool *pool, const char *name)
{
        remote_storage_vol_lookup_by_name_args args = {.pool = pool_wire(pool),
                                                       .name = (char *)name};

        VOL_RET(storage_vol_lookup_by_name, STORAGE_VOL_LOOKUP_BY_NAME, &args);
}

drv_vol *remote_storage_vol_lookup_by_key(remote_conn *rc, const char *key)
{
        remote_storage_vol_lookup_by_key_args args = {.key = (char *)key};

        VOL_RET(storage_vol_lookup_by_key, STORAGE_VOL_LOOKUP_BY_KEY, &args);
}

drv_vol *remote_storage_vol_lookup_by_path(remote_conn *rc, const char *path)
{
        remote_storage_vol_lookup_by_path_args args = {.path = (char *)path};

        VOL_RET(storage_vol_lookup_by_path, STORAGE_VOL_LOOKUP_BY_PATH, &args);
}

drv_vol *remote_storage_vol_create_xml(remote_conn *rc, const drv_pool *pool, const char *xml,
                                       unsigned int flags)
{
        remote_storage_vol_create_xml_args args = {
                .pool = pool_wire(pool), .xml = (char *)xml, .flags = flags};

        VOL_RET(storage_vol_create_xml, STORAGE_VOL_CREATE_XML, &args);
}

drv_vol *remote_storage_vol_create_xml_from(remote_conn *rc, const drv_pool *pool, const char *xml,
                                            const drv_vol *src, unsigned int flags)
{
        remote_storage_vol_create_xml_from_args args = {.pool = pool_wire(pool),
                                                        .xml = (char *)xml,
                                                        .clonevol = vol_wire(src),
                                                        .flags = flags};

        VOL_RET(storage_vol_create_xml_from, STORAGE_VOL_CREATE_XML_FROM, &args);
}

int remote_storage_vol_delete(remote_conn *rc, const drv_vol *vol, unsigned int flags)
{
        remote_storage_vol_delete_args args = {.vol = vol_wire(vol), .flags = flags};

        return CALL_NORET(rc, STORAGE_VOL_DELETE, storage_vol_delete, &args);
}

int remote_storage_vol_wipe(remote_conn *rc, const drv_vol *vol, unsigned int flags)
{
        remote_storage_vol_wipe_args args = {.vol = vol_wire(vol), .flags = flags};

        return CALL_NORET(rc, STORAGE_VOL_WIPE, storage_vol_wipe, &args);
}

int remote_storage_vol_get_info(remote_conn *rc, const drv_vol *vol, vctl_storage_vol_info *ret)
{
        remote_storage_vol_get_info_args args = {.vol = vol_wire(vol)};
        remote_storage_vol_get_info_ret r;

        if (CALL(rc, STORAGE_VOL_GET_INFO, storage_vol_get_info, &args, &r) < 0)
                return -1;
        ret->type = r.type;
        ret->capacity = r.capacity;
        ret->allocation = r.allocation;
        return 0;
}

char *remote_storage_vol_get_xml_desc(remote_conn *rc, const drv_vol *vol, unsigned int flags)
{
        remote_storage_vol_get_xml_desc_args args = {.vol = vol_wire(vol), .flags = flags};

        STR_RET(storage_vol_get_xml_desc, STORAGE_VOL_GET_XML_DESC, &args, xml);
}

char *remote_storage_vol_get_path(remote_conn *rc, const drv_vol *vol)
{
        remote_storage_vol_get_path_args args = {.vol = vol_wire(vol)};

        STR_RET(storage_vol_get_path, STORAGE_VOL_GET_PATH, &args, name);
}

int remote_storage_vol_resize(remote_conn *rc, const drv_vol *vol, unsigned long long capacity,
                              unsigned int flags)
{
        remote_storage_vol_resize_args args = {
                .vol = vol_wire(vol), .capacity = capacity, .flags = flags};

        return CALL_NORET(rc, STORAGE_VOL_RESIZE, storage_vol_resize, &args);
}
