/* Volumes: lookups, and create, clone, delete, wipe, resize, info.
 *
 * Every file is reached through the pool's directory descriptor with
 * O_NOFOLLOW (names are checked: no '/', no leading '.'), so nothing a
 * caller names leaves the pool. A new volume is made under a hidden
 * temporary name and renamed into place without replacing anything: a
 * failed create leaves no file, and of two creates of one name exactly one
 * wins. Long work runs without the state's lock; the volume's name is
 * marked busy and the pool cannot stop meanwhile. */
#include "config.h"

#include "driver/storage/storage_priv.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"
#include "lib/util/name.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORAGE_VOL_XML_MAX (1024 * 1024)

drv_vol *storage_vol_to_drv(const storage_pool_obj *obj, const vol_def *def)
{
        return drv_vol_new(obj->def->name, def->name, def->key);
}

static int storage_vol_not_found(const char *pool, const char *name)
{
        return STORAGE_ERR(VCTL_ERR_NO_STORAGE_VOL,
                           _("storage volume not found: no volume '%s' in pool '%s'"), name, pool);
}

vol_def *storage_vol_find_locked(storage_state *st, const drv_vol *vol, storage_pool_obj **ret_obj)
{
        storage_pool_obj *obj = storage_pool_find_name_locked(st, vol->pool);
        vol_def *def;

        if (!obj) {
                STORAGE_ERR(VCTL_ERR_NO_STORAGE_POOL,
                            _("storage pool not found: no pool named '%s' (of volume '%s')"),
                            vol->pool, vol->name);
                return NULL;
        }
        if (storage_pool_check_active(obj) < 0)
                return NULL;
        def = g_hash_table_lookup(obj->vols, vol->name);
        if (!def) {
                storage_vol_not_found(vol->pool, vol->name);
                return NULL;
        }
        *ret_obj = obj;
        return def;
}

static gint storage_vol_cmp(gconstpointer a, gconstpointer b)
{
        return strcmp((*(drv_vol *const *)a)->name, (*(drv_vol *const *)b)->name);
}

int storage_vol_list(storage_state *st, const drv_pool *pool, unsigned int flags, GPtrArray **ret)
{
        storage_pool_obj *obj;
        GPtrArray *vols;
        GHashTableIter it;
        gpointer value;

        if (flags)
                return STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                                   _("unsupported flags (0x%x) in listing volumes"), flags);
        g_mutex_lock(&st->lock);
        obj = storage_pool_find_locked(st, pool);
        if (!obj || storage_pool_check_active(obj) < 0) {
                g_mutex_unlock(&st->lock);
                return -1;
        }
        vols = g_ptr_array_new_with_free_func((GDestroyNotify)drv_vol_free);
        g_hash_table_iter_init(&it, obj->vols);
        while (g_hash_table_iter_next(&it, NULL, &value))
                g_ptr_array_add(vols, storage_vol_to_drv(obj, value));
        g_mutex_unlock(&st->lock);
        g_ptr_array_sort(vols, storage_vol_cmp);
        *ret = vols;
        return (int)vols->len;
}

drv_vol *storage_vol_lookup_name(storage_state *st, const drv_pool *pool, const char *name)
{
        storage_pool_obj *obj;
        drv_vol *vol = NULL;
        vol_def *def;

        g_mutex_lock(&st->lock);
        obj = storage_pool_find_locked(st, pool);
        if (obj && storage_pool_check_active(obj) == 0) {
                def = g_hash_table_lookup(obj->vols, name);
                if (def)
                        vol = storage_vol_to_drv(obj, def);
                else
                        storage_vol_not_found(obj->def->name, name);
        }
        g_mutex_unlock(&st->lock);
        return vol;
}

