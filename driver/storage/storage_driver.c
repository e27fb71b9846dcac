/* The storage driver tables: the pool entries over the shared core, the
 * host's state (qemu:///) and the test driver's in-memory one. */
#include "config.h"

#include "driver/storage/storage_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

drv_pool *drv_pool_new(const char *name, const unsigned char uuid[VCTL_UUID_LEN])
{
        drv_pool *pool = g_new0(drv_pool, 1);

        pool->name = g_strdup(name);
        memcpy(pool->uuid, uuid, VCTL_UUID_LEN);
        return pool;
}

void drv_pool_free(drv_pool *pool)
{
        if (!pool)
                return;
        g_free(pool->name);
        g_free(pool);
}

drv_vol *drv_vol_new(const char *pool, const char *name, const char *key)
{
        drv_vol *vol = g_new0(drv_vol, 1);

        vol->pool = g_strdup(pool);
        vol->name = g_strdup(name);
        vol->key = g_strdup(key);
        return vol;
}

void drv_vol_free(drv_vol *vol)
{
        if (!vol)
                return;
        g_free(vol->pool);
        g_free(vol->name);
        g_free(vol->key);
        g_free(vol);
}

/* ---- the two states ---- */

static GMutex storage_global_lock;
static storage_state *storage_host; /* qemu:///, from state_init to state_cleanup */
static storage_state *storage_mem;  /* test:///, made on first use */

static storage_state *storage_host_state(void)
{
        storage_state *st;

        g_mutex_lock(&storage_global_lock);
        st = storage_host;
        g_mutex_unlock(&storage_global_lock);
        if (!st)
                STORAGE_ERR(VCTL_ERR_NO_SUPPORT,
                            _("the storage driver does not run in this process"));
        return st;
}

/* libvirt's test driver: one active pool "default-pool" of 100 GiB. */
static storage_state *storage_mem_state(void)
{
        storage_state *st;

        g_mutex_lock(&storage_global_lock);
        if (!storage_mem) {
                g_autoptr(pool_def) def = g_new0(pool_def, 1);
                storage_pool_obj *obj;

                storage_mem = storage_state_new(TRUE);
                def->name = g_strdup("default-pool");
                vctl_uuid_parse("dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566", def->uuid);
                def->target_path = g_strdup("/default-pool");
                def->capacity = 100ull << 30;
                def->available = def->capacity;
                def->target_perms = (pool_perms){.mode = POOL_PERMS_MODE_UNSET,
                                                 .owner = POOL_PERMS_ID_UNSET,
                                                 .group = POOL_PERMS_ID_UNSET};
                obj = storage_pool_add_locked(storage_mem, &def, TRUE);
                obj->active = TRUE;
        }
        st = storage_mem;
        g_mutex_unlock(&storage_global_lock);
        return st;
}

static int storage_host_init(const vctl_paths *paths)
{
        storage_state *st = storage_state_new(FALSE);

        if (storage_load(st, paths) < 0) {
                storage_state_free(st);
                return -1;
        }
        g_mutex_lock(&storage_global_lock);
        storage_state_free(storage_host);
        storage_host = st;
        g_mutex_unlock(&storage_global_lock);
        log_debug("storage driver: %u pool(s) loaded", g_hash_table_size(st->pools));
        return 0;
}

static void storage_host_cleanup(void)
{
        storage_state *st;

        g_mutex_lock(&storage_global_lock);
        st = g_steal_pointer(&storage_host);
        g_mutex_unlock(&storage_global_lock);
        storage_state_free(st);
}

/* ---- pools ---- */

static gint storage_pool_cmp(gconstpointer a, gconstpointer b)
{
        return strcmp((*(drv_pool *const *)a)->name, (*(drv_pool *const *)b)->name);
}

