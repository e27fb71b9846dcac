/* Pools: objects, persistence (CONFIG_DIR/storage/NAME.xml, autostart links,
 * RUN_DIR/storage/NAME.xml for active ones), build, start and refresh. */
#include "config.h"

#include "driver/storage/storage_priv.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"
#include "lib/util/name.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORAGE_XML_MAX   (1024 * 1024)
#define STORAGE_POOLS_MAX 4096
#define STORAGE_VOLS_MAX  16384

static void storage_pool_obj_free(storage_pool_obj *obj)
{
        if (!obj)
                return;
        pool_def_free(obj->def);
        pool_def_free(obj->new_def);
        g_hash_table_destroy(obj->vols);
        g_hash_table_destroy(obj->busy);
        g_free(obj);
}

storage_state *storage_state_new(gboolean mem)
{
        storage_state *st = g_new0(storage_state, 1);

        g_mutex_init(&st->lock);
        st->mem = mem;
        st->pools = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)storage_pool_obj_free);
        return st;
}

void storage_state_free(storage_state *st)
{
        if (!st)
                return;
        g_hash_table_destroy(st->pools);
        g_free(st->def_dir);
        g_free(st->autostart_dir);
        g_free(st->status_dir);
        g_free(st->record_dir);
        g_mutex_clear(&st->lock);
        g_free(st);
}

storage_pool_obj *storage_pool_find_name_locked(storage_state *st, const char *name)
{
        return name ? g_hash_table_lookup(st->pools, name) : NULL;
}

storage_pool_obj *storage_pool_find_locked(storage_state *st, const drv_pool *pool)
{
        storage_pool_obj *obj = storage_pool_find_name_locked(st, pool->name);
        char buf[VCTL_UUID_STRING_LEN];

        if (!obj || memcmp(obj->def->uuid, pool->uuid, VCTL_UUID_LEN) != 0) {
                STORAGE_ERR(VCTL_ERR_NO_STORAGE_POOL,
                            _("storage pool not found: no pool named '%s' with UUID %s"),
                            pool->name, vctl_uuid_format(pool->uuid, buf));
                return NULL;
        }
        return obj;
}

int storage_pool_check_active(const storage_pool_obj *obj)
{
        if (!obj->active)
                return STORAGE_ERR(VCTL_ERR_OPERATION_INVALID,
                                   _("storage pool '%s' is not active (start it with 'vctl "
                                     "pool-start %s')"),
                                   obj->def->name, obj->def->name);
        return 0;
}

drv_pool *storage_pool_to_drv(const storage_pool_obj *obj)
{
        return drv_pool_new(obj->def->name, obj->def->uuid);
}

static char *storage_def_path(const char *dir, const char *name)
{
        g_autofree char *file = g_strconcat(name, ".xml", NULL);

        return g_build_filename(dir, file, NULL);
}

/* Adds *def (taking it) as a new pool; refuses a name or UUID in use, or a
 * target directory another pool has. */