/* The volume whose file is path (or whose key is), in any active pool. */
static vol_def *storage_vol_by_path_locked(storage_state *st, const char *path, gboolean by_key,
                                           storage_pool_obj **ret_obj)
{
        g_autofree char *real = st->mem ? NULL : realpath(path, NULL);
        GHashTableIter it;
        gpointer value;

        g_hash_table_iter_init(&it, st->pools);
        while (g_hash_table_iter_next(&it, NULL, &value)) {
                storage_pool_obj *obj = value;
                g_autofree char *dir = NULL;
                const char *base;
                vol_def *def;

                if (!obj->active)
                        continue;
                if (by_key || !real) {
                        GHashTableIter vi;
                        gpointer v;

                        g_hash_table_iter_init(&vi, obj->vols);
                        while (g_hash_table_iter_next(&vi, NULL, &v)) {
                                def = v;
                                if (g_strcmp0(by_key ? def->key : def->target_path, path) == 0) {
                                        *ret_obj = obj;
                                        return def;
                                }
                        }
                        continue;
                }
                /* a path with symlinks or '..' in it names the file it resolves to */
                dir = realpath(obj->def->target_path, NULL);
                base = strrchr(real, '/');
                if (!dir || !base || (size_t)(base - real) != strlen(dir) ||
                    strncmp(real, dir, strlen(dir)) != 0)
                        continue;
                def = g_hash_table_lookup(obj->vols, base + 1);
                if (def) {
                        *ret_obj = obj;
                        return def;
                }
        }
        return NULL;
}

drv_vol *storage_vol_lookup_path(storage_state *st, const char *path, gboolean by_key)
{
        storage_pool_obj *obj = NULL;
        drv_vol *vol = NULL;
        vol_def *def;

        g_mutex_lock(&st->lock);
        def = storage_vol_by_path_locked(st, path, by_key, &obj);
        if (def)
                vol = storage_vol_to_drv(obj, def);
        else
                STORAGE_ERR(VCTL_ERR_NO_STORAGE_VOL,
                            by_key ? _("storage volume not found: no volume with key '%s'")
                                   : _("storage volume not found: no volume with path '%s'"),
                            path);
        g_mutex_unlock(&st->lock);
        return vol;
}

/* ---- format records ---- */

static char *storage_record_path(storage_state *st, const char *pool, const char *name)
{
        return g_build_filename(st->record_dir, pool, name, NULL);
}

void storage_vol_record_set(storage_state *st, const char *pool, const char *name,
                            vol_format format)
{
        g_autofree char *path = NULL;
        g_autofree char *dir = NULL;
        const char *f;

        if (st->mem)
                return;
        path = storage_record_path(st, pool, name);
        dir = g_path_get_dirname(path);
        f = vol_format_name(format);
        if (vctl_mkdir_p(dir, 0700) < 0 || vctl_file_write_atomic(path, f, strlen(f), 0600) < 0) {
                log_warning("storage volume '%s' of pool '%s': cannot record its format: %s", name,
                            pool, vctl_error_message());
                vctl_error_clear();
        }
}

void storage_vol_record_remove(storage_state *st, const char *pool, const char *name)
{
        g_autofree char *path = NULL;

        if (st->mem)
                return;
        path = storage_record_path(st, pool, name);
        if (unlink(path) < 0 && errno != ENOENT)
                log_warning("cannot remove '%s': %s", path, g_strerror(errno));
}

vol_format storage_vol_record_format(storage_state *st, const char *pool, int dirfd,
                                     const char *name)
{
        g_autofree char *path = storage_record_path(st, pool, name);
        g_autofree char *data = NULL;
        unsigned char magic[4] = {0};
        vol_format format = VOL_FORMAT_RAW;
        size_t len;
        int fd;

        if (g_file_test(path, G_FILE_TEST_EXISTS) &&
            vctl_file_read_bounded(path, 64, &data, &len) == 0) {
                g_strstrip(data);
                if (strcmp(data, "qcow2") == 0)
                        return VOL_FORMAT_QCOW2;
                if (strcmp(data, "raw") == 0)
                        return VOL_FORMAT_RAW;
        }
        vctl_error_clear();
        /* first sight of a file put there behind our back: its magic only */
        fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) {
                if (read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
                    memcmp(magic, "QFI\xfb", 4) == 0)
                        format = VOL_FORMAT_QCOW2;
                close(fd);
        }
        storage_vol_record_set(st, pool, name, format);
        return format;
}

/* ---- create and clone ---- */

static int storage_check_space(const storage_pool_obj *obj, const char *vol,
                               unsigned long long need, unsigned long long mem_used)
{
        vctl_storage_pool_info fs = {0};
        g_autofree char *want = NULL;
        g_autofree char *have = NULL;

        if (mem_used != G_MAXUINT64) {
                fs.capacity = obj->def->capacity;
                fs.available = fs.capacity > mem_used ? fs.capacity - mem_used : 0;
        } else if (storage_fs_info(obj->def->target_path, &fs) < 0) {
                return -1;
        }
        if (need <= fs.available)
                return 0;
        want = g_format_size_full(need, G_FORMAT_SIZE_IEC_UNITS);
        have = g_format_size_full(fs.available, G_FORMAT_SIZE_IEC_UNITS);
        return STORAGE_ERR(VCTL_ERR_OPERATION_FAILED,
                           _("storage volume '%s': not enough space in pool '%s' (%s needed, %s "
                             "free at '%s')"),
                           vol, obj->def->name, want, have, obj->def->target_path);
}

