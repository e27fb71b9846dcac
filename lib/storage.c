/* libvctl's storage pool and volume calls: handles, lookups, life cycle. */
#include "config.h"

#include "lib/libvctl_priv.h"
#include "lib/remote_storage.h"

#include "lib/util/error.h"
#include "lib/util/i18n.h"
#include "lib/util/uuid.h"

#include <string.h>

struct vctl_storage_pool {
        vctl_conn *conn;
        drv_pool *p;
};

struct vctl_storage_vol {
        vctl_conn *conn;
        drv_vol *v;
};

/* The storage operation op of the connection's backend. */
#define STORAGE_OP(conn, op, ...)                                                                  \
        ((conn)->remote ? remote_storage_##op((conn)->remote, __VA_ARGS__)                         \
                        : (conn)->driver->storage->op((conn)->drv, __VA_ARGS__))

static int storage_check(vctl_conn *conn)
{
        if (conn_check(conn) < 0)
                return -1;
        if (!conn->remote && (!conn->driver || !conn->driver->storage))
                return vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_STORAGE,
                                      _("the connection to '%s' has no storage driver"),
                                      conn->uri->name);
        return 0;
}

static int storage_check_rw(vctl_conn *conn, const char *what)
{
        if (storage_check(conn) < 0)
                return -1;
        return conn_check_writable(conn, what);
}

HANDLE_FUNCS(static, vctl_storage_pool, drv_pool, p, drv_pool_free, pool_wrap,
             vctl_storage_pool_free, vctl_storage_pool_list_free)
HANDLE_FUNCS(static, vctl_storage_vol, drv_vol, v, drv_vol_free, vol_wrap, vctl_storage_vol_free,
             vctl_storage_vol_list_free)

static int pool_check(vctl_storage_pool *pool)
{
        if (!pool) {
                vctl_error_clear();
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_STORAGE,
                                      _("no storage pool given"));
        }
        return storage_check(pool->conn);
}

static int pool_check_rw(vctl_storage_pool *pool, const char *what)
{
        if (pool_check(pool) < 0)
                return -1;
        return conn_check_writable(pool->conn, what);
}

static int vol_check(vctl_storage_vol *vol)
{
        if (!vol) {
                vctl_error_clear();
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_STORAGE,
                                      _("no storage volume given"));
        }
        return storage_check(vol->conn);
}

static int vol_check_rw(vctl_storage_vol *vol, const char *what)
{
        if (vol_check(vol) < 0)
                return -1;
        return conn_check_writable(vol->conn, what);
}

/* ---- pools ---- */

int vctl_conn_list_all_storage_pools(vctl_conn *conn, vctl_storage_pool ***ret_pools,
                                     unsigned int flags)
{
        g_autoptr(GPtrArray) list = NULL;

        if (storage_check(conn) < 0 || STORAGE_OP(conn, list_all_pools, flags, &list) < 0)
                return -1;
        return pool_wrap_list(conn, list, ret_pools);
}

vctl_storage_pool *vctl_storage_pool_lookup_by_name(vctl_conn *conn, const char *name)
{
        if (storage_check(conn) < 0)
                return NULL;
        if (!name) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_STORAGE,
                               _("no storage pool name given"));
                return NULL;
        }
        return pool_wrap(conn, STORAGE_OP(conn, pool_lookup_by_name, name));
}

vctl_storage_pool *vctl_storage_pool_lookup_by_uuid_string(vctl_conn *conn, const char *uuid)
{
        unsigned char raw[VCTL_UUID_LEN];

        if (storage_check(conn) < 0)
                return NULL;
        if (!uuid || vctl_uuid_parse(uuid, raw) < 0) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_STORAGE, _("'%s' is not a UUID"),
                               uuid ? uuid : "");
                return NULL;
        }
        return pool_wrap(conn, STORAGE_OP(conn, pool_lookup_by_uuid, raw));
}

vctl_storage_pool *vctl_storage_pool_lookup_by_volume(vctl_storage_vol *vol)
{
        if (vol_check(vol) < 0)
                return NULL;
        return pool_wrap(vol->conn, STORAGE_OP(vol->conn, pool_lookup_by_volume, vol->v));
}

vctl_storage_pool *vctl_storage_pool_define_xml(vctl_conn *conn, const char *xml,
                                                unsigned int flags)
{
        if (storage_check_rw(conn, _("define a storage pool")) < 0)
                return NULL;
        return pool_wrap(conn, STORAGE_OP(conn, pool_define_xml, xml, flags));
}