storage_pool_obj *storage_pool_add_locked(storage_state *st, pool_def **def, gboolean persistent)
{
        storage_pool_obj *obj = g_hash_table_lookup(st->pools, (*def)->name);
        GHashTableIter it;
        gpointer value;

        if (vctl_name_validate("storage pool", (*def)->name) < 0)
                return NULL;
        g_hash_table_iter_init(&it, st->pools);
        while (g_hash_table_iter_next(&it, NULL, &value)) {
                storage_pool_obj *o = value;

                if (o == obj)
                        continue;
                if (memcmp(o->def->uuid, (*def)->uuid, VCTL_UUID_LEN) == 0) {
                        STORAGE_ERR(VCTL_ERR_OPERATION_FAILED,
                                    _("storage pool '%s' already has the UUID of pool '%s'"),
                                    (*def)->name, o->def->name);
                        return NULL;
                }
                if (g_strcmp0(o->def->target_path, (*def)->target_path) == 0) {
                        STORAGE_ERR(VCTL_ERR_OPERATION_FAILED,
                                    _("storage pool '%s': target path '%s' is already used by "
                                      "pool '%s'"),
                                    (*def)->name, (*def)->target_path, o->def->name);
                        return NULL;
                }
        }
        if (obj) {
                if (memcmp(obj->def->uuid, (*def)->uuid, VCTL_UUID_LEN) != 0) {
                        STORAGE_ERR(VCTL_ERR_OPERATION_FAILED,
                                    _("storage pool '%s' already exists with another UUID"),
                                    obj->def->name);
                        return NULL;
                }
                if (!persistent) {
                        STORAGE_ERR(VCTL_ERR_OPERATION_INVALID,
                                    _("storage pool '%s' already exists"), obj->def->name);
                        return NULL;
                }
                /* a redefinition: takes effect when the pool stops */
                if (obj->active) {
                        pool_def_free(obj->new_def);
                        obj->new_def = g_steal_pointer(def);
                } else {
                        pool_def_free(obj->def);
                        obj->def = g_steal_pointer(def);
                }
                obj->persistent = TRUE;
                return obj;
        }
        if (g_hash_table_size(st->pools) >= STORAGE_POOLS_MAX) {
                STORAGE_ERR(VCTL_ERR_OPERATION_FAILED,
                            _("storage pool '%s': there are already %d pools, the limit"),
                            (*def)->name, STORAGE_POOLS_MAX);
                return NULL;
        }
        obj = g_new0(storage_pool_obj, 1);
        obj->def = g_steal_pointer(def);
        obj->persistent = persistent;
        obj->vols = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)vol_def_free);
        obj->busy = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_hash_table_insert(st->pools, g_strdup(obj->def->name), obj);
        return obj;
}

/* ---- on disk ---- */

static int storage_save_def(storage_state *st, const pool_def *def, const char *dir)
{
        g_autofree char *xml = NULL;
        g_autofree char *path = NULL;

        if (st->mem)
                return 0;
        if (vctl_mkdir_p(dir, 0755) < 0)
                return -1;
        xml = pool_def_format(def);
        path = storage_def_path(dir, def->name);
        return vctl_file_write_atomic(path, xml, strlen(xml), 0600) < 0 ? -1 : 0;
}

int storage_pool_save_config(storage_state *st, const pool_def *def)
{
        return storage_save_def(st, def, st->def_dir);
}

int storage_pool_save_status(storage_state *st, storage_pool_obj *obj)
{
        return storage_save_def(st, obj->def, st->status_dir);
}

static void storage_unlink_def(storage_state *st, const char *dir, const char *name)
{
        g_autofree char *path = NULL;

        if (st->mem)
                return;
        path = storage_def_path(dir, name);
        if (unlink(path) < 0 && errno != ENOENT)
                log_warning("cannot remove '%s': %s", path, g_strerror(errno));
}

/* The status file (config FALSE) or the definition and autostart link. */
void storage_pool_remove_files(storage_state *st, const char *name, gboolean config)
{
        if (!config) {
                storage_unlink_def(st, st->status_dir, name);
                return;
        }
        storage_unlink_def(st, st->autostart_dir, name);
        storage_unlink_def(st, st->def_dir, name);
}

