/* The storage driver's insides, shared by its files. */
#pragma once

#include "driver/storage/storage_driver.h"

/* One pool: its definition, state and volumes. Fields are under the
 * state's lock; ops counts long volume operations running without it (the
 * pool cannot be stopped, deleted or undefined meanwhile). */
typedef struct storage_pool_obj {
        pool_def *def;
        pool_def *new_def; /* a redefinition waiting for the pool to stop, or NULL */
        gboolean active, autostart, persistent;
        GHashTable *vols; /* name -> vol_def (target_path, key and format set) */
        GHashTable *busy; /* names of volumes being created or changed */
        int ops;
} storage_pool_obj;

typedef struct storage_state {
        GMutex lock;
        gboolean mem;        /* the test driver's: nothing touches the disk */
        char *def_dir;       /* CONFIG_DIR/storage */
        char *autostart_dir; /* CONFIG_DIR/storage/autostart */
        char *status_dir;    /* RUN_DIR/storage: active pools */
        char *record_dir;    /* STATE_DIR/storage: POOL/VOL records each volume's format */
        GHashTable *pools;   /* name -> storage_pool_obj */
} storage_state;

#define STORAGE_ERR(code, ...) vctl_error_set(code, VCTL_FROM_STORAGE, __VA_ARGS__)

/* storage_pool.c */
storage_state *storage_state_new(gboolean mem);
void storage_state_free(storage_state *st);
storage_pool_obj *storage_pool_find_locked(storage_state *st, const drv_pool *pool);
storage_pool_obj *storage_pool_find_name_locked(storage_state *st, const char *name);
int storage_pool_check_active(const storage_pool_obj *obj);
drv_pool *storage_pool_to_drv(const storage_pool_obj *obj);
storage_pool_obj *storage_pool_add_locked(storage_state *st, pool_def **def, gboolean persistent);
/* Reads the pool's directory again (volumes added or removed behind our back). */
int storage_pool_refresh_locked(storage_state *st, storage_pool_obj *obj);
int storage_pool_set_autostart_locked(storage_state *st, storage_pool_obj *obj, gboolean on);
int storage_pool_start_locked(storage_state *st, storage_pool_obj *obj, unsigned int build_flags);
int storage_pool_build_dir(const pool_def *def, unsigned int flags);
int storage_load(storage_state *st, const vctl_paths *paths);
int storage_pool_save_config(storage_state *st, const pool_def *def);
int storage_pool_save_status(storage_state *st, storage_pool_obj *obj);
void storage_pool_remove_files(storage_state *st, const char *name, gboolean config);

/* storage_vol.c */
drv_vol *storage_vol_to_drv(const storage_pool_obj *obj, const vol_def *def);
vol_def *storage_vol_find_locked(storage_state *st, const drv_vol *vol, storage_pool_obj **ret_obj);
int storage_vol_list(storage_state *st, const drv_pool *pool, unsigned int flags, GPtrArray **ret);
drv_vol *storage_vol_lookup_name(storage_state *st, const drv_pool *pool, const char *name);
drv_vol *storage_vol_lookup_path(storage_state *st, const char *path, gboolean by_key);
drv_vol *storage_vol_create(storage_state *st, const drv_pool *pool, const char *xml,
                            const drv_vol *src, unsigned int flags);
int storage_vol_delete(storage_state *st, const drv_vol *vol, unsigned int flags);
int storage_vol_wipe(storage_state *st, const drv_vol *vol, unsigned int flags);
int storage_vol_info(storage_state *st, const drv_vol *vol, vctl_storage_vol_info *ret);
char *storage_vol_xml(storage_state *st, const drv_vol *vol, unsigned int flags);
char *storage_vol_path(storage_state *st, const drv_vol *vol);
int storage_vol_resize(storage_state *st, const drv_vol *vol, unsigned long long capacity,
                       unsigned int flags);
/* The format recorded for a file found in the pool, else its probe (qcow2
 * magic, else raw), recorded from then on: a guest writing a header into a
 * raw image never turns it into a qcow2 one. */
vol_format storage_vol_record_format(storage_state *st, const char *pool, int dirfd,
                                     const char *name);
void storage_vol_record_set(storage_state *st, const char *pool, const char *name,
                            vol_format format);
void storage_vol_record_remove(storage_state *st, const char *pool, const char *name);

/* storage_file.c: the host side, every path relative to the pool's directory */
/* The pool's directory, opened O_DIRECTORY; -1 with the error set. */
int storage_dir_open(const pool_def *def);
/* Capacity, allocation and free bytes of the file system holding path. */
int storage_fs_info(const char *path, vctl_storage_pool_info *ret);
/* Runs argv (argv[0] found in PATH) with a clean environment, collecting at
 * most 1 MiB of its standard output; -1 with stderr in the error on failure. */
int storage_run(const char *const *argv, char **ret_out);
/* Fills capacity, allocation and backing of def (a file of dirfd) from
 * stat, or qemu-img info for qcow2; -1 when it cannot be read. */
int storage_file_info(int dirfd, vol_def *def);
/* A raw sparse copy from src to dst, reporting progress to the log. */
int storage_copy_sparse(int src_fd, int dst_fd, unsigned long long len, const char *what);
/* Overwrites every non-zero block of fd with zeros. */
int storage_zero_fd(int fd, unsigned long long len, const char *what);