vctl_storage_pool *vctl_storage_pool_create_xml(vctl_conn *conn, const char *xml,
                                                unsigned int flags)
{
        if (storage_check_rw(conn, _("create a storage pool")) < 0)
                return NULL;
        return pool_wrap(conn, STORAGE_OP(conn, pool_create_xml, xml, flags));
}

const char *vctl_storage_pool_get_name(const vctl_storage_pool *pool)
{
        return pool ? pool->p->name : NULL;
}

int vctl_storage_pool_get_uuid_string(const vctl_storage_pool *pool,
                                      char buf[VCTL_UUID_STRING_BUFLEN])
{
        if (!pool)
                return -1;
        vctl_uuid_format(pool->p->uuid, buf);
        return 0;
}

#define POOL_RW(fn, what, op, ...)                                                                 \
        int fn                                                                                     \
        {                                                                                          \
                if (pool_check_rw(pool, what) < 0)                                                 \
                        return -1;                                                                 \
                return STORAGE_OP(pool->conn, op, __VA_ARGS__) < 0 ? -1 : 0;                       \
        }

POOL_RW(vctl_storage_pool_build(vctl_storage_pool *pool, unsigned int flags),
        _("build a storage pool"), pool_build, pool->p, flags)
POOL_RW(vctl_storage_pool_create(vctl_storage_pool *pool, unsigned int flags),
        _("start a storage pool"), pool_create, pool->p, flags)
POOL_RW(vctl_storage_pool_destroy(vctl_storage_pool *pool), _("stop a storage pool"), pool_destroy,
        pool->p)
POOL_RW(vctl_storage_pool_delete(vctl_storage_pool *pool, unsigned int flags),
        _("delete a storage pool"), pool_delete, pool->p, flags)
POOL_RW(vctl_storage_pool_undefine(vctl_storage_pool *pool), _("undefine a storage pool"),
        pool_undefine, pool->p)
POOL_RW(vctl_storage_pool_refresh(vctl_storage_pool *pool, unsigned int flags),
        _("refresh a storage pool"), pool_refresh, pool->p, flags)
POOL_RW(vctl_storage_pool_set_autostart(vctl_storage_pool *pool, int autostart),
        _("set a storage pool's autostart"), pool_set_autostart, pool->p, autostart)

char *vctl_storage_pool_get_xml_desc(vctl_storage_pool *pool, unsigned int flags)
{
        if (pool_check(pool) < 0)
                return NULL;
        return STORAGE_OP(pool->conn, pool_get_xml_desc, pool->p, flags);
}

int vctl_storage_pool_get_info(vctl_storage_pool *pool, vctl_storage_pool_info *ret_info)
{
        if (pool_check(pool) < 0)
                return -1;
        return STORAGE_OP(pool->conn, pool_get_info, pool->p, ret_info) < 0 ? -1 : 0;
}

int vctl_storage_pool_get_autostart(vctl_storage_pool *pool, int *ret_autostart)
{
        if (pool_check(pool) < 0)
                return -1;
        return STORAGE_OP(pool->conn, pool_get_autostart, pool->p, ret_autostart) < 0 ? -1 : 0;
}

int vctl_storage_pool_is_active(vctl_storage_pool *pool)
{
        if (pool_check(pool) < 0)
                return -1;
        return STORAGE_OP(pool->conn, pool_is_active, pool->p);
}

int vctl_storage_pool_is_persistent(vctl_storage_pool *pool)
{
        if (pool_check(pool) < 0)
                return -1;
        return STORAGE_OP(pool->conn, pool_is_persistent, pool->p);
}

const char *vctl_storage_pool_state_name(int state)
{
        static const char *const names[] = {N_("inactive"), N_("building"), N_("running"),
                                            N_("degraded"), N_("inaccessible")};

        return state >= 0 && state < (int)G_N_ELEMENTS(names) ? _(names[state]) : _("unknown");
}

/* ---- volumes ---- */

int vctl_storage_pool_list_all_volumes(vctl_storage_pool *pool, vctl_storage_vol ***ret_vols,
                                       unsigned int flags)
{
        g_autoptr(GPtrArray) list = NULL;

        if (pool_check(pool) < 0 ||
            STORAGE_OP(pool->conn, pool_list_all_volumes, pool->p, flags, &list) < 0)
                return -1;
        return vol_wrap_list(pool->conn, list, ret_vols);
}