int storage_pool_set_autostart_locked(storage_state *st, storage_pool_obj *obj, gboolean on)
{
        g_autofree char *link = NULL;
        g_autofree char *target = NULL;

        if (!obj->persistent)
                return STORAGE_ERR(VCTL_ERR_OPERATION_INVALID,
                                   _("storage pool '%s' is transient: it cannot autostart "
                                     "(define it first)"),
                                   obj->def->name);
        if (!st->mem && on != obj->autostart) {
                link = storage_def_path(st->autostart_dir, obj->def->name);
                if (on) {
                        target = storage_def_path(st->def_dir, obj->def->name);
                        if (vctl_mkdir_p(st->autostart_dir, 0755) < 0)
                                return -1;
                        if (symlink(target, link) < 0 && errno != EEXIST)
                                return vctl_error_set_errno(
                                        errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                        _("storage pool '%s': cannot create the autostart link "
                                          "'%s'"),
                                        obj->def->name, link);
                } else if (unlink(link) < 0 && errno != ENOENT) {
                        return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                                    _("storage pool '%s': cannot remove the "
                                                      "autostart link '%s'"),
                                                    obj->def->name, link);
                }
        }
        obj->autostart = on;
        return 0;
}

/* ---- build, start, refresh ---- */

int storage_pool_build_dir(const pool_def *def, unsigned int flags)
{
        const pool_perms *p = &def->target_perms;
        mode_t mode = p->mode != POOL_PERMS_MODE_UNSET ? p->mode : 0711;
        struct stat sb;
        int fd;

        if ((flags & VCTL_STORAGE_POOL_BUILD_NO_OVERWRITE) &&
            (flags & VCTL_STORAGE_POOL_BUILD_OVERWRITE))
                return STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                                   _("storage pool '%s': overwrite and no-overwrite exclude each "
                                     "other"),
                                   def->name);
        if (lstat(def->target_path, &sb) == 0) {
                if (!S_ISDIR(sb.st_mode))
                        return STORAGE_ERR(VCTL_ERR_OPERATION_FAILED,
                                           _("storage pool '%s': '%s' exists and is not a "
                                             "directory"),
                                           def->name, def->target_path);
                if (flags & VCTL_STORAGE_POOL_BUILD_NO_OVERWRITE)
                        return STORAGE_ERR(VCTL_ERR_OPERATION_FAILED,
                                           _("storage pool '%s': directory '%s' already exists"),
                                           def->name, def->target_path);
        } else {
                g_autofree char *parent = g_path_get_dirname(def->target_path);

                if (vctl_mkdir_p(parent, 0755) < 0)
                        return -1;
                if (mkdir(def->target_path, mode) < 0 && errno != EEXIST)
                        return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                                    _("storage pool '%s': cannot create directory "
                                                      "'%s'"),
                                                    def->name, def->target_path);
        }
        fd = open(def->target_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                            _("storage pool '%s': cannot open directory '%s'"),
                                            def->name, def->target_path);
        if ((p->owner != POOL_PERMS_ID_UNSET || p->group != POOL_PERMS_ID_UNSET) &&
            fchown(fd, p->owner, p->group) < 0) {
                int e = errno;

                close(fd);
                return vctl_error_set_errno(e, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                            _("storage pool '%s': cannot give '%s' owner %d and "
                                              "group %d"),
                                            def->name, def->target_path, (int)p->owner,
                                            (int)p->group);
        }
        if (fchmod(fd, mode) < 0) {
                int e = errno;

                close(fd);
                return vctl_error_set_errno(e, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                            _("storage pool '%s': cannot set mode %04o on '%s'"),
                                            def->name, (unsigned int)mode, def->target_path);
        }
        close(fd);
        return 0;
}

