/* Between the dispatch core and the handlers in dispatch_connect.c and
 * dispatch_domain.c. */
#pragma once

#include "daemon/access.h"
#include "daemon/dispatch.h"

typedef struct dispatch_ctx {
        vctld_client *cl;    /* its state may be touched only by inline handlers */
        dispatch_conn *conn; /* NULL before CONNECT_OPEN */
        const vctl_rpc_header *call;
        int stream_fd; /* a handler opening a stream puts its fd here */
} dispatch_ctx;

/* args and ret are the procedure's decoded argument and zeroed result structs
 * (vctl_rpc_proc_info); strings and arrays put in ret must be malloc()ed, as
 * xdr_free releases them. Return 0, or -1 with the thread's last error set. */
typedef int (*dispatch_fn)(dispatch_ctx *ctx, void *args, void *ret);

#define DISPATCH_HANDLER(name) int name(dispatch_ctx *ctx, void *args_, void *ret_)

/* Access control for the caller of ctx (daemon/access.h): 0 when allowed,
 * -1 with the error set. Every handler checks before it acts. */
int dispatch_access(dispatch_ctx *ctx, const char *object, const char *perm,
                    const access_detail *details);
/* For listings: whether the caller may see (getattr) the object. */
gboolean dispatch_access_visible(dispatch_ctx *ctx, const char *object,
                                 const access_detail *details);

/* For listings of n objects: ret_visible[i] whether the caller may see
 * (getattr) the object of details[i]; the checks run concurrently. 0, or -1
 * with the error set when polkit could not answer. */
int dispatch_access_filter(dispatch_ctx *ctx, const char *object,
                           const access_detail *const *details, guint n, gboolean *ret_visible);

/* Refuses an entry the driver does not implement. */
int dispatch_unsupported(dispatch_ctx *ctx, const char *what);

/* dispatch_connect.c */
DISPATCH_HANDLER(dispatch_connect_open);
DISPATCH_HANDLER(dispatch_connect_close);
DISPATCH_HANDLER(dispatch_connect_supports_feature);
DISPATCH_HANDLER(dispatch_connect_get_uri);
DISPATCH_HANDLER(dispatch_connect_get_type);
DISPATCH_HANDLER(dispatch_connect_get_version);
DISPATCH_HANDLER(dispatch_connect_get_lib_version);
DISPATCH_HANDLER(dispatch_connect_get_hostname);
DISPATCH_HANDLER(dispatch_connect_is_secure);
DISPATCH_HANDLER(dispatch_connect_get_capabilities);
DISPATCH_HANDLER(dispatch_connect_get_domain_capabilities);
DISPATCH_HANDLER(dispatch_connect_get_max_vcpus);
DISPATCH_HANDLER(dispatch_node_get_info);
DISPATCH_HANDLER(dispatch_connect_event_register_any);
DISPATCH_HANDLER(dispatch_connect_event_deregister_any);
DISPATCH_HANDLER(dispatch_connect_register_close_callback);
DISPATCH_HANDLER(dispatch_connect_unregister_close_callback);

/* dispatch_auth.c */
DISPATCH_HANDLER(dispatch_auth_list);
DISPATCH_HANDLER(dispatch_auth_polkit);

/* dispatch_domain.c */
DISPATCH_HANDLER(dispatch_connect_list_all_domains);
DISPATCH_HANDLER(dispatch_connect_num_of_domains);
DISPATCH_HANDLER(dispatch_connect_list_domains);
DISPATCH_HANDLER(dispatch_connect_num_of_defined_domains);
DISPATCH_HANDLER(dispatch_connect_list_defined_domains);
DISPATCH_HANDLER(dispatch_domain_lookup_by_name);
DISPATCH_HANDLER(dispatch_domain_lookup_by_uuid);
DISPATCH_HANDLER(dispatch_domain_lookup_by_id);
DISPATCH_HANDLER(dispatch_domain_define_xml);
DISPATCH_HANDLER(dispatch_domain_define_xml_flags);
DISPATCH_HANDLER(dispatch_domain_create_xml);
DISPATCH_HANDLER(dispatch_domain_create);
DISPATCH_HANDLER(dispatch_domain_create_with_flags);
DISPATCH_HANDLER(dispatch_domain_destroy);
DISPATCH_HANDLER(dispatch_domain_destroy_flags);
DISPATCH_HANDLER(dispatch_domain_shutdown);
DISPATCH_HANDLER(dispatch_domain_shutdown_flags);
DISPATCH_HANDLER(dispatch_domain_reboot);
DISPATCH_HANDLER(dispatch_domain_reset);
DISPATCH_HANDLER(dispatch_domain_suspend);
DISPATCH_HANDLER(dispatch_domain_resume);
DISPATCH_HANDLER(dispatch_domain_undefine);
DISPATCH_HANDLER(dispatch_domain_undefine_flags);
DISPATCH_HANDLER(dispatch_domain_get_xml_desc);
DISPATCH_HANDLER(dispatch_domain_get_info);
DISPATCH_HANDLER(dispatch_domain_get_state);
DISPATCH_HANDLER(dispatch_domain_get_autostart);
DISPATCH_HANDLER(dispatch_domain_set_autostart);
DISPATCH_HANDLER(dispatch_domain_is_active);
DISPATCH_HANDLER(dispatch_domain_is_persistent);
DISPATCH_HANDLER(dispatch_domain_open_console);