static int storage_pool_list(storage_state *st, unsigned int flags, GPtrArray **ret)
{
        GPtrArray *pools;
        GHashTableIter it;
        gpointer value;

        if (flags & ~0x7fu)
                return STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                                   _("unsupported flags (0x%x) in listing storage pools"),
                                   flags & ~0x7fu);
        pools = g_ptr_array_new_with_free_func((GDestroyNotify)drv_pool_free);
        g_mutex_lock(&st->lock);
        g_hash_table_iter_init(&it, st->pools);
        while (g_hash_table_iter_next(&it, NULL, &value)) {
                storage_pool_obj *o = value;
                unsigned int act =
                        flags & (VCTL_LIST_STORAGE_POOLS_ACTIVE | VCTL_LIST_STORAGE_POOLS_INACTIVE);
                unsigned int per = flags & (VCTL_LIST_STORAGE_POOLS_PERSISTENT |
                                            VCTL_LIST_STORAGE_POOLS_TRANSIENT);
                unsigned int aut = flags & (VCTL_LIST_STORAGE_POOLS_AUTOSTART |
                                            VCTL_LIST_STORAGE_POOLS_NO_AUTOSTART);

                if (act && !(act & (o->active ? VCTL_LIST_STORAGE_POOLS_ACTIVE
                                              : VCTL_LIST_STORAGE_POOLS_INACTIVE)))
                        continue;
                if (per && !(per & (o->persistent ? VCTL_LIST_STORAGE_POOLS_PERSISTENT
                                                  : VCTL_LIST_STORAGE_POOLS_TRANSIENT)))
                        continue;
                if (aut && !(aut & (o->autostart ? VCTL_LIST_STORAGE_POOLS_AUTOSTART
                                                 : VCTL_LIST_STORAGE_POOLS_NO_AUTOSTART)))
                        continue;
                g_ptr_array_add(pools, storage_pool_to_drv(o));
        }
        g_mutex_unlock(&st->lock);
        g_ptr_array_sort(pools, storage_pool_cmp);
        *ret = pools;
        return (int)pools->len;
}

static drv_pool *storage_pool_lookup(storage_state *st, const char *name, const unsigned char *uuid)
{
        drv_pool *ret = NULL;
        char buf[VCTL_UUID_STRING_LEN];
        GHashTableIter it;
        gpointer value;

        g_mutex_lock(&st->lock);
        if (name) {
                storage_pool_obj *obj = storage_pool_find_name_locked(st, name);

                if (obj)
                        ret = storage_pool_to_drv(obj);
                else
                        STORAGE_ERR(VCTL_ERR_NO_STORAGE_POOL,
                                    _("storage pool not found: no pool named '%s'"), name);
        } else {
                g_hash_table_iter_init(&it, st->pools);
                while (!ret && g_hash_table_iter_next(&it, NULL, &value))
                        if (memcmp(((storage_pool_obj *)value)->def->uuid, uuid, VCTL_UUID_LEN) ==
                            0)
                                ret = storage_pool_to_drv(value);
                if (!ret)
                        STORAGE_ERR(VCTL_ERR_NO_STORAGE_POOL,
                                    _("storage pool not found: no pool with UUID %s"),
                                    vctl_uuid_format(uuid, buf));
        }
        g_mutex_unlock(&st->lock);
        return ret;
}

/* The XML of a pool to define or create; the test driver's pools are
 * 100 GiB unless the XML gives a capacity. */
static pool_def *storage_pool_parse(storage_state *st, const char *xml)
{
        pool_def *def;

        if (!xml) {
                STORAGE_ERR(VCTL_ERR_INVALID_ARG, _("no storage pool XML given"));
                return NULL;
        }
        def = pool_def_parse(xml, strlen(xml), NULL);
        if (def && st->mem && !def->capacity)
                def->capacity = 100ull << 30;
        return def;
}

static drv_pool *storage_pool_define(storage_state *st, const char *xml, unsigned int flags)
{
        g_autoptr(pool_def) def = NULL;
        storage_pool_obj *obj;
        drv_pool *ret = NULL;

        /* VALIDATE: the parser always validates */
        if (flags & ~1u) {
                STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                            _("unsupported flags (0x%x) in defining a storage pool"), flags);
                return NULL;
        }
        def = storage_pool_parse(st, xml);
        if (!def)
                return NULL;
        g_mutex_lock(&st->lock);
        obj = storage_pool_find_name_locked(st, def->name);
        if (obj && !obj->persistent) {
                STORAGE_ERR(VCTL_ERR_OPERATION_INVALID,
                            _("storage pool '%s' already exists as a transient pool"), def->name);
                goto out;
        }
        /* as libvirt: a redefinition without <uuid> keeps the pool's UUID */
        if (obj && !strstr(xml, "<uuid"))
                memcpy(def->uuid, obj->def->uuid, VCTL_UUID_LEN);
        {
                /* checks first, then the file, then the object (a copy of
                 * what is saved, so both carry the same UUID) */
                g_autofree char *canon = pool_def_format(def);
                g_autoptr(pool_def) copy = pool_def_parse(canon, strlen(canon), NULL);
                storage_pool_obj *added;

                gboolean moved = !obj || (!obj->active &&
                                          g_strcmp0(obj->def->target_path, def->target_path) != 0);

                added = copy ? storage_pool_add_locked(st, &copy, TRUE) : NULL;
                if (!added)
                        goto out;
                if (moved)
                        storage_vol_records_drop(st, def->name);
                if (storage_pool_save_config(st, def) < 0) {
                        if (!obj)
                                g_hash_table_remove(st->pools, added->def->name);
                        goto out;
                }
                ret = storage_pool_to_drv(added);
                log_info(_("storage pool '%s' defined"), def->name);
        }
