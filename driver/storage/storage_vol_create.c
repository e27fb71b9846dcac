/* Creating volumes: a new file, or a copy of another volume (clone).
 *
 * The file is made under a hidden temporary name in the pool's directory
 * (reached through its descriptor) and renamed into place without
 * replacing anything: a failed create leaves no file, and of two creates of
 * one name exactly one wins. The work runs without the state's lock; the
 * name is marked busy and the pool cannot stop meanwhile. */
#include "config.h"

#include "driver/storage/storage_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"
#include "lib/util/name.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int storage_convert(int dirfd, const char *tmp, int src_fd, const storage_job *job)
{
        int fds[] = {dirfd, src_fd};
        g_autofree char *path = storage_child_path(0, tmp);
        g_autofree char *src = storage_child_path(1, NULL);
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

        if (storage_run(argv, fds, 2, 0, NULL) < 0)
                return -1;
        if (job->def->capacity > job->src_capacity) {
                g_autofree char *size = g_strdup_printf("%llu", job->def->capacity);
                const char *rs[] = {
                        "qemu-img", "resize", "-q", "-f", vol_format_name(job->def->target_format),
                        path,       size,     NULL};

                return storage_run(rs, fds, 1, STORAGE_RUN_TIMEOUT, NULL);
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

/* The virtual size of the qcow2 image at path (a volume of an active pool). */
static int storage_vol_virtual_size(const char *path, unsigned long long *ret)
{
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *name = g_path_get_basename(path);
        vol_def v = {.name = name, .target_path = (char *)path, .target_format = VOL_FORMAT_QCOW2};
        pool_def pd = {.name = (char *)"", .target_path = dir};
        int dirfd = storage_dir_open(&pd), r;

        if (dirfd < 0)
                return -1;
        r = storage_file_info(dirfd, &v);
        close(dirfd);
        g_free(v.backing_path);
        if (r == 0)
                *ret = v.capacity;
        return r;
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
                tmp = g_strdup_printf(STORAGE_TMP_PREFIX "%08x%08x", g_random_int(),
                                      g_random_int());
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
                /* as on disk: the capacity asked for must fit */
                if (storage_check_space(obj, def->name, src ? def->allocation : def->capacity,
                                        storage_mem_used(obj)) < 0)
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
                else if (r == 0)
                        r = storage_vol_virtual_size(job.src_path, &job.src_capacity);
        } else {
                r = storage_check_space(obj, def->name, def->capacity, G_MAXUINT64);
        }
        job.def = g_steal_pointer(&def);
        if (r == 0)
                r = storage_vol_build(&job);
        if (r == 0) {
                storage_vol_record_set(st, job.pool, job.def->name, job.def->target_format);
                log_info(_("storage volume '%s' created in pool '%s'"), job.def->name, job.pool);
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