static unsigned long long storage_mem_used(const storage_pool_obj *obj)
{
        unsigned long long used = 0;
        GHashTableIter it;
        gpointer value;

        g_hash_table_iter_init(&it, obj->vols);
        while (g_hash_table_iter_next(&it, NULL, &value))
                used += ((vol_def *)value)->allocation;
        return used;
}

/* What a create needs to know, copied out of the locked state. */
typedef struct storage_job {
        char *pool;
        char *pool_dir;
        vol_def *def;   /* the new volume */
        char *src_path; /* clone: the source file */
        vol_format src_format;
        unsigned long long src_capacity;
} storage_job;

static void storage_job_clear(storage_job *job)
{
        g_free(job->pool);
        g_free(job->pool_dir);
        vol_def_free(job->def);
        g_free(job->src_path);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(storage_job, storage_job_clear)

static char *storage_fd_path(int dirfd, const char *name)
{
        return g_strdup_printf("/proc/%d/fd/%d/%s", (int)getpid(), dirfd, name);
}

static int storage_qcow2_create(int dirfd, const char *tmp, const vol_def *def)
{
        g_autofree char *path = storage_fd_path(dirfd, tmp);
        g_autofree char *size = g_strdup_printf("%llu", def->capacity);
        const char *argv[12];
        int n = 0;

        argv[n++] = "qemu-img";
        argv[n++] = "create";
        argv[n++] = "-q";
        argv[n++] = "-f";
        argv[n++] = "qcow2";
        if (def->backing_path) {
                /* explicit formats: qemu-img never probes the base */
                argv[n++] = "-b";
                argv[n++] = def->backing_path;
                argv[n++] = "-F";
                argv[n++] = vol_format_name(def->backing_format);
        }
        argv[n++] = path;
        argv[n++] = size;
        argv[n] = NULL;
        return storage_run(argv, NULL);
}

static int storage_convert(int dirfd, const char *tmp, int src_fd, const storage_job *job)
{
        g_autofree char *path = storage_fd_path(dirfd, tmp);
        g_autofree char *src = g_strdup_printf("/proc/%d/fd/%d", (int)getpid(), src_fd);
        const char *argv[] = {"qemu-img",
                              "convert",
                              "-q",
                              "-f",
                              vol_format_name(job->src_format),
                              "-O",
                              vol_format_name(job->def->target_format),
                              src,
                              path,
                              NULL};

        if (storage_run(argv, NULL) < 0)
                return -1;
        if (job->def->capacity > job->src_capacity) {
                g_autofree char *size = g_strdup_printf("%llu", job->def->capacity);
                const char *rs[] = {
                        "qemu-img", "resize", "-q", "-f", vol_format_name(job->def->target_format),
                        path,       size,     NULL};

                return storage_run(rs, NULL);
        }
        return 0;
}

static int storage_place(int dirfd, const char *tmp, const char *name, const char *pool)
{
        if (renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE) == 0)
                return 0;
        if (errno == EINVAL || errno == ENOSYS) {
                /* no RENAME_NOREPLACE here: link() refuses an existing name too */
                if (linkat(dirfd, tmp, dirfd, name, 0) == 0) {
                        unlinkat(dirfd, tmp, 0);
                        return 0;
                }
        }
        if (errno == EEXIST)
                return STORAGE_ERR(VCTL_ERR_STORAGE_VOL_EXIST,
                                   _("storage volume '%s' already exists in pool '%s'"), name,
                                   pool);
        return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                    _("storage volume '%s' of pool '%s': cannot put it in place"),
                                    name, pool);
}