out:
        g_mutex_unlock(&st->lock);
        return ret;
}

static drv_pool *storage_pool_create_transient(storage_state *st, const char *xml,
                                               unsigned int flags)
{
        g_autoptr(pool_def) def = NULL;
        storage_pool_obj *obj;
        drv_pool *ret = NULL;

        if (flags & ~0x7u) {
                STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                            _("unsupported flags (0x%x) in creating a storage pool"), flags);
                return NULL;
        }
        def = storage_pool_parse(st, xml);
        if (!def)
                return NULL;
        g_mutex_lock(&st->lock);
        if (storage_pool_find_name_locked(st, def->name)) {
                STORAGE_ERR(VCTL_ERR_OPERATION_INVALID, _("storage pool '%s' already exists"),
                            def->name);
                goto out;
        }
        obj = storage_pool_add_locked(st, &def, FALSE);
        if (!obj)
                goto out;
        storage_vol_records_drop(st, obj->def->name);
        if (storage_pool_start_locked(st, obj, flags) < 0) {
                g_hash_table_remove(st->pools, obj->def->name);
                goto out;
        }
        ret = storage_pool_to_drv(obj);
out:
        g_mutex_unlock(&st->lock);
        return ret;
}

/* The pool pool names, locked: st->lock is held on success. */
static storage_pool_obj *storage_pool_get(storage_state *st, const drv_pool *pool)
{
        storage_pool_obj *obj;

        g_mutex_lock(&st->lock);
        obj = storage_pool_find_locked(st, pool);
        if (!obj)
                g_mutex_unlock(&st->lock);
        return obj;
}

static int storage_pool_check_idle(const storage_pool_obj *obj, const char *what)
{
        if (obj->ops > 0)
                return STORAGE_ERR(VCTL_ERR_RESOURCE_BUSY,
                                   _("cannot %s storage pool '%s': %d volume operation(s) are "
                                     "running in it"),
                                   what, obj->def->name, obj->ops);
        return 0;
}

static int storage_pool_build(storage_state *st, const drv_pool *pool, unsigned int flags)
{
        storage_pool_obj *obj;
        int r;

        if (flags & ~(unsigned int)(VCTL_STORAGE_POOL_BUILD_NO_OVERWRITE |
                                    VCTL_STORAGE_POOL_BUILD_OVERWRITE))
                return STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                                   _("unsupported flags (0x%x) in building a storage pool"), flags);
        if (!(obj = storage_pool_get(st, pool)))
                return -1;
        if (obj->active)
                r = STORAGE_ERR(VCTL_ERR_OPERATION_INVALID,
                                _("storage pool '%s' is active: stop it before building it"),
                                obj->def->name);
        else
                r = st->mem ? 0 : storage_pool_build_dir(obj->def, flags);
        g_mutex_unlock(&st->lock);
        return r;
}

static int storage_pool_start(storage_state *st, const drv_pool *pool, unsigned int flags)
{
        storage_pool_obj *obj;
        int r;

        if (flags & ~0x7u)
                return STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                                   _("unsupported flags (0x%x) in starting a storage pool"), flags);
        if (!(obj = storage_pool_get(st, pool)))
                return -1;
        r = storage_pool_start_locked(st, obj, flags);
        g_mutex_unlock(&st->lock);
        if (r == 0)
                log_info(_("storage pool '%s' started"), pool->name);
        return r;
}