int storage_pool_refresh_locked(storage_state *st, storage_pool_obj *obj)
{
        g_autoptr(GHashTable) found = NULL;
        struct dirent *de;
        DIR *dir;
        int fd;

        if (st->mem)
                return 0;
        fd = storage_dir_open(obj->def);
        if (fd < 0)
                return -1;
        dir = fdopendir(dup(fd));
        if (!dir) {
                close(fd);
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                            _("storage pool '%s': cannot read directory '%s'"),
                                            obj->def->name, obj->def->target_path);
        }
        found = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)vol_def_free);
        while ((de = readdir(dir))) {
                struct stat sb;
                vol_def *v;

                /* hidden files: ours in progress, or not volumes */
                if (de->d_name[0] == '.')
                        continue;
                /* only regular files: a symlink could point anywhere */
                if (fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(sb.st_mode))
                        continue;
                if (vctl_name_validate("storage volume", de->d_name) < 0) {
                        vctl_error_clear();
                        continue;
                }
                if (g_hash_table_size(found) >= STORAGE_VOLS_MAX) {
                        log_warning("storage pool '%s': more than %d volumes; the rest are not "
                                    "listed",
                                    obj->def->name, STORAGE_VOLS_MAX);
                        break;
                }
                v = g_new0(vol_def, 1);
                v->name = g_strdup(de->d_name);
                v->target_path = g_build_filename(obj->def->target_path, de->d_name, NULL);
                v->key = g_strdup(v->target_path);
                v->capacity = (unsigned long long)sb.st_size;
                v->allocation = (unsigned long long)sb.st_blocks * 512;
                v->target_format = storage_vol_record_format(st, obj->def->name, fd, de->d_name);
                v->target_perms.mode = sb.st_mode & 0777;
                v->target_perms.owner = sb.st_uid;
                v->target_perms.group = sb.st_gid;
                g_hash_table_insert(found, g_strdup(v->name), v);
        }
        closedir(dir);
        close(fd);
        g_hash_table_destroy(obj->vols);
        obj->vols = g_steal_pointer(&found);
        return 0;
}

int storage_pool_start_locked(storage_state *st, storage_pool_obj *obj, unsigned int build_flags)
{
        if (obj->active)
                return STORAGE_ERR(VCTL_ERR_OPERATION_INVALID,
                                   _("storage pool '%s' is already active"), obj->def->name);
        if (!st->mem) {
                if (build_flags & VCTL_STORAGE_POOL_CREATE_WITH_BUILD) {
                        unsigned int bf = 0;

                        if (build_flags & VCTL_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE)
                                bf |= VCTL_STORAGE_POOL_BUILD_OVERWRITE;
                        if (build_flags & VCTL_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE)
                                bf |= VCTL_STORAGE_POOL_BUILD_NO_OVERWRITE;
                        if (storage_pool_build_dir(obj->def, bf) < 0)
                                return -1;
                }
                if (storage_pool_refresh_locked(st, obj) < 0)
                        return -1;
                obj->active = TRUE;
                if (storage_pool_save_status(st, obj) < 0) {
                        obj->active = FALSE;
                        return -1;
                }
        }
        obj->active = TRUE;
        return 0;
}

/* ---- loading at daemon start ---- */

static pool_def *storage_read_def(const char *path)
{
        g_autofree char *xml = NULL;
        size_t len;

        if (vctl_file_read_bounded(path, STORAGE_XML_MAX, &xml, &len) < 0)
                return NULL;
        return pool_def_parse(xml, len, NULL);
}

/* Every NAME.xml of dir, parsed (skipping, with a warning, what fails). */
static GPtrArray *storage_read_dir(const char *dir)
{
        GPtrArray *defs = g_ptr_array_new_with_free_func((GDestroyNotify)pool_def_free);
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *ent;

        while (d && (ent = g_dir_read_name(d))) {
                g_autofree char *path = NULL;
                g_autofree char *want = NULL;
                pool_def *def;

                if (!g_str_has_suffix(ent, ".xml") || ent[0] == '.')
                        continue;
                path = g_build_filename(dir, ent, NULL);
                if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
                        continue;
                def = storage_read_def(path);
                if (!def) {
                        log_warning("ignoring storage pool definition '%s': %s", path,
                                    vctl_error_message());
                        vctl_error_clear();
                        continue;
                }
                want = g_strconcat(def->name, ".xml", NULL);
                if (strcmp(want, ent) != 0) {
                        log_warning("ignoring '%s': it defines pool '%s'", path, def->name);
                        pool_def_free(def);
                        continue;
                }
                g_ptr_array_add(defs, def);
        }
        return defs;
}