vctl_storage_vol *vctl_storage_vol_lookup_by_name(vctl_storage_pool *pool, const char *name)
{
        if (pool_check(pool) < 0)
                return NULL;
        if (!name) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_STORAGE,
                               _("no storage volume name given"));
                return NULL;
        }
        return vol_wrap(pool->conn, STORAGE_OP(pool->conn, vol_lookup_by_name, pool->p, name));
}

vctl_storage_vol *vctl_storage_vol_lookup_by_key(vctl_conn *conn, const char *key)
{
        if (storage_check(conn) < 0)
                return NULL;
        if (!key) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_STORAGE, _("no volume key given"));
                return NULL;
        }
        return vol_wrap(conn, STORAGE_OP(conn, vol_lookup_by_key, key));
}

vctl_storage_vol *vctl_storage_vol_lookup_by_path(vctl_conn *conn, const char *path)
{
        if (storage_check(conn) < 0)
                return NULL;
        if (!path) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_STORAGE, _("no volume path given"));
                return NULL;
        }
        return vol_wrap(conn, STORAGE_OP(conn, vol_lookup_by_path, path));
}

vctl_storage_vol *vctl_storage_vol_create_xml(vctl_storage_pool *pool, const char *xml,
                                              unsigned int flags)
{
        if (pool_check_rw(pool, _("create a storage volume")) < 0)
                return NULL;
        return vol_wrap(pool->conn, STORAGE_OP(pool->conn, vol_create_xml, pool->p, xml, flags));
}

vctl_storage_vol *vctl_storage_vol_create_xml_from(vctl_storage_pool *pool, const char *xml,
                                                   vctl_storage_vol *src, unsigned int flags)
{
        if (pool_check_rw(pool, _("clone a storage volume")) < 0 || vol_check(src) < 0)
                return NULL;
        return vol_wrap(pool->conn,
                        STORAGE_OP(pool->conn, vol_create_xml_from, pool->p, xml, src->v, flags));
}

const char *vctl_storage_vol_get_name(const vctl_storage_vol *vol)
{
        return vol ? vol->v->name : NULL;
}

const char *vctl_storage_vol_get_key(const vctl_storage_vol *vol)
{
        return vol ? vol->v->key : NULL;
}

const char *vctl_storage_vol_get_pool_name(const vctl_storage_vol *vol)
{
        return vol ? vol->v->pool : NULL;
}

int vctl_storage_vol_delete(vctl_storage_vol *vol, unsigned int flags)
{
        if (vol_check_rw(vol, _("delete a storage volume")) < 0)
                return -1;
        return STORAGE_OP(vol->conn, vol_delete, vol->v, flags) < 0 ? -1 : 0;
}

int vctl_storage_vol_wipe(vctl_storage_vol *vol, unsigned int flags)
{
        if (vol_check_rw(vol, _("wipe a storage volume")) < 0)
                return -1;
        return STORAGE_OP(vol->conn, vol_wipe, vol->v, flags) < 0 ? -1 : 0;
}

int vctl_storage_vol_get_info(vctl_storage_vol *vol, vctl_storage_vol_info *ret_info)
{
        if (vol_check(vol) < 0)
                return -1;
        return STORAGE_OP(vol->conn, vol_get_info, vol->v, ret_info) < 0 ? -1 : 0;
}

char *vctl_storage_vol_get_xml_desc(vctl_storage_vol *vol, unsigned int flags)
{
        if (vol_check(vol) < 0)
                return NULL;
        return STORAGE_OP(vol->conn, vol_get_xml_desc, vol->v, flags);
}

char *vctl_storage_vol_get_path(vctl_storage_vol *vol)
{
        if (vol_check(vol) < 0)
                return NULL;
        return STORAGE_OP(vol->conn, vol_get_path, vol->v);
}

int vctl_storage_vol_resize(vctl_storage_vol *vol, unsigned long long capacity, unsigned int flags)
{
        if (vol_check_rw(vol, _("resize a storage volume")) < 0)
                return -1;
        return STORAGE_OP(vol->conn, vol_resize, vol->v, capacity, flags) < 0 ? -1 : 0;
}

const char *vctl_storage_vol_type_name(int type)
{
        static const char *const names[] = {"file", "block", "dir", "network", "netdir", "ploop"};

        return type >= 0 && type < (int)G_N_ELEMENTS(names) ? names[type] : "unknown";
}