static int storage_pool_destroy(storage_state *st, const drv_pool *pool)
{
        storage_pool_obj *obj;

        if (!(obj = storage_pool_get(st, pool)))
                return -1;
        if (storage_pool_check_active(obj) < 0 || storage_pool_check_idle(obj, "stop") < 0) {
                g_mutex_unlock(&st->lock);
                return -1;
        }
        obj->active = FALSE;
        if (!st->mem)
                g_hash_table_remove_all(obj->vols);
        storage_pool_remove_files(st, obj->def->name, FALSE);
        if (obj->new_def) {
                if (g_strcmp0(obj->def->target_path, obj->new_def->target_path) != 0)
                        storage_vol_records_drop(st, obj->def->name);
                pool_def_free(obj->def);
                obj->def = g_steal_pointer(&obj->new_def);
        }
        if (!obj->persistent) {
                storage_vol_records_drop(st, pool->name);
                g_hash_table_remove(st->pools, pool->name);
        }
        g_mutex_unlock(&st->lock);
        log_info(_("storage pool '%s' stopped"), pool->name);
        return 0;
}

static int storage_pool_delete(storage_state *st, const drv_pool *pool, unsigned int flags)
{
        storage_pool_obj *obj;
        int r = 0;

        if (flags & ~1u)
                return STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                                   _("unsupported flags (0x%x) in deleting a storage pool"), flags);
        if (!(obj = storage_pool_get(st, pool)))
                return -1;
        if (obj->active)
                r = STORAGE_ERR(VCTL_ERR_OPERATION_INVALID,
                                _("storage pool '%s' is active: stop it before deleting it"),
                                obj->def->name);
        else if (!st->mem && rmdir(obj->def->target_path) < 0 && errno != ENOENT)
                r = vctl_error_set_errno(errno, VCTL_ERR_OPERATION_FAILED, VCTL_FROM_STORAGE,
                                         errno == ENOTEMPTY || errno == EEXIST
                                                 ? _("cannot delete storage pool '%s': its "
                                                     "directory '%s' is not empty (delete its "
                                                     "volumes first)")
                                                 : _("cannot delete storage pool '%s': cannot "
                                                     "remove directory '%s'"),
                                         obj->def->name, obj->def->target_path);
        g_mutex_unlock(&st->lock);
        return r;
}

static int storage_pool_undefine(storage_state *st, const drv_pool *pool)
{
        storage_pool_obj *obj;

        if (!(obj = storage_pool_get(st, pool)))
                return -1;
        if (!obj->persistent) {
                g_mutex_unlock(&st->lock);
                return STORAGE_ERR(VCTL_ERR_OPERATION_INVALID,
                                   _("storage pool '%s' is transient: nothing to undefine (stop "
                                     "it instead)"),
                                   pool->name);
        }
        storage_pool_remove_files(st, obj->def->name, TRUE);
        if (obj->active) {
                /* lives on as a transient pool until it stops */
                obj->persistent = FALSE;
                obj->autostart = FALSE;
                g_clear_pointer(&obj->new_def, pool_def_free);
        } else {
                storage_vol_records_drop(st, pool->name);
                g_hash_table_remove(st->pools, pool->name);
        }
        g_mutex_unlock(&st->lock);
        log_info(_("storage pool '%s' undefined"), pool->name);
        return 0;
}

static int storage_pool_refresh(storage_state *st, const drv_pool *pool, unsigned int flags)
{
        storage_pool_obj *obj;
        int r;

        if (flags)
                return STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                                   _("unsupported flags (0x%x) in refreshing a storage pool"),
                                   flags);
        if (!(obj = storage_pool_get(st, pool)))
                return -1;
        r = storage_pool_check_active(obj);
        if (r == 0)
                r = storage_pool_check_idle(obj, "refresh");
        if (r == 0)
                r = storage_pool_refresh_locked(st, obj);
        g_mutex_unlock(&st->lock);
        return r;
}

static int storage_pool_info(storage_state *st, const drv_pool *pool, vctl_storage_pool_info *ret)
{
        storage_pool_obj *obj;
        g_autofree char *path = NULL;
        unsigned long long used = 0;
        GHashTableIter it;
        gpointer value;

        if (!(obj = storage_pool_get(st, pool)))
                return -1;
        *ret = (vctl_storage_pool_info){.state = obj->active ? VCTL_STORAGE_POOL_RUNNING
                                                             : VCTL_STORAGE_POOL_INACTIVE};
        if (obj->active && st->mem) {
                g_hash_table_iter_init(&it, obj->vols);
                while (g_hash_table_iter_next(&it, NULL, &value))
                        used += ((vol_def *)value)->allocation;
                ret->capacity = obj->def->capacity;
                ret->allocation = used;
                ret->available = ret->capacity > used ? ret->capacity - used : 0;
        } else if (obj->active) {
                path = g_strdup(obj->def->target_path);
        }
        g_mutex_unlock(&st->lock);
        if (path && storage_fs_info(path, ret) < 0) {
                ret->state = VCTL_STORAGE_POOL_INACCESSIBLE;
                vctl_error_clear();
        }
        return 0;
}

