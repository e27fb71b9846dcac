/* The driver-table operations over RPC: each one marshals its arguments
 * into libvirt's remote_*_args, makes the call and unpacks remote_*_ret. */
#include "config.h"

#include "lib/remote.h"

#include "lib/util/error.h"

#include <string.h>

static void dom_to_wire(const drv_domain *dom, remote_nonnull_domain *ret)
{
        ret->name = dom->name;
        memcpy(ret->uuid, dom->uuid, VCTL_UUID_LEN);
        ret->id = dom->id;
}

static drv_domain *dom_from_wire(const remote_nonnull_domain *w)
{
        return drv_domain_new(w->name, (const unsigned char *)w->uuid, w->id);
}

#define CALL(rc, proc, name, args, ret)                                                            \
        remote_call(rc, REMOTE_PROC_##proc, (xdrproc_t)xdr_remote_##name##_args, args,             \
                    (xdrproc_t)xdr_remote_##name##_ret, ret, sizeof(*(ret)))
#define CALL_NORET(rc, proc, name, args)                                                           \
        remote_call(rc, REMOTE_PROC_##proc, (xdrproc_t)xdr_remote_##name##_args, args, NULL, NULL, \
                    0)
#define CALL_NOARGS(rc, proc, name, ret)                                                           \
        remote_call(rc, REMOTE_PROC_##proc, NULL, NULL, (xdrproc_t)xdr_remote_##name##_ret, ret,   \
                    sizeof(*(ret)))
#define FREE_RET(name, ret) xdr_free((xdrproc_t)xdr_remote_##name##_ret, (char *)(ret))

/* ---- the connection ---- */

int remote_op_get_version(remote_conn *rc, unsigned long long *ret_version)
{
        remote_connect_get_version_ret ret;

        if (CALL_NOARGS(rc, CONNECT_GET_VERSION, connect_get_version, &ret) < 0)
                return -1;
        *ret_version = ret.hv_ver;
        return 0;
}

int remote_op_get_lib_version(remote_conn *rc, unsigned long long *ret_version)
{
        remote_connect_get_lib_version_ret ret;

        if (CALL_NOARGS(rc, CONNECT_GET_LIB_VERSION, connect_get_lib_version, &ret) < 0)
                return -1;
        *ret_version = ret.lib_ver;
        return 0;
}

char *remote_op_get_type(remote_conn *rc)
{
        remote_connect_get_type_ret ret;
        char *s;

        if (CALL_NOARGS(rc, CONNECT_GET_TYPE, connect_get_type, &ret) < 0)
                return NULL;
        s = g_strdup(ret.type);
        FREE_RET(connect_get_type, &ret);
        return s;
}

char *remote_op_get_hostname(remote_conn *rc)
{
        remote_connect_get_hostname_ret ret;
        char *s;

        if (CALL_NOARGS(rc, CONNECT_GET_HOSTNAME, connect_get_hostname, &ret) < 0)
                return NULL;
        s = g_strdup(ret.hostname);
        FREE_RET(connect_get_hostname, &ret);
        return s;
}

char *remote_op_get_uri(remote_conn *rc)
{
        remote_connect_get_uri_ret ret;
        char *s;

        if (CALL_NOARGS(rc, CONNECT_GET_URI, connect_get_uri, &ret) < 0)
                return NULL;
        s = g_strdup(ret.uri);
        FREE_RET(connect_get_uri, &ret);
        return s;
}

int remote_op_is_secure(remote_conn *rc)
{
        remote_connect_is_secure_ret ret;

        if (CALL_NOARGS(rc, CONNECT_IS_SECURE, connect_is_secure, &ret) < 0)
                return -1;
        return ret.secure ? 1 : 0;
}

char *remote_op_get_capabilities(remote_conn *rc)
{
        remote_connect_get_capabilities_ret ret;
        char *s;

        if (CALL_NOARGS(rc, CONNECT_GET_CAPABILITIES, connect_get_capabilities, &ret) < 0)
                return NULL;
        s = g_strdup(ret.capabilities);
        FREE_RET(connect_get_capabilities, &ret);
        return s;
}

char *remote_op_get_domain_capabilities(remote_conn *rc, const char *emulatorbin, const char *arch,
                                        const char *machine, const char *virttype,
                                        unsigned int flags)
{
        remote_connect_get_domain_capabilities_args args = {
                .emulatorbin = emulatorbin ? (char **)&emulatorbin : NULL,
                .arch = arch ? (char **)&arch : NULL,
                .machine = machine ? (char **)&machine : NULL,
                .virttype = virttype ? (char **)&virttype : NULL,
                .flags = flags,
        };
        remote_connect_get_domain_capabilities_ret ret;
        char *s;

        if (CALL(rc, CONNECT_GET_DOMAIN_CAPABILITIES, connect_get_domain_capabilities, &args,
                 &ret) < 0)
                return NULL;
        s = g_strdup(ret.capabilities);
        FREE_RET(connect_get_domain_capabilities, &ret);
        return s;
}

int remote_op_node_get_info(remote_conn *rc, vctl_node_info *ret_info)
{
        remote_node_get_info_ret ret;

        if (CALL_NOARGS(rc, NODE_GET_INFO, node_get_info, &ret) < 0)
                return -1;
        memset(ret_info, 0, sizeof(*ret_info));
        memcpy(ret_info->model, ret.model, sizeof(ret_info->model));
        ret_info->model[sizeof(ret_info->model) - 1] = '\0';
        ret_info->memory_kib = (unsigned long)ret.memory;
        ret_info->cpus = (unsigned int)ret.cpus;
        ret_info->mhz = (unsigned int)ret.mhz;
        ret_info->nodes = (unsigned int)ret.nodes;
        ret_info->sockets = (unsigned int)ret.sockets;
        ret_info->cores = (unsigned int)ret.cores;
        ret_info->threads = (unsigned int)ret.threads;
        return 0;
}

/* ---- lookups ---- */

int remote_op_list_all_domains(remote_conn *rc, unsigned int flags, GPtrArray **ret)
{
        remote_connect_list_all_domains_args args = {.need_results = 1, .flags = flags};
        remote_connect_list_all_domains_ret r;
        GPtrArray *list;

        if (CALL(rc, CONNECT_LIST_ALL_DOMAINS, connect_list_all_domains, &args, &r) < 0)
                return -1;
        list = g_ptr_array_new_with_free_func((GDestroyNotify)drv_domain_free);
        for (u_int i = 0; i < r.domains.domains_len; i++)
                g_ptr_array_add(list, dom_from_wire(&r.domains.domains_val[i]));
        FREE_RET(connect_list_all_domains, &r);
        *ret = list;
        return 0;
}

drv_domain *remote_op_lookup_by_name(remote_conn *rc, const char *name)
{
        remote_domain_lookup_by_name_args args = {.name = (char *)name};
        remote_domain_lookup_by_name_ret r;
        drv_domain *dom;

        if (CALL(rc, DOMAIN_LOOKUP_BY_NAME, domain_lookup_by_name, &args, &r) < 0)
                return NULL;
        dom = dom_from_wire(&r.dom);
        FREE_RET(domain_lookup_by_name, &r);
        return dom;
}

drv_domain *remote_op_lookup_by_uuid(remote_conn *rc, const unsigned char uuid[VCTL_UUID_LEN])
{
        remote_domain_lookup_by_uuid_args args;
        remote_domain_lookup_by_uuid_ret r;
        drv_domain *dom;

        memcpy(args.uuid, uuid, VCTL_UUID_LEN);
        if (CALL(rc, DOMAIN_LOOKUP_BY_UUID, domain_lookup_by_uuid, &args, &r) < 0)
                return NULL;
        dom = dom_from_wire(&r.dom);
        FREE_RET(domain_lookup_by_uuid, &r);
        return dom;
}

drv_domain *remote_op_lookup_by_id(remote_conn *rc, int id)
{
        remote_domain_lookup_by_id_args args = {.id = id};
        remote_domain_lookup_by_id_ret r;
        drv_domain *dom;

        if (CALL(rc, DOMAIN_LOOKUP_BY_ID, domain_lookup_by_id, &args, &r) < 0)
                return NULL;
        dom = dom_from_wire(&r.dom);
        FREE_RET(domain_lookup_by_id, &r);
        return dom;
}

/* ---- definition and life cycle ---- */

drv_domain *remote_op_define_xml(remote_conn *rc, const char *xml, unsigned int flags)
{
        remote_domain_define_xml_flags_args args = {.xml = (char *)xml, .flags = flags};
        remote_domain_define_xml_flags_ret r;
        drv_domain *dom;

        if (CALL(rc, DOMAIN_DEFINE_XML_FLAGS, domain_define_xml_flags, &args, &r) < 0)
                return NULL;
        dom = dom_from_wire(&r.dom);
        FREE_RET(domain_define_xml_flags, &r);
        return dom;
}

int remote_op_undefine(remote_conn *rc, const drv_domain *dom, unsigned int flags)
{
        remote_domain_undefine_flags_args args = {.flags = flags};

        dom_to_wire(dom, &args.dom);
        return CALL_NORET(rc, DOMAIN_UNDEFINE_FLAGS, domain_undefine_flags, &args);
}

drv_domain *remote_op_create_xml(remote_conn *rc, const char *xml, unsigned int flags)
{
        remote_domain_create_xml_args args = {.xml_desc = (char *)xml, .flags = flags};
        remote_domain_create_xml_ret r;
        drv_domain *dom;

        if (CALL(rc, DOMAIN_CREATE_XML, domain_create_xml, &args, &r) < 0)
                return NULL;
        dom = dom_from_wire(&r.dom);
        FREE_RET(domain_create_xml, &r);
        return dom;
}

int remote_op_create(remote_conn *rc, drv_domain *dom, unsigned int flags)
{
        remote_domain_create_with_flags_args args = {.flags = flags};
        remote_domain_create_with_flags_ret r;

        dom_to_wire(dom, &args.dom);
        if (CALL(rc, DOMAIN_CREATE_WITH_FLAGS, domain_create_with_flags, &args, &r) < 0)
                return -1;
        dom->id = r.dom.id;
        FREE_RET(domain_create_with_flags, &r);
        return 0;
}

#define DOM_FLAGS_OP(fn, proc, name)                                                               \
        int fn(remote_conn *rc, const drv_domain *dom, unsigned int flags)                         \
        {                                                                                          \
                remote_##name##_args args = {.flags = flags};                                      \
                                                                                                   \
                dom_to_wire(dom, &args.dom);                                                       \
                return CALL_NORET(rc, proc, name, &args);                                          \
        }
#define DOM_OP(fn, proc, name)                                                                     \
        int fn(remote_conn *rc, const drv_domain *dom)                                             \
        {                                                                                          \
                remote_##name##_args args;                                                         \
                                                                                                   \
                dom_to_wire(dom, &args.dom);                                                       \
                return CALL_NORET(rc, proc, name, &args);                                          \
        }

DOM_FLAGS_OP(remote_op_destroy, DOMAIN_DESTROY_FLAGS, domain_destroy_flags)
DOM_FLAGS_OP(remote_op_shutdown, DOMAIN_SHUTDOWN_FLAGS, domain_shutdown_flags)
DOM_FLAGS_OP(remote_op_reboot, DOMAIN_REBOOT, domain_reboot)
DOM_FLAGS_OP(remote_op_reset, DOMAIN_RESET, domain_reset)
DOM_OP(remote_op_suspend, DOMAIN_SUSPEND, domain_suspend)
DOM_OP(remote_op_resume, DOMAIN_RESUME, domain_resume)

/* ---- state and configuration ---- */

char *remote_op_get_xml_desc(remote_conn *rc, const drv_domain *dom, unsigned int flags)
{
        remote_domain_get_xml_desc_args args = {.flags = flags};
        remote_domain_get_xml_desc_ret r;
        char *xml;

        dom_to_wire(dom, &args.dom);
        if (CALL(rc, DOMAIN_GET_XML_DESC, domain_get_xml_desc, &args, &r) < 0)
                return NULL;
        xml = g_strdup(r.xml);
        FREE_RET(domain_get_xml_desc, &r);
        return xml;
}

int remote_op_get_info(remote_conn *rc, const drv_domain *dom, vctl_domain_info *ret_info)
{
        remote_domain_get_info_args args;
        remote_domain_get_info_ret r;

        dom_to_wire(dom, &args.dom);
        if (CALL(rc, DOMAIN_GET_INFO, domain_get_info, &args, &r) < 0)
                return -1;
        memset(ret_info, 0, sizeof(*ret_info));
        ret_info->state = (vctl_domain_state)r.state;
        ret_info->max_mem_kib = r.maxMem;
        ret_info->memory_kib = r.memory;
        ret_info->nr_vcpus = r.nrVirtCpu;
        ret_info->cpu_time_ns = r.cpuTime;
        return 0;
}

int remote_op_get_state(remote_conn *rc, const drv_domain *dom, int *ret_state, int *ret_reason)
{
        remote_domain_get_state_args args = {.flags = 0};
        remote_domain_get_state_ret r;

        dom_to_wire(dom, &args.dom);
        if (CALL(rc, DOMAIN_GET_STATE, domain_get_state, &args, &r) < 0)
                return -1;
        *ret_state = r.state;
        *ret_reason = r.reason;
        return 0;
}

int remote_op_get_autostart(remote_conn *rc, const drv_domain *dom, int *ret_autostart)
{
        remote_domain_get_autostart_args args;
        remote_domain_get_autostart_ret r;

        dom_to_wire(dom, &args.dom);
        if (CALL(rc, DOMAIN_GET_AUTOSTART, domain_get_autostart, &args, &r) < 0)
                return -1;
        *ret_autostart = r.autostart ? 1 : 0;
        return 0;
}

int remote_op_set_autostart(remote_conn *rc, const drv_domain *dom, int autostart)
{
        remote_domain_set_autostart_args args = {.autostart = autostart ? 1 : 0};

        dom_to_wire(dom, &args.dom);
        return CALL_NORET(rc, DOMAIN_SET_AUTOSTART, domain_set_autostart, &args);
}

int remote_op_is_active(remote_conn *rc, const drv_domain *dom)
{
        remote_domain_is_active_args args;
        remote_domain_is_active_ret r;

        dom_to_wire(dom, &args.dom);
        if (CALL(rc, DOMAIN_IS_ACTIVE, domain_is_active, &args, &r) < 0)
                return -1;
        return r.active ? 1 : 0;
}

int remote_op_is_persistent(remote_conn *rc, const drv_domain *dom)
{
        remote_domain_is_persistent_args args;
        remote_domain_is_persistent_ret r;

        dom_to_wire(dom, &args.dom);
        if (CALL(rc, DOMAIN_IS_PERSISTENT, domain_is_persistent, &args, &r) < 0)
                return -1;
        return r.persistent ? 1 : 0;
}

/* ---- events ---- */

/* VIR_DOMAIN_EVENT_ID_LIFECYCLE */
#define REMOTE_EVENT_ID_LIFECYCLE 0

int remote_op_event_register(remote_conn *rc, const drv_domain *dom)
{
        remote_connect_domain_event_callback_register_any_args args = {
                .eventID = REMOTE_EVENT_ID_LIFECYCLE,
        };
        remote_connect_domain_event_callback_register_any_ret r;
        remote_nonnull_domain wire;

        if (dom) {
                dom_to_wire(dom, &wire);
                args.dom = &wire;
        }
        if (CALL(rc, CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                 connect_domain_event_callback_register_any, &args, &r) < 0)
                return -1;
        return r.callbackID;
}

int remote_op_event_deregister(remote_conn *rc, int callback_id)
{
        remote_connect_domain_event_callback_deregister_any_args args = {
                .callbackID = callback_id,
        };

        return CALL_NORET(rc, CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                          connect_domain_event_callback_deregister_any, &args);
}