/* The file work of a create; on failure nothing is left in the pool. */
static int storage_vol_build(storage_job *job)
{
        vol_def *def = job->def;
        g_autofree char *tmp = NULL;
        g_autofree char *what =
                g_strdup_printf(_("storage volume '%s' of pool '%s'"), def->name, job->pool);
        const pool_perms *p = &def->target_perms;
        int dirfd, fd = -1, src_fd = -1, r = -1;
        pool_def pd = {.name = job->pool, .target_path = job->pool_dir};

        dirfd = storage_dir_open(&pd);
        if (dirfd < 0)
                return -1;
        for (int i = 0; i < 100 && fd < 0; i++) {
                g_free(tmp);
                tmp = g_strdup_printf(".%s.vctl-%08x", def->name, g_random_int());
                if (strlen(tmp) > VCTL_NAME_MAX)
                        tmp[VCTL_NAME_MAX] = '\0';
                fd = openat(dirfd, tmp, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (fd < 0 && errno != EEXIST)
                        break;
        }
        if (fd < 0) {
                vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                     _("%s: cannot create a file in '%s'"), what, job->pool_dir);
                close(dirfd);
                return -1;
        }
        if (job->src_path) {
                src_fd = open(job->src_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                if (src_fd < 0) {
                        vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                             _("%s: cannot open the source '%s'"), what,
                                             job->src_path);
                        goto out;
                }
        }
        if (def->target_format == VOL_FORMAT_RAW &&
            (!job->src_path || job->src_format == VOL_FORMAT_RAW)) {
                if (job->src_path && storage_copy_sparse(src_fd, fd, job->src_capacity, what) < 0)
                        goto out;
                if (ftruncate(fd, (off_t)MAX(def->capacity, job->src_capacity)) < 0) {
                        vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                             _("%s: cannot size it"), what);
                        goto out;
                }
                if (!job->src_path && def->has_allocation && def->allocation > 0) {
                        int e = posix_fallocate(fd, 0, (off_t)MIN(def->allocation, def->capacity));

                        if (e) {
                                vctl_error_set_errno(
                                        e, VCTL_ERR_OPERATION_FAILED, VCTL_FROM_STORAGE,
                                        _("%s: cannot allocate %llu bytes"), what, def->allocation);
                                goto out;
                        }
                }
        } else if (job->src_path) {
                if (storage_convert(dirfd, tmp, src_fd, job) < 0)
                        goto out;
        } else if (storage_qcow2_create(dirfd, tmp, def) < 0) {
                goto out;
        }
        if ((p->owner != POOL_PERMS_ID_UNSET || p->group != POOL_PERMS_ID_UNSET) &&
            fchown(fd, p->owner, p->group) < 0) {
                vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                     _("%s: cannot give it owner %d and group %d"), what,
                                     (int)p->owner, (int)p->group);
                goto out;
        }
        if (fchmod(fd, p->mode != POOL_PERMS_MODE_UNSET ? p->mode : 0600) < 0 || fsync(fd) < 0) {
                vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                     _("%s: cannot set its mode"), what);
                goto out;
        }
        if (storage_place(dirfd, tmp, def->name, job->pool) < 0)
                goto out;
        g_clear_pointer(&tmp, g_free);
        fsync(dirfd);
        r = storage_file_info(dirfd, def);
out:
        if (tmp)
                unlinkat(dirfd, tmp, 0);
        if (fd >= 0)
                close(fd);
        if (src_fd >= 0)
                close(src_fd);
        close(dirfd);
        return r;
}