static char *storage_pool_xml(storage_state *st, const drv_pool *pool, unsigned int flags)
{
        g_autoptr(pool_def) copy = NULL;
        vctl_storage_pool_info info = {0};
        storage_pool_obj *obj;
        char *xml;

        if (flags & ~(unsigned int)VCTL_STORAGE_XML_INACTIVE) {
                STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                            _("unsupported flags (0x%x) in getting a storage pool's XML"), flags);
                return NULL;
        }
        if (storage_pool_info(st, pool, &info) < 0 || !(obj = storage_pool_get(st, pool)))
                return NULL;
        {
                pool_def *src = (flags & VCTL_STORAGE_XML_INACTIVE) && obj->new_def ? obj->new_def
                                                                                    : obj->def;
                pool_def saved = *src;

                saved.capacity = info.capacity;
                saved.allocation = info.allocation;
                saved.available = info.available;
                xml = pool_def_format(&saved);
        }
        g_mutex_unlock(&st->lock);
        return xml;
}

static int storage_pool_get_flag(storage_state *st, const drv_pool *pool, int which)
{
        storage_pool_obj *obj;
        int r;

        if (!(obj = storage_pool_get(st, pool)))
                return -1;
        r = which == 0 ? obj->autostart : which == 1 ? obj->active : obj->persistent;
        g_mutex_unlock(&st->lock);
        return r ? 1 : 0;
}

static int storage_pool_set_autostart(storage_state *st, const drv_pool *pool, int autostart)
{
        storage_pool_obj *obj;
        int r;

        if (!(obj = storage_pool_get(st, pool)))
                return -1;
        r = storage_pool_set_autostart_locked(st, obj, autostart != 0);
        g_mutex_unlock(&st->lock);
        return r;
}

static drv_pool *storage_pool_by_volume(storage_state *st, const drv_vol *vol)
{
        storage_pool_obj *obj = NULL;
        drv_pool *ret = NULL;

        g_mutex_lock(&st->lock);
        if (storage_vol_find_locked(st, vol, &obj))
                ret = storage_pool_to_drv(obj);
        g_mutex_unlock(&st->lock);
        return ret;
}

/* ---- volume resolution for the QEMU driver ---- */

void storage_vol_source_clear(storage_vol_source *src)
{
        g_clear_pointer(&src->path, g_free);
        g_clear_pointer(&src->backing_path, g_free);
}

int storage_vol_resolve(const char *pool, const char *vol, storage_vol_source *ret)
{
        storage_state *st = storage_host_state();
        storage_pool_obj *obj;
        g_autoptr(drv_pool) dp = NULL;
        g_autoptr(drv_vol) dv = NULL;

        if (!st)
                return -1;
        g_mutex_lock(&st->lock);
        obj = storage_pool_find_name_locked(st, pool);
        if (obj)
                dp = storage_pool_to_drv(obj);
        g_mutex_unlock(&st->lock);
        if (!dp)
                return STORAGE_ERR(VCTL_ERR_NO_STORAGE_POOL,
                                   _("storage pool '%s' does not exist (volume '%s')"), pool, vol);
        dv = storage_vol_lookup_name(st, dp, vol);
        if (!dv)
                return -1;
        {
                g_autofree char *xml = storage_vol_xml(st, dv, 0);
                g_autoptr(vol_def) cur = xml ? vol_def_parse(xml, strlen(xml), NULL) : NULL;

                if (!cur)
                        return -1;
                ret->path = g_strdup(cur->target_path);
                ret->format = cur->target_format;
                ret->backing_path = g_strdup(cur->backing_path);
                ret->backing_format = cur->backing_format;
        }
        return 0;
}

/* ---- the tables ---- */

#define ST_HOST(conn) storage_host_state()
#define ST_MEM(conn)  storage_mem_state()

/* One entry: (drv_conn *c, params...) gets the state the table works on,
 * then makes the shared core's call on it (or fails when there is none). */
