/* The storage driver table: pools and volumes, as the daemon's dispatch (and
 * libvctl, for test:///default) calls them.
 *
 * Two implementations share one core (driver/storage/storage_*.c): directory
 * pools on the host for qemu:/// (definitions in CONFIG_DIR/storage, images
 * created with qemu-img) and an in-memory one for test:///default with
 * libvirt's "default-pool". Entries follow driver/driver.h's rules: C values
 * in and out, the thread's last error set on failure, safe from any thread. */
#pragma once

#include "driver/driver.h"
#include "conf/storage_conf.h"

/* A pool as the wire names it (remote_nonnull_storage_pool). */
typedef struct drv_pool {
        char *name;
        unsigned char uuid[VCTL_UUID_LEN];
} drv_pool;

/* A volume as the wire names it (remote_nonnull_storage_vol). */
typedef struct drv_vol {
        char *pool;
        char *name;
        char *key; /* its path, for directory pools */
} drv_vol;

drv_pool *drv_pool_new(const char *name, const unsigned char uuid[VCTL_UUID_LEN]);
void drv_pool_free(drv_pool *pool); /* accepts NULL */
drv_vol *drv_vol_new(const char *pool, const char *name, const char *key);
void drv_vol_free(drv_vol *vol); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(drv_pool, drv_pool_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(drv_vol, drv_vol_free)

struct vctl_storage_driver {
        /* Daemon-wide state; the daemon calls them after and before the
         * hypervisor driver's own (both may be NULL). */
        int (*state_init)(const vctl_paths *paths);
        void (*state_cleanup)(void);

        /* flags: VCTL_LIST_STORAGE_POOLS_*; *ret gets drv_pool*, by name */
        int (*list_all_pools)(drv_conn *conn, unsigned int flags, GPtrArray **ret);
        drv_pool *(*pool_lookup_by_name)(drv_conn *conn, const char *name);
        drv_pool *(*pool_lookup_by_uuid)(drv_conn *conn, const unsigned char uuid[VCTL_UUID_LEN]);
        drv_pool *(*pool_lookup_by_volume)(drv_conn *conn, const drv_vol *vol);
        drv_pool *(*pool_define_xml)(drv_conn *conn, const char *xml, unsigned int flags);
        drv_pool *(*pool_create_xml)(drv_conn *conn, const char *xml, unsigned int flags);
        int (*pool_build)(drv_conn *conn, const drv_pool *pool, unsigned int flags);
        int (*pool_create)(drv_conn *conn, const drv_pool *pool, unsigned int flags);
        int (*pool_destroy)(drv_conn *conn, const drv_pool *pool);
        int (*pool_delete)(drv_conn *conn, const drv_pool *pool, unsigned int flags);
        int (*pool_undefine)(drv_conn *conn, const drv_pool *pool);
        int (*pool_refresh)(drv_conn *conn, const drv_pool *pool, unsigned int flags);
        char *(*pool_get_xml_desc)(drv_conn *conn, const drv_pool *pool, unsigned int flags);
        int (*pool_get_info)(drv_conn *conn, const drv_pool *pool, vctl_storage_pool_info *ret);
        int (*pool_get_autostart)(drv_conn *conn, const drv_pool *pool, int *ret_autostart);
        int (*pool_set_autostart)(drv_conn *conn, const drv_pool *pool, int autostart);
        int (*pool_is_active)(drv_conn *conn, const drv_pool *pool);     /* 1, 0, -1 */
        int (*pool_is_persistent)(drv_conn *conn, const drv_pool *pool); /* 1, 0, -1 */

        /* *ret gets drv_vol*, by name; the pool must be active */
        int (*pool_list_all_volumes)(drv_conn *conn, const drv_pool *pool, unsigned int flags,
                                     GPtrArray **ret);
        drv_vol *(*vol_lookup_by_name)(drv_conn *conn, const drv_pool *pool, const char *name);
        drv_vol *(*vol_lookup_by_key)(drv_conn *conn, const char *key);
        drv_vol *(*vol_lookup_by_path)(drv_conn *conn, const char *path);
        drv_vol *(*vol_create_xml)(drv_conn *conn, const drv_pool *pool, const char *xml,
                                   unsigned int flags);
        /* a copy of src (converted to the new volume's format) */
        drv_vol *(*vol_create_xml_from)(drv_conn *conn, const drv_pool *pool, const char *xml,
                                        const drv_vol *src, unsigned int flags);
        int (*vol_delete)(drv_conn *conn, const drv_vol *vol, unsigned int flags);
        int (*vol_wipe)(drv_conn *conn, const drv_vol *vol, unsigned int flags);
        int (*vol_get_info)(drv_conn *conn, const drv_vol *vol, vctl_storage_vol_info *ret);
        char *(*vol_get_xml_desc)(drv_conn *conn, const drv_vol *vol, unsigned int flags);
        char *(*vol_get_path)(drv_conn *conn, const drv_vol *vol);
        int (*vol_resize)(drv_conn *conn, const drv_vol *vol, unsigned long long capacity,
                          unsigned int flags);
};

/* The host's directory pools (qemu:///) and the test driver's memory ones. */
extern const vctl_storage_driver vctl_storage_dir_driver;
extern const vctl_storage_driver vctl_storage_test_driver;

/* For the QEMU driver: the file, format and backing image (NULL when none)
 * of volume vol in the active host pool pool, refused with a message naming
 * both when the pool or the volume is missing or the pool is inactive. */
typedef struct storage_vol_source {
        char *path;
        vol_format format;
        char *backing_path; /* NULL: no backing image */
        vol_format backing_format;
} storage_vol_source;
int storage_vol_resolve(const char *pool, const char *vol, storage_vol_source *ret);
void storage_vol_source_clear(storage_vol_source *src);