drv_vol *storage_vol_create(storage_state *st, const drv_pool *pool, const char *xml,
                            const drv_vol *src, unsigned int flags)
{
        g_auto(storage_job) job = {0};
        g_autoptr(vol_def) def = NULL;
        storage_pool_obj *obj, *src_obj = NULL;
        drv_vol *ret = NULL;
        int r;

        /* PREALLOC_METADATA, REFLINK, VALIDATE: nothing more to do for files */
        if (flags & ~0x7u) {
                STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                            _("unsupported flags (0x%x) in creating a volume"), flags & ~0x7u);
                return NULL;
        }
        if (!xml) {
                STORAGE_ERR(VCTL_ERR_INVALID_ARG, _("no volume XML given"));
                return NULL;
        }
        def = vol_def_parse(xml, strlen(xml), NULL);
        if (!def || vctl_name_validate("storage volume", def->name) < 0)
                return NULL;

        g_mutex_lock(&st->lock);
        obj = storage_pool_find_locked(st, pool);
        if (!obj || storage_pool_check_active(obj) < 0)
                goto out_unlock;
        if (g_hash_table_contains(obj->vols, def->name) ||
            g_hash_table_contains(obj->busy, def->name)) {
                STORAGE_ERR(VCTL_ERR_STORAGE_VOL_EXIST,
                            _("storage volume '%s' already exists in pool '%s'"), def->name,
                            obj->def->name);
                goto out_unlock;
        }
        {
                g_autofree char *want = g_build_filename(obj->def->target_path, def->name, NULL);

                /* as libvirt: a directory pool places the file itself; whatever
                 * <path> says (virsh vol-clone sends the source's) is replaced */
                if (def->target_path && strcmp(def->target_path, want) != 0)
                        log_debug("storage volume '%s': target path '%s' replaced by '%s'",
                                  def->name, def->target_path, want);
                g_free(def->target_path);
                def->target_path = g_steal_pointer(&want);
                g_free(def->key);
                def->key = g_strdup(def->target_path);
        }
        /* a clone is a flat copy of the source, whatever its XML says */
        if (src)
                g_clear_pointer(&def->backing_path, g_free);
        if (def->backing_path) {
                storage_pool_obj *bobj = NULL;
                vol_def *b = storage_vol_by_path_locked(st, def->backing_path, FALSE, &bobj);

                if (!b) {
                        STORAGE_ERR(VCTL_ERR_NO_STORAGE_VOL,
                                    _("storage volume '%s': backing image '%s' is not a volume of "
                                      "an active pool"),
                                    def->name, def->backing_path);
                        goto out_unlock;
                }
                if (def->backing_format_given && def->backing_format != b->target_format) {
                        STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                                    _("storage volume '%s': backing volume '%s' is %s, not %s"),
                                    def->name, b->name, vol_format_name(b->target_format),
                                    vol_format_name(def->backing_format));
                        goto out_unlock;
                }
                g_free(def->backing_path);
                def->backing_path = g_strdup(b->target_path);
                def->backing_format = b->target_format;
        }
        if (src) {
                vol_def *s = storage_vol_find_locked(st, src, &src_obj);

                if (!s)
                        goto out_unlock;
                job.src_path = g_strdup(s->target_path);
                job.src_format = s->target_format;
                job.src_capacity = s->capacity;
                if (st->mem) {
                        def->capacity = MAX(def->capacity, s->capacity);
                        def->allocation = s->allocation;
                }
        }
        if (st->mem) {
                if (!def->has_allocation && !src)
                        def->allocation = def->capacity;
                if (storage_check_space(obj, def->name, def->allocation, storage_mem_used(obj)) < 0)
                        goto out_unlock;
                ret = storage_vol_to_drv(obj, def);
                g_hash_table_insert(obj->vols, g_strdup(def->name), def);
                def = NULL;
                goto out_unlock;
        }
        g_hash_table_add(obj->busy, g_strdup(def->name));
        obj->ops++;
        if (src_obj)
                src_obj->ops++;
        job.pool = g_strdup(obj->def->name);
        job.pool_dir = g_strdup(obj->def->target_path);
        g_mutex_unlock(&st->lock);

        if (src) {
                struct stat sb = {0};

                /* a clone copies the source's data: its allocation must fit */
                r = stat(job.src_path, &sb) < 0
                            ? 0
                            : storage_check_space(obj, def->name,
                                                  (unsigned long long)sb.st_blocks * 512,
                                                  G_MAXUINT64);
                if (job.src_format == VOL_FORMAT_RAW)
                        job.src_capacity = MAX(job.src_capacity, (unsigned long long)sb.st_size);
        } else {
                r = storage_check_space(obj, def->name, def->capacity, G_MAXUINT64);
        }
        job.def = g_steal_pointer(&def);
        if (r == 0)
                r = storage_vol_build(&job);
        if (r == 0) {
                storage_vol_record_set(st, job.pool, job.def->name, job.def->target_format);
                log_info("storage volume '%s' created in pool '%s'", job.def->name, job.pool);
        }

        g_mutex_lock(&st->lock);
        g_hash_table_remove(obj->busy, job.def->name);
        obj->ops--;
        if (src_obj)
                src_obj->ops--;
        if (r == 0) {
                ret = storage_vol_to_drv(obj, job.def);
                g_hash_table_insert(obj->vols, g_strdup(job.def->name), job.def);
                job.def = NULL;
        }
out_unlock:
        g_mutex_unlock(&st->lock);
        return ret;
}

/* ---- the other operations on one volume ---- */