#define ST_PARAMS(...) __VA_ARGS__
#define ST_FN(prefix, STATE, type, fail, entry, params, call)                                      \
        static type prefix##_##entry(drv_conn *c, ST_PARAMS params)                                \
        {                                                                                          \
                storage_state *st = STATE(c);                                                      \
                return st ? call : fail;                                                           \
        }

static int storage_pool_get_autostart(storage_state *st, const drv_pool *pool, int *ret)
{
        int v = storage_pool_get_flag(st, pool, 0);

        if (v < 0)
                return -1;
        *ret = v;
        return 0;
}

#define STORAGE_TABLE(prefix, STATE)                                                               \
        ST_FN(prefix, STATE, int, -1, list_all_pools, (unsigned int f, GPtrArray **r),             \
              storage_pool_list(st, f, r))                                                         \
        ST_FN(prefix, STATE, drv_pool *, NULL, pool_lookup_by_name, (const char *n),               \
              storage_pool_lookup(st, n, NULL))                                                    \
        ST_FN(prefix, STATE, drv_pool *, NULL, pool_lookup_by_uuid, (const unsigned char *u),      \
              storage_pool_lookup(st, NULL, u))                                                    \
        ST_FN(prefix, STATE, drv_pool *, NULL, pool_lookup_by_volume, (const drv_vol *v),          \
              storage_pool_by_volume(st, v))                                                       \
        ST_FN(prefix, STATE, drv_pool *, NULL, pool_define_xml, (const char *x, unsigned int f),   \
              storage_pool_define(st, x, f))                                                       \
        ST_FN(prefix, STATE, drv_pool *, NULL, pool_create_xml, (const char *x, unsigned int f),   \
              storage_pool_create_transient(st, x, f))                                             \
        ST_FN(prefix, STATE, int, -1, pool_build, (const drv_pool *p, unsigned int f),             \
              storage_pool_build(st, p, f))                                                        \
        ST_FN(prefix, STATE, int, -1, pool_create, (const drv_pool *p, unsigned int f),            \
              storage_pool_start(st, p, f))                                                        \
        ST_FN(prefix, STATE, int, -1, pool_destroy, (const drv_pool *p),                           \
              storage_pool_destroy(st, p))                                                         \
        ST_FN(prefix, STATE, int, -1, pool_delete, (const drv_pool *p, unsigned int f),            \
              storage_pool_delete(st, p, f))                                                       \
        ST_FN(prefix, STATE, int, -1, pool_undefine, (const drv_pool *p),                          \
              storage_pool_undefine(st, p))                                                        \
        ST_FN(prefix, STATE, int, -1, pool_refresh, (const drv_pool *p, unsigned int f),           \
              storage_pool_refresh(st, p, f))                                                      \
        ST_FN(prefix, STATE, char *, NULL, pool_get_xml_desc, (const drv_pool *p, unsigned int f), \
              storage_pool_xml(st, p, f))                                                          \
        ST_FN(prefix, STATE, int, -1, pool_get_info,                                               \
              (const drv_pool *p, vctl_storage_pool_info *r), storage_pool_info(st, p, r))         \
        ST_FN(prefix, STATE, int, -1, pool_get_autostart, (const drv_pool *p, int *r),             \
              storage_pool_get_autostart(st, p, r))                                                \
        ST_FN(prefix, STATE, int, -1, pool_set_autostart, (const drv_pool *p, int a),              \
              storage_pool_set_autostart(st, p, a))                                                \
        ST_FN(prefix, STATE, int, -1, pool_is_active, (const drv_pool *p),                         \
              storage_pool_get_flag(st, p, 1))                                                     \
        ST_FN(prefix, STATE, int, -1, pool_is_persistent, (const drv_pool *p),                     \
              storage_pool_get_flag(st, p, 2))                                                     \
        ST_FN(prefix, STATE, int, -1, pool_list_all_volumes,                                       \
              (const drv_pool *p, unsigned int f, GPtrArray **r), storage_vol_list(st, p, f, r))   \
        ST_FN(prefix, STATE, drv_vol *, NULL, vol_lookup_by_name,                                  \
              (const drv_pool *p, const char *n), storage_vol_lookup_name(st, p, n))               \
        ST_FN(prefix, STATE, drv_vol *, NULL, vol_lookup_by_key, (const char *k),                  \
              storage_vol_lookup_path(st, k, TRUE))                                                \
        ST_FN(prefix, STATE, drv_vol *, NULL, vol_lookup_by_path, (const char *k),                 \
              storage_vol_lookup_path(st, k, FALSE))                                               \
        ST_FN(prefix, STATE, drv_vol *, NULL, vol_create_xml,                                      \
              (const drv_pool *p, const char *x, unsigned int f),                                  \
              storage_vol_create(st, p, x, NULL, f))                                               \
        ST_FN(prefix, STATE, drv_vol *, NULL, vol_create_xml_from,                                 \
              (const drv_pool *p, const char *x, const drv_vol *s, unsigned int f),                \
              storage_vol_create(st, p, x, s, f))                                                  \
        ST_FN(prefix, STATE, int, -1, vol_delete, (const drv_vol *v, unsigned int f),              \
              storage_vol_delete(st, v, f))                                                        \
        ST_FN(prefix, STATE, int, -1, vol_wipe, (const drv_vol *v, unsigned int f),                \
              storage_vol_wipe(st, v, f))                                                          \
        ST_FN(prefix, STATE, int, -1, vol_get_info, (const drv_vol *v, vctl_storage_vol_info *r),  \
              storage_vol_info(st, v, r))                                                          \
        ST_FN(prefix, STATE, char *, NULL, vol_get_xml_desc, (const drv_vol *v, unsigned int f),   \
              storage_vol_xml(st, v, f))                                                           \
        ST_FN(prefix, STATE, char *, NULL, vol_get_path, (const drv_vol *v),                       \
              storage_vol_path(st, v))                                                             \
        ST_FN(prefix, STATE, int, -1, vol_resize,                                                  \
              (const drv_vol *v, unsigned long long cap, unsigned int f),                          \
              storage_vol_resize(st, v, cap, f))