/* dispatch_storage.c */
DISPATCH_HANDLER(dispatch_connect_list_all_storage_pools);
DISPATCH_HANDLER(dispatch_connect_num_of_storage_pools);
DISPATCH_HANDLER(dispatch_connect_num_of_defined_storage_pools);
DISPATCH_HANDLER(dispatch_connect_list_storage_pools);
DISPATCH_HANDLER(dispatch_connect_list_defined_storage_pools);
DISPATCH_HANDLER(dispatch_storage_pool_lookup_by_name);
DISPATCH_HANDLER(dispatch_storage_pool_lookup_by_uuid);
DISPATCH_HANDLER(dispatch_storage_pool_lookup_by_volume);
DISPATCH_HANDLER(dispatch_storage_pool_define_xml);
DISPATCH_HANDLER(dispatch_storage_pool_create_xml);
DISPATCH_HANDLER(dispatch_storage_pool_build);
DISPATCH_HANDLER(dispatch_storage_pool_create);
DISPATCH_HANDLER(dispatch_storage_pool_destroy);
DISPATCH_HANDLER(dispatch_storage_pool_delete);
DISPATCH_HANDLER(dispatch_storage_pool_undefine);
DISPATCH_HANDLER(dispatch_storage_pool_refresh);
DISPATCH_HANDLER(dispatch_storage_pool_set_autostart);
DISPATCH_HANDLER(dispatch_storage_pool_get_xml_desc);
DISPATCH_HANDLER(dispatch_storage_pool_get_info);
DISPATCH_HANDLER(dispatch_storage_pool_get_autostart);
DISPATCH_HANDLER(dispatch_storage_pool_is_active);
DISPATCH_HANDLER(dispatch_storage_pool_is_persistent);
DISPATCH_HANDLER(dispatch_storage_pool_list_all_volumes);
DISPATCH_HANDLER(dispatch_storage_pool_num_of_volumes);
DISPATCH_HANDLER(dispatch_storage_pool_list_volumes);
DISPATCH_HANDLER(dispatch_storage_vol_lookup_by_name);
DISPATCH_HANDLER(dispatch_storage_vol_lookup_by_key);
DISPATCH_HANDLER(dispatch_storage_vol_lookup_by_path);
DISPATCH_HANDLER(dispatch_storage_vol_create_xml);
DISPATCH_HANDLER(dispatch_storage_vol_create_xml_from);
DISPATCH_HANDLER(dispatch_storage_vol_delete);
DISPATCH_HANDLER(dispatch_storage_vol_wipe);
DISPATCH_HANDLER(dispatch_storage_vol_resize);
DISPATCH_HANDLER(dispatch_storage_vol_get_info);
DISPATCH_HANDLER(dispatch_storage_vol_get_xml_desc);
DISPATCH_HANDLER(dispatch_storage_vol_get_path);
/* dispatch_network.c: virtual networks, their leases and events */
DISPATCH_HANDLER(dispatch_connect_list_all_networks);
DISPATCH_HANDLER(dispatch_connect_num_of_networks);
DISPATCH_HANDLER(dispatch_connect_num_of_defined_networks);
DISPATCH_HANDLER(dispatch_connect_list_networks);
DISPATCH_HANDLER(dispatch_connect_list_defined_networks);
DISPATCH_HANDLER(dispatch_network_lookup_by_name);
DISPATCH_HANDLER(dispatch_network_lookup_by_uuid);
DISPATCH_HANDLER(dispatch_network_define_xml);
DISPATCH_HANDLER(dispatch_network_create_xml);
DISPATCH_HANDLER(dispatch_network_create);
DISPATCH_HANDLER(dispatch_network_destroy);
DISPATCH_HANDLER(dispatch_network_undefine);
DISPATCH_HANDLER(dispatch_network_get_xml_desc);
DISPATCH_HANDLER(dispatch_network_get_bridge_name);
DISPATCH_HANDLER(dispatch_network_get_autostart);
DISPATCH_HANDLER(dispatch_network_set_autostart);
DISPATCH_HANDLER(dispatch_network_is_active);
DISPATCH_HANDLER(dispatch_network_is_persistent);
DISPATCH_HANDLER(dispatch_network_get_dhcp_leases);
DISPATCH_HANDLER(dispatch_domain_interface_addresses);
DISPATCH_HANDLER(dispatch_connect_network_event_register_any);
DISPATCH_HANDLER(dispatch_connect_network_event_deregister_any);