/* Marks vol busy for a long operation; its pool and a copy of its def. */
static storage_pool_obj *storage_vol_begin(storage_state *st, const drv_vol *vol,
                                           vol_def **ret_copy)
{
        storage_pool_obj *obj = NULL;
        vol_def *def;

        g_mutex_lock(&st->lock);
        def = storage_vol_find_locked(st, vol, &obj);
        if (!def) {
                g_mutex_unlock(&st->lock);
                return NULL;
        }
        if (g_hash_table_contains(obj->busy, vol->name)) {
                STORAGE_ERR(VCTL_ERR_RESOURCE_BUSY,
                            _("storage volume '%s' of pool '%s' is busy with another operation"),
                            vol->name, vol->pool);
                g_mutex_unlock(&st->lock);
                return NULL;
        }
        *ret_copy = g_new0(vol_def, 1);
        (*ret_copy)->name = g_strdup(def->name);
        (*ret_copy)->key = g_strdup(def->key);
        (*ret_copy)->target_path = g_strdup(def->target_path);
        (*ret_copy)->target_format = def->target_format;
        (*ret_copy)->capacity = def->capacity;
        (*ret_copy)->allocation = def->allocation;
        (*ret_copy)->backing_path = g_strdup(def->backing_path);
        (*ret_copy)->backing_format = def->backing_format;
        (*ret_copy)->target_perms = def->target_perms;
        (*ret_copy)->target_perms.label = NULL;
        if (!st->mem) {
                g_hash_table_add(obj->busy, g_strdup(vol->name));
                obj->ops++;
        }
        g_mutex_unlock(&st->lock);
        return obj;
}

static void storage_vol_end(storage_state *st, storage_pool_obj *obj, const char *name)
{
        g_mutex_lock(&st->lock);
        g_hash_table_remove(obj->busy, name);
        obj->ops--;
        g_mutex_unlock(&st->lock);
}

/* Opens the volume's file for writing, refusing anything but a regular file. */
static int storage_vol_open(int dirfd, const vol_def *def, const char *pool)
{
        int fd = openat(dirfd, def->name, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        struct stat sb;

        if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
                return fd;
        if (fd >= 0)
                close(fd);
        return vctl_error_set_errno(fd < 0 ? errno : EINVAL, VCTL_ERR_OPERATION_FAILED,
                                    VCTL_FROM_STORAGE,
                                    _("storage volume '%s' of pool '%s' is not a regular file "
                                      "there"),
                                    def->name, pool);
}

static int storage_wipe_file(int dirfd, const vol_def *def, const char *pool)
{
        g_autofree char *what =
                g_strdup_printf(_("storage volume '%s' of pool '%s'"), def->name, pool);
        struct stat sb;
        int fd = storage_vol_open(dirfd, def, pool), r;

        if (fd < 0)
                return -1;
        if (def->target_format == VOL_FORMAT_QCOW2) {
                /* a fresh image of the same size and backing drops every cluster */
                g_autofree char *tmp = g_strdup_printf(".%s.vctl-wipe", def->name);
                int tfd;

                close(fd);
                unlinkat(dirfd, tmp, 0);
                tfd = openat(dirfd, tmp, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (tfd < 0)
                        return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                                    _("%s: cannot wipe it"), what);
                if (storage_qcow2_create(dirfd, tmp, def) < 0 ||
                    fstatat(dirfd, def->name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
                    fchmod(tfd, sb.st_mode & 0777) < 0 ||
                    renameat(dirfd, tmp, dirfd, def->name) < 0) {
                        if (!vctl_error_last())
                                vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR,
                                                     VCTL_FROM_STORAGE, _("%s: cannot wipe it"),
                                                     what);
                        close(tfd);
                        unlinkat(dirfd, tmp, 0);
                        return -1;
                }
                if (fchown(tfd, sb.st_uid, sb.st_gid) < 0)
                        log_warning("%s: cannot keep its owner: %s", what, g_strerror(errno));
                close(tfd);
                return 0;
        }
        r = fstat(fd, &sb) < 0 ? -1 : storage_zero_fd(fd, (unsigned long long)sb.st_size, what);
        close(fd);
        return r;
}

int storage_vol_delete(storage_state *st, const drv_vol *vol, unsigned int flags)
{
        g_autoptr(vol_def) def = NULL;
        pool_def pd = {0};
        storage_pool_obj *obj;
        int dirfd, r = 0;

        if (flags & ~(unsigned int)VCTL_STORAGE_VOL_DELETE_ZEROED)
                return STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                                   _("unsupported flags (0x%x) in deleting a volume"), flags);
        obj = storage_vol_begin(st, vol, &def);
        if (!obj)
                return -1;
        if (st->mem) {
                g_mutex_lock(&st->lock);
                g_hash_table_remove(obj->vols, vol->name);
                g_mutex_unlock(&st->lock);
                return 0;
        }
        pd.name = vol->pool;
        pd.target_path = g_path_get_dirname(def->target_path);
        dirfd = storage_dir_open(&pd);
        g_free(pd.target_path);
        if (dirfd < 0)
                r = -1;
        if (r == 0 && (flags & VCTL_STORAGE_VOL_DELETE_ZEROED))
                r = storage_wipe_file(dirfd, def, vol->pool);
        if (r == 0 && unlinkat(dirfd, def->name, 0) < 0 && errno != ENOENT)
                r = vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                         _("cannot delete storage volume '%s' of pool '%s'"),
                                         vol->name, vol->pool);
        if (dirfd >= 0)
                close(dirfd);
        if (r == 0) {
                storage_vol_record_remove(st, vol->pool, vol->name);
                log_info("storage volume '%s' of pool '%s' deleted", vol->name, vol->pool);
        }
        g_mutex_lock(&st->lock);
        if (r == 0)
                g_hash_table_remove(obj->vols, vol->name);
        g_mutex_unlock(&st->lock);
        storage_vol_end(st, obj, vol->name);
        return r;
}

