/* The storage driver-table operations over RPC (lib/remote_storage.c): the
 * same arguments as vctl_storage_driver, against a vctld. */
#pragma once

#include "driver/storage/storage_driver.h"
#include "lib/remote.h"

int remote_storage_list_all_pools(remote_conn *rc, unsigned int flags, GPtrArray **ret);
drv_pool *remote_storage_pool_lookup_by_name(remote_conn *rc, const char *name);
drv_pool *remote_storage_pool_lookup_by_uuid(remote_conn *rc, const unsigned char *uuid);
drv_pool *remote_storage_pool_lookup_by_volume(remote_conn *rc, const drv_vol *vol);
drv_pool *remote_storage_pool_define_xml(remote_conn *rc, const char *xml, unsigned int flags);
drv_pool *remote_storage_pool_create_xml(remote_conn *rc, const char *xml, unsigned int flags);
int remote_storage_pool_build(remote_conn *rc, const drv_pool *pool, unsigned int flags);
int remote_storage_pool_create(remote_conn *rc, const drv_pool *pool, unsigned int flags);
int remote_storage_pool_destroy(remote_conn *rc, const drv_pool *pool);
int remote_storage_pool_delete(remote_conn *rc, const drv_pool *pool, unsigned int flags);
int remote_storage_pool_undefine(remote_conn *rc, const drv_pool *pool);
int remote_storage_pool_refresh(remote_conn *rc, const drv_pool *pool, unsigned int flags);
char *remote_storage_pool_get_xml_desc(remote_conn *rc, const drv_pool *pool, unsigned int flags);
int remote_storage_pool_get_info(remote_conn *rc, const drv_pool *pool,
                                 vctl_storage_pool_info *ret);
int remote_storage_pool_get_autostart(remote_conn *rc, const drv_pool *pool, int *ret);
int remote_storage_pool_set_autostart(remote_conn *rc, const drv_pool *pool, int autostart);
int remote_storage_pool_is_active(remote_conn *rc, const drv_pool *pool);
int remote_storage_pool_is_persistent(remote_conn *rc, const drv_pool *pool);
int remote_storage_pool_list_all_volumes(remote_conn *rc, const drv_pool *pool, unsigned int flags,
                                         GPtrArray **ret);
drv_vol *remote_storage_vol_lookup_by_name(remote_conn *rc, const drv_pool *pool, const char *name);
drv_vol *remote_storage_vol_lookup_by_key(remote_conn *rc, const char *key);
drv_vol *remote_storage_vol_lookup_by_path(remote_conn *rc, const char *path);
drv_vol *remote_storage_vol_create_xml(remote_conn *rc, const drv_pool *pool, const char *xml,
                                       unsigned int flags);
drv_vol *remote_storage_vol_create_xml_from(remote_conn *rc, const drv_pool *pool, const char *xml,
                                            const drv_vol *src, unsigned int flags);
int remote_storage_vol_delete(remote_conn *rc, const drv_vol *vol, unsigned int flags);
int remote_storage_vol_wipe(remote_conn *rc, const drv_vol *vol, unsigned int flags);
int remote_storage_vol_get_info(remote_conn *rc, const drv_vol *vol, vctl_storage_vol_info *ret);
char *remote_storage_vol_get_xml_desc(remote_conn *rc, const drv_vol *vol, unsigned int flags);
char *remote_storage_vol_get_path(remote_conn *rc, const drv_vol *vol);
int remote_storage_vol_resize(remote_conn *rc, const drv_vol *vol, unsigned long long capacity,
                              unsigned int flags);