static void storage_define_default(storage_state *st, const vctl_paths *paths)
{
        g_autoptr(pool_def) def = g_new0(pool_def, 1);
        storage_pool_obj *obj;

        def->name = g_strdup("default");
        def->type = POOL_TYPE_DIR;
        vctl_uuid_generate(def->uuid);
        def->target_path = g_strdup(paths->images_dir);
        def->target_perms = (pool_perms){
                .mode = 0711, .owner = POOL_PERMS_ID_UNSET, .group = POOL_PERMS_ID_UNSET};
        if (storage_pool_save_config(st, def) < 0)
                goto fail;
        obj = storage_pool_add_locked(st, &def, TRUE);
        if (!obj || storage_pool_set_autostart_locked(st, obj, TRUE) < 0 ||
            storage_pool_build_dir(obj->def, 0) < 0 || storage_pool_start_locked(st, obj, 0) < 0)
                goto fail;
        log_info("storage pool 'default' created at '%s'", paths->images_dir);
        return;
fail:
        log_warning("cannot set up the default storage pool: %s", vctl_error_message());
        vctl_error_clear();
}

int storage_load(storage_state *st, const vctl_paths *paths)
{
        g_autoptr(GPtrArray) defs = NULL;
        g_autoptr(GPtrArray) status = NULL;
        gboolean first = FALSE;

        st->def_dir = g_build_filename(paths->config_dir, "storage", NULL);
        st->autostart_dir = g_build_filename(st->def_dir, "autostart", NULL);
        st->status_dir = g_build_filename(paths->run_dir, "storage", NULL);
        st->record_dir = g_build_filename(paths->state_dir, "storage", NULL);
        if (!g_file_test(st->def_dir, G_FILE_TEST_IS_DIR)) {
                first = TRUE;
                if (vctl_mkdir_p(st->def_dir, 0755) < 0)
                        return -1;
        }
        g_mutex_lock(&st->lock);
        if (first)
                storage_define_default(st, paths);
        defs = storage_read_dir(st->def_dir);
        for (guint i = 0; i < defs->len; i++) {
                pool_def *def = g_ptr_array_index(defs, i);
                g_autofree char *link = NULL;
                storage_pool_obj *obj;

                if (g_hash_table_contains(st->pools, def->name))
                        continue;
                obj = storage_pool_add_locked(st, (pool_def **)&defs->pdata[i], TRUE);
                if (!obj) {
                        log_warning("%s", vctl_error_message());
                        vctl_error_clear();
                        continue;
                }
                link = storage_def_path(st->autostart_dir, obj->def->name);
                obj->autostart = g_file_test(link, G_FILE_TEST_EXISTS);
        }
        /* pools that were active when the last vctld stopped, transient ones too */
        status = storage_read_dir(st->status_dir);
        for (guint i = 0; i < status->len; i++) {
                pool_def *def = g_ptr_array_index(status, i);
                storage_pool_obj *obj = g_hash_table_lookup(st->pools, def->name);

                if (!obj)
                        obj = storage_pool_add_locked(st, (pool_def **)&status->pdata[i], FALSE);
                if (obj && !obj->active && storage_pool_start_locked(st, obj, 0) < 0) {
                        log_warning("storage pool '%s' stays inactive: %s", obj->def->name,
                                    vctl_error_message());
                        vctl_error_clear();
                }
        }
        GHashTableIter it;
        gpointer value;

        g_hash_table_iter_init(&it, st->pools);
        while (g_hash_table_iter_next(&it, NULL, &value)) {
                storage_pool_obj *obj = value;

                if (obj->autostart && !obj->active && storage_pool_start_locked(st, obj, 0) < 0) {
                        log_warning("cannot autostart storage pool '%s': %s", obj->def->name,
                                    vctl_error_message());
                        vctl_error_clear();
                }
        }
        g_mutex_unlock(&st->lock);
        return 0;
}