/* Runs fn on the volume's file with the pool's directory open. */
static int storage_vol_with_dir(storage_state *st, const drv_vol *vol, vol_def **ret_def,
                                storage_pool_obj **ret_obj, int *ret_dirfd)
{
        pool_def pd = {0};

        *ret_obj = storage_vol_begin(st, vol, ret_def);
        if (!*ret_obj)
                return -1;
        if (st->mem) {
                *ret_dirfd = -1;
                return 0;
        }
        pd.name = vol->pool;
        pd.target_path = g_path_get_dirname((*ret_def)->target_path);
        *ret_dirfd = storage_dir_open(&pd);
        g_free(pd.target_path);
        if (*ret_dirfd < 0) {
                storage_vol_end(st, *ret_obj, vol->name);
                return -1;
        }
        return 0;
}

int storage_vol_wipe(storage_state *st, const drv_vol *vol, unsigned int flags)
{
        g_autoptr(vol_def) def = NULL;
        storage_pool_obj *obj;
        int dirfd, r;

        if (flags)
                return STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                                   _("unsupported flags (0x%x) in wiping a volume"), flags);
        if (storage_vol_with_dir(st, vol, &def, &obj, &dirfd) < 0)
                return -1;
        if (st->mem)
                return 0;
        r = storage_wipe_file(dirfd, def, vol->pool);
        close(dirfd);
        storage_vol_end(st, obj, vol->name);
        return r;
}

/* def filled from the file (dir pools) or the memory state. */
static vol_def *storage_vol_current(storage_state *st, const drv_vol *vol)
{
        g_autoptr(vol_def) def = NULL;
        storage_pool_obj *obj;
        int dirfd, r;

        if (storage_vol_with_dir(st, vol, &def, &obj, &dirfd) < 0)
                return NULL;
        if (st->mem)
                return g_steal_pointer(&def);
        r = storage_file_info(dirfd, def);
        close(dirfd);
        storage_vol_end(st, obj, vol->name);
        return r < 0 ? NULL : g_steal_pointer(&def);
}

int storage_vol_info(storage_state *st, const drv_vol *vol, vctl_storage_vol_info *ret)
{
        g_autoptr(vol_def) def = storage_vol_current(st, vol);

        if (!def)
                return -1;
        ret->type = VCTL_STORAGE_VOL_FILE;
        ret->capacity = def->capacity;
        ret->allocation = def->allocation;
        return 0;
}

char *storage_vol_xml(storage_state *st, const drv_vol *vol, unsigned int flags)
{
        g_autoptr(vol_def) def = NULL;

        if (flags)
                return STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                                   _("unsupported flags (0x%x) in getting a volume's XML"), flags),
                       NULL;
        def = storage_vol_current(st, vol);
        return def ? vol_def_format(def) : NULL;
}

char *storage_vol_path(storage_state *st, const drv_vol *vol)
{
        storage_pool_obj *obj = NULL;
        char *path = NULL;
        vol_def *def;

        g_mutex_lock(&st->lock);
        def = storage_vol_find_locked(st, vol, &obj);
        if (def)
                path = g_strdup(def->target_path);
        g_mutex_unlock(&st->lock);
        return path;
}

