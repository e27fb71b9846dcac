/* The pool and volume commands (cmd-pool.c, cmd-vol.c). */
#pragma once

#include "vctl.h"

extern const vctl_cmd vctl_cmd_pool_list, vctl_cmd_pool_define, vctl_cmd_pool_define_as,
        vctl_cmd_pool_create, vctl_cmd_pool_build, vctl_cmd_pool_start, vctl_cmd_pool_destroy,
        vctl_cmd_pool_undefine, vctl_cmd_pool_delete, vctl_cmd_pool_info, vctl_cmd_pool_dumpxml,
        vctl_cmd_pool_autostart, vctl_cmd_pool_refresh;
extern const vctl_cmd vctl_cmd_vol_list, vctl_cmd_vol_create, vctl_cmd_vol_create_as,
        vctl_cmd_vol_clone, vctl_cmd_vol_delete, vctl_cmd_vol_wipe, vctl_cmd_vol_resize,
        vctl_cmd_vol_info, vctl_cmd_vol_dumpxml, vctl_cmd_vol_path;

/* "1.50 GiB", as virsh prints sizes */
char *vctl_pretty_size(unsigned long long bytes);
/* A pool by name or UUID; NULL after printing the error. */
vctl_storage_pool *vctl_pool_arg(vctl_conn *conn, const char *arg);