#define STORAGE_ENTRIES(prefix)                                                                    \
        .list_all_pools = prefix##_list_all_pools,                                                 \
        .pool_lookup_by_name = prefix##_pool_lookup_by_name,                                       \
        .pool_lookup_by_uuid = prefix##_pool_lookup_by_uuid,                                       \
        .pool_lookup_by_volume = prefix##_pool_lookup_by_volume,                                   \
        .pool_define_xml = prefix##_pool_define_xml, .pool_create_xml = prefix##_pool_create_xml,  \
        .pool_build = prefix##_pool_build, .pool_create = prefix##_pool_create,                    \
        .pool_destroy = prefix##_pool_destroy, .pool_delete = prefix##_pool_delete,                \
        .pool_undefine = prefix##_pool_undefine, .pool_refresh = prefix##_pool_refresh,            \
        .pool_get_xml_desc = prefix##_pool_get_xml_desc, .pool_get_info = prefix##_pool_get_info,  \
        .pool_get_autostart = prefix##_pool_get_autostart,                                         \
        .pool_set_autostart = prefix##_pool_set_autostart,                                         \
        .pool_is_active = prefix##_pool_is_active,                                                 \
        .pool_is_persistent = prefix##_pool_is_persistent,                                         \
        .pool_list_all_volumes = prefix##_pool_list_all_volumes,                                   \
        .vol_lookup_by_name = prefix##_vol_lookup_by_name,                                         \
        .vol_lookup_by_key = prefix##_vol_lookup_by_key,                                           \
        .vol_lookup_by_path = prefix##_vol_lookup_by_path,                                         \
        .vol_create_xml = prefix##_vol_create_xml,                                                 \
        .vol_create_xml_from = prefix##_vol_create_xml_from, .vol_delete = prefix##_vol_delete,    \
        .vol_wipe = prefix##_vol_wipe, .vol_get_info = prefix##_vol_get_info,                      \
        .vol_get_xml_desc = prefix##_vol_get_xml_desc, .vol_get_path = prefix##_vol_get_path,      \
        .vol_resize = prefix##_vol_resize

STORAGE_TABLE(storage_dir, ST_HOST)
STORAGE_TABLE(storage_test, ST_MEM)

const vctl_storage_driver vctl_storage_dir_driver = {
        .state_init = storage_host_init,
        .state_cleanup = storage_host_cleanup,
        STORAGE_ENTRIES(storage_dir),
};

const vctl_storage_driver vctl_storage_test_driver = {
        .state_init = NULL,
        .state_cleanup = NULL,
        STORAGE_ENTRIES(storage_test),
};