int storage_vol_resize(storage_state *st, const drv_vol *vol, unsigned long long capacity,
                       unsigned int flags)
{
        const unsigned int known = VCTL_STORAGE_VOL_RESIZE_ALLOCATE |
                                   VCTL_STORAGE_VOL_RESIZE_DELTA | VCTL_STORAGE_VOL_RESIZE_SHRINK;
        g_autoptr(vol_def) def = NULL;
        storage_pool_obj *obj;
        unsigned long long want;
        int dirfd, fd, r = -1;

        if (flags & ~known)
                return STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                                   _("unsupported flags (0x%x) in resizing a volume"), flags);
        if (storage_vol_with_dir(st, vol, &def, &obj, &dirfd) < 0)
                return -1;
        if (!st->mem && storage_file_info(dirfd, def) < 0)
                goto out;
        if (flags & VCTL_STORAGE_VOL_RESIZE_DELTA) {
                if (flags & VCTL_STORAGE_VOL_RESIZE_SHRINK)
                        want = capacity > def->capacity ? 0 : def->capacity - capacity;
                else
                        want = def->capacity + capacity;
        } else {
                want = capacity;
        }
        if (want < def->capacity && !(flags & VCTL_STORAGE_VOL_RESIZE_SHRINK)) {
                STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                            _("storage volume '%s' of pool '%s': %llu bytes is smaller than its "
                              "capacity of %llu bytes (shrinking loses data: pass --shrink to "
                              "mean it)"),
                            vol->name, vol->pool, want, def->capacity);
                goto out;
        }
        if (want == 0) {
                STORAGE_ERR(VCTL_ERR_INVALID_ARG,
                            _("storage volume '%s' of pool '%s': a capacity of 0 bytes"), vol->name,
                            vol->pool);
                goto out;
        }
        if (want > def->capacity &&
            storage_check_space(obj, vol->name, want - def->capacity,
                                st->mem ? storage_mem_used(obj) : G_MAXUINT64) < 0)
                goto out;
        if (st->mem) {
                g_mutex_lock(&st->lock);
                {
                        vol_def *live = g_hash_table_lookup(obj->vols, vol->name);

                        if (live) {
                                live->capacity = want;
                                if (live->allocation > want ||
                                    (flags & VCTL_STORAGE_VOL_RESIZE_ALLOCATE))
                                        live->allocation = want;
                        }
                }
                g_mutex_unlock(&st->lock);
                return 0;
        }
        if (def->target_format == VOL_FORMAT_QCOW2) {
                g_autofree char *path = NULL;
                g_autofree char *size = g_strdup_printf("%llu", want);
                const char *argv[] = {"qemu-img", "resize", "-q", "-f", "qcow2",
                                      NULL,       NULL,     NULL, NULL};
                int n = 5;

                fd = storage_vol_open(dirfd, def, vol->pool);
                if (fd < 0)
                        goto out;
                path = g_strdup_printf("/proc/%d/fd/%d", (int)getpid(), fd);
                if (want < def->capacity)
                        argv[n++] = "--shrink";
                if (flags & VCTL_STORAGE_VOL_RESIZE_ALLOCATE)
                        argv[n++] = "--preallocation=falloc";
                argv[n++] = path;
                argv[n++] = size;
                r = storage_run(argv, NULL);
                close(fd);
                goto out;
        }
        fd = storage_vol_open(dirfd, def, vol->pool);
        if (fd < 0)
                goto out;
        if (ftruncate(fd, (off_t)want) < 0) {
                vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                     _("cannot resize storage volume '%s' of pool '%s'"), vol->name,
                                     vol->pool);
        } else if ((flags & VCTL_STORAGE_VOL_RESIZE_ALLOCATE) && want > def->capacity &&
                   (r = posix_fallocate(fd, (off_t)def->capacity, (off_t)(want - def->capacity))) !=
                           0) {
                vctl_error_set_errno(r, VCTL_ERR_OPERATION_FAILED, VCTL_FROM_STORAGE,
                                     _("cannot allocate storage volume '%s' of pool '%s'"),
                                     vol->name, vol->pool);
                r = -1;
        } else {
                r = 0;
        }
        close(fd);
out:
        if (!st->mem) {
                close(dirfd);
                storage_vol_end(st, obj, vol->name);
        }
        return r;
}
