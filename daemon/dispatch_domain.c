/* Domain procedures: lists, lookups, definition, life cycle and state. Each
 * converts the wire structs to the driver's and back; all run on workers. */
#include <config.h>

#include "conf/domain_conf.h"
#include "daemon/dispatch_priv.h"
#include "lib/util/i18n.h"

#include <string.h>

#define DRV(ctx) ((ctx)->conn->drv)
#define DC(ctx)  ((ctx)->conn->dc)
/* the driver entry, or a NO_SUPPORT error naming the operation */
#define REQUIRE(ctx, entry, what)                                                                  \
        do {                                                                                       \
                if (!DRV(ctx)->entry)                                                              \
                        return dispatch_unsupported(ctx, what);                                    \
        } while (0)

/* A wire domain as the driver's, borrowing its name. */
static drv_domain dispatch_dom_in(const remote_nonnull_domain *w)
{
        drv_domain d = {.name = w->name, .id = w->id};

        memcpy(d.uuid, w->uuid, sizeof(d.uuid));
        return d;
}

/* Fills a wire domain from the driver's (takes dom); -1 when dom is NULL. */
static int dispatch_dom_out(drv_domain *dom, remote_nonnull_domain *w)
{
        if (!dom)
                return -1;
        w->name = g_steal_pointer(&dom->name);
        memcpy(w->uuid, dom->uuid, sizeof(w->uuid));
        w->id = dom->id;
        drv_domain_free(dom);
        return 0;
}

/* libvirt's VIR_DOMAIN_XML_MIGRATABLE, VIR_DOMAIN_REBOOT_GUEST_AGENT and
 * VIR_DOMAIN_SHUTDOWN_GUEST_AGENT: flags that need more permissions */
#define DISPATCH_XML_MIGRATABLE       (1 << 3)
#define DISPATCH_REBOOT_GUEST_AGENT   (1 << 1)
#define DISPATCH_SHUTDOWN_GUEST_AGENT (1 << 1)

/* The access check of perm on a domain the driver knows (its own name and
 * UUID, never what the caller claims). */
static int dispatch_dom_check(dispatch_ctx *ctx, const char *name,
                              const unsigned char uuid[VCTL_UUID_LEN], const char *perm)
{
        char uuidstr[VCTL_UUID_STRING_LEN];
        access_detail details[] = {
                {"domain_name", name},
                {"domain_uuid", vctl_uuid_format(uuid, uuidstr)},
                {NULL, NULL},
        };

        return dispatch_access(ctx, "domain", perm, details);
}

/* The access check of perm (and perm2, when not NULL) on the domain a call
 * names: the driver resolves it by UUID first, as it will for the call. */
static int dispatch_dom_access(dispatch_ctx *ctx, const remote_nonnull_domain *w, const char *perm,
                               const char *perm2)
{
        g_autoptr(drv_domain) dom = NULL;

        if (!access_enabled())
                return 0;
        REQUIRE(ctx, lookup_by_uuid, _("looking up a domain by UUID"));
        dom = DRV(ctx)->lookup_by_uuid(DC(ctx), (const unsigned char *)w->uuid);
        if (!dom)
                return -1;
        if (dispatch_dom_check(ctx, dom->name, dom->uuid, perm) < 0)
                return -1;
        return perm2 ? dispatch_dom_check(ctx, dom->name, dom->uuid, perm2) : 0;
}

/* The checks of a new definition (define, create): the name and UUID it
 * will have. */
static int dispatch_def_access(dispatch_ctx *ctx, const char *xml, const char *perm,
                               const char *perm2)
{
        g_autoptr(domain_def) def = NULL;
        unsigned char uuid[VCTL_UUID_LEN] = {0};

        if (!access_enabled())
                return 0;
        /* the driver parses it again and reports problems with their line */
        def = domain_def_parse(xml, strlen(xml), NULL);
        if (!def)
                return -1;
        memcpy(uuid, def->uuid, sizeof(uuid));
        if (vctl_uuid_is_null(uuid) && DRV(ctx)->lookup_by_name) {
                /* a redefinition keeps the UUID of the domain it replaces */
                g_autoptr(drv_domain) old = DRV(ctx)->lookup_by_name(DC(ctx), def->name);

                vctl_error_clear();
                if (old)
                        memcpy(uuid, old->uuid, sizeof(uuid));
        }
        if (dispatch_dom_check(ctx, def->name, uuid, perm) < 0)
                return -1;
        return perm2 ? dispatch_dom_check(ctx, def->name, uuid, perm2) : 0;
}

/* Keeps only the domains the caller may getattr (libvirt's @aclfilter). */
static int dispatch_filter_visible(dispatch_ctx *ctx, GPtrArray *doms)
{
        g_autofree access_detail *details = NULL;
        g_autofree const access_detail **each = NULL;
        g_autofree char *uuids = NULL;
        g_autofree gboolean *visible = NULL;
        guint n = doms->len;

        if (!access_enabled() || n == 0)
                return 0;
        /* three details per domain: name, UUID, end */
        details = g_new0(access_detail, 3 * n);
        each = g_new0(const access_detail *, n);
        uuids = g_malloc0((gsize)n * VCTL_UUID_STRING_LEN);
        visible = g_new0(gboolean, n);
        for (guint i = 0; i < n; i++) {
                const drv_domain *d = g_ptr_array_index(doms, i);
                char *uuidstr = uuids + (gsize)i * VCTL_UUID_STRING_LEN;

                details[3 * i] = (access_detail){"domain_name", d->name};
                details[3 * i + 1] =
                        (access_detail){"domain_uuid", vctl_uuid_format(d->uuid, uuidstr)};
                each[i] = &details[3 * i];
        }
        if (dispatch_access_filter(ctx, "domain", each, n, visible) < 0)
                return -1;
        for (guint i = n; i-- > 0;)
                if (!visible[i])
                        g_ptr_array_remove_index(doms, i);
        return 0;
}

static int dispatch_list(dispatch_ctx *ctx, unsigned int flags, GPtrArray **ret)
{
        g_autoptr(GPtrArray) doms = NULL;

        REQUIRE(ctx, list_all_domains, _("listing domains"));
        if (dispatch_access(ctx, "connect", "search_domains", NULL) < 0 ||
            DRV(ctx)->list_all_domains(DC(ctx), flags, &doms) < 0)
                return -1;
        if (dispatch_filter_visible(ctx, doms) < 0)
                return -1;
        *ret = g_steal_pointer(&doms);
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_list_all_domains)
{
        remote_connect_list_all_domains_args *args = args_;
        remote_connect_list_all_domains_ret *ret = ret_;
        g_autoptr(GPtrArray) doms = NULL;

        if (dispatch_list(ctx, args->flags, &doms) < 0)
                return -1;
        if (doms->len > REMOTE_DOMAIN_LIST_MAX)
                return vctl_error_set(VCTL_ERR_OVERFLOW, VCTL_FROM_RPC,
                                      _("too many domains to list (%u, at most %d)"), doms->len,
                                      REMOTE_DOMAIN_LIST_MAX);
        /* libvirt's remote driver: the count always, the domains if asked */
        if (args->need_results && doms->len) {
                ret->domains.domains_val = g_new0(remote_nonnull_domain, doms->len);
                ret->domains.domains_len = doms->len;
                for (guint i = 0; i < doms->len; i++)
                        dispatch_dom_out(drv_domain_copy(g_ptr_array_index(doms, i)),
                                         &ret->domains.domains_val[i]);
        }
        ret->ret = doms->len;
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_num_of_domains)
{
        remote_connect_num_of_domains_ret *ret = ret_;
        g_autoptr(GPtrArray) doms = NULL;

        if (dispatch_list(ctx, VCTL_LIST_DOMAINS_ACTIVE, &doms) < 0)
                return -1;
        ret->num = (int)doms->len;
        return 0;
}

static int dispatch_check_max(int max, const char *what)
{
        if (max < 0 || max > REMOTE_DOMAIN_LIST_MAX)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                                      _("%s must be between 0 and %d, not %d"), what,
                                      REMOTE_DOMAIN_LIST_MAX, max);
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_list_domains)
{
        remote_connect_list_domains_args *args = args_;
        remote_connect_list_domains_ret *ret = ret_;
        g_autoptr(GPtrArray) doms = NULL;
        guint n;

        if (dispatch_check_max(args->maxids, "maxids") < 0 ||
            dispatch_list(ctx, VCTL_LIST_DOMAINS_ACTIVE, &doms) < 0)
                return -1;
        n = MIN(doms->len, (guint)args->maxids);
        ret->ids.ids_len = n;
        ret->ids.ids_val = n ? g_new0(int, n) : NULL;
        for (guint i = 0; i < n; i++)
                ret->ids.ids_val[i] = ((drv_domain *)g_ptr_array_index(doms, i))->id;
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_num_of_defined_domains)
{
        remote_connect_num_of_defined_domains_ret *ret = ret_;
        g_autoptr(GPtrArray) doms = NULL;

        if (dispatch_list(ctx, VCTL_LIST_DOMAINS_INACTIVE, &doms) < 0)
                return -1;
        ret->num = (int)doms->len;
        return 0;
}

DISPATCH_HANDLER(dispatch_connect_list_defined_domains)
{
        remote_connect_list_defined_domains_args *args = args_;
        remote_connect_list_defined_domains_ret *ret = ret_;
        g_autoptr(GPtrArray) doms = NULL;
        guint n;

        if (dispatch_check_max(args->maxnames, "maxnames") < 0 ||
            dispatch_list(ctx, VCTL_LIST_DOMAINS_INACTIVE, &doms) < 0)
                return -1;
        n = MIN(doms->len, (guint)args->maxnames);
        ret->names.names_len = n;
        ret->names.names_val = n ? g_new0(remote_nonnull_string, n) : NULL;
        for (guint i = 0; i < n; i++)
                ret->names.names_val[i] =
                        g_strdup(((drv_domain *)g_ptr_array_index(doms, i))->name);
        return 0;
}

/* A lookup's answer, if the caller may getattr it (takes dom). */
static int dispatch_lookup_out(dispatch_ctx *ctx, drv_domain *dom, remote_nonnull_domain *w)
{
        if (dom && access_enabled() &&
            dispatch_dom_check(ctx, dom->name, dom->uuid, "getattr") < 0) {
                drv_domain_free(dom);
                return -1;
        }
        return dispatch_dom_out(dom, w);
}

DISPATCH_HANDLER(dispatch_domain_lookup_by_name)
{
        remote_domain_lookup_by_name_args *args = args_;
        remote_domain_lookup_by_name_ret *ret = ret_;

        REQUIRE(ctx, lookup_by_name, _("looking up a domain by name"));
        return dispatch_lookup_out(ctx, DRV(ctx)->lookup_by_name(DC(ctx), args->name), &ret->dom);
}

DISPATCH_HANDLER(dispatch_domain_lookup_by_uuid)
{
        remote_domain_lookup_by_uuid_args *args = args_;
        remote_domain_lookup_by_uuid_ret *ret = ret_;

        REQUIRE(ctx, lookup_by_uuid, _("looking up a domain by UUID"));
        return dispatch_lookup_out(
                ctx, DRV(ctx)->lookup_by_uuid(DC(ctx), (unsigned char *)args->uuid), &ret->dom);
}

DISPATCH_HANDLER(dispatch_domain_lookup_by_id)
{
        remote_domain_lookup_by_id_args *args = args_;
        remote_domain_lookup_by_id_ret *ret = ret_;

        REQUIRE(ctx, lookup_by_id, _("looking up a domain by ID"));
        return dispatch_lookup_out(ctx, DRV(ctx)->lookup_by_id(DC(ctx), args->id), &ret->dom);
}

static int dispatch_define(dispatch_ctx *ctx, const char *xml, unsigned int flags,
                           remote_nonnull_domain *ret)
{
        REQUIRE(ctx, define_xml, _("defining a domain"));
        if (dispatch_def_access(ctx, xml, "write", "save") < 0)
                return -1;
        return dispatch_dom_out(DRV(ctx)->define_xml(DC(ctx), xml, flags), ret);
}

DISPATCH_HANDLER(dispatch_domain_define_xml)
{
        remote_domain_define_xml_args *args = args_;
        remote_domain_define_xml_ret *ret = ret_;

        return dispatch_define(ctx, args->xml, 0, &ret->dom);
}

DISPATCH_HANDLER(dispatch_domain_define_xml_flags)
{
        remote_domain_define_xml_flags_args *args = args_;
        remote_domain_define_xml_flags_ret *ret = ret_;

        return dispatch_define(ctx, args->xml, args->flags, &ret->dom);
}

DISPATCH_HANDLER(dispatch_domain_create_xml)
{
        remote_domain_create_xml_args *args = args_;
        remote_domain_create_xml_ret *ret = ret_;

        REQUIRE(ctx, create_xml, _("creating a transient domain"));
        if (dispatch_def_access(ctx, args->xml_desc, "write", "start") < 0)
                return -1;
        return dispatch_dom_out(DRV(ctx)->create_xml(DC(ctx), args->xml_desc, args->flags),
                                &ret->dom);
}

static int dispatch_create(dispatch_ctx *ctx, const remote_nonnull_domain *w, unsigned int flags,
                           remote_nonnull_domain *ret)
{
        drv_domain d = dispatch_dom_in(w);

        REQUIRE(ctx, create, _("starting a domain"));
        if (dispatch_dom_access(ctx, w, "start", NULL) < 0 ||
            DRV(ctx)->create(DC(ctx), &d, flags) < 0)
                return -1;
        if (ret)
                dispatch_dom_out(drv_domain_copy(&d), ret);
        return 0;
}

DISPATCH_HANDLER(dispatch_domain_create)
{
        remote_domain_create_args *args = args_;

        return dispatch_create(ctx, &args->dom, 0, NULL);
}

DISPATCH_HANDLER(dispatch_domain_create_with_flags)
{
        remote_domain_create_with_flags_args *args = args_;
        remote_domain_create_with_flags_ret *ret = ret_;

        return dispatch_create(ctx, &args->dom, args->flags, &ret->dom);
}

/* The many "do something to a domain with flags" procedures. */
#define DOMAIN_OP(handler, argtype, entry, what, flags_expr, perm, perm2)                          \
        DISPATCH_HANDLER(handler)                                                                  \
        {                                                                                          \
                argtype *args = args_;                                                             \
                drv_domain d = dispatch_dom_in(&args->dom);                                        \
                                                                                                   \
                REQUIRE(ctx, entry, what);                                                         \
                if (dispatch_dom_access(ctx, &args->dom, perm, perm2) < 0)                         \
                        return -1;                                                                 \
                return DRV(ctx)->entry(DC(ctx), &d, flags_expr) < 0 ? -1 : 0;                      \
        }

/* permissions: libvirt's @acl annotations of each procedure */
DOMAIN_OP(dispatch_domain_destroy, remote_domain_destroy_args, destroy, _("destroying a domain"), 0,
          "stop", NULL)
DOMAIN_OP(dispatch_domain_destroy_flags, remote_domain_destroy_flags_args, destroy,
          _("destroying a domain"), args->flags, "stop", NULL)
DOMAIN_OP(dispatch_domain_shutdown, remote_domain_shutdown_args, shutdown,
          _("shutting a domain down"), 0, "init_control", NULL)
DOMAIN_OP(dispatch_domain_shutdown_flags, remote_domain_shutdown_flags_args, shutdown,
          _("shutting a domain down"), args->flags, "init_control",
          args->flags &DISPATCH_SHUTDOWN_GUEST_AGENT ? "write" : NULL)
DOMAIN_OP(dispatch_domain_reboot, remote_domain_reboot_args, reboot, _("rebooting a domain"),
          args->flags, "init_control", args->flags &DISPATCH_REBOOT_GUEST_AGENT ? "write" : NULL)
DOMAIN_OP(dispatch_domain_reset, remote_domain_reset_args, reset, _("resetting a domain"),
          args->flags, "reset", NULL)
DOMAIN_OP(dispatch_domain_undefine, remote_domain_undefine_args, undefine, _("undefining a domain"),
          0, "delete", NULL)
DOMAIN_OP(dispatch_domain_undefine_flags, remote_domain_undefine_flags_args, undefine,
          _("undefining a domain"), args->flags, "delete", NULL)
DOMAIN_OP(dispatch_domain_set_autostart, remote_domain_set_autostart_args, set_autostart,
          _("setting a domain's autostart"), args->autostart, "write", NULL)

DISPATCH_HANDLER(dispatch_domain_suspend)
{
        remote_domain_suspend_args *args = args_;
        drv_domain d = dispatch_dom_in(&args->dom);

        REQUIRE(ctx, suspend, _("suspending a domain"));
        if (dispatch_dom_access(ctx, &args->dom, "suspend", NULL) < 0)
                return -1;
        return DRV(ctx)->suspend(DC(ctx), &d) < 0 ? -1 : 0;
}

DISPATCH_HANDLER(dispatch_domain_resume)
{
        remote_domain_resume_args *args = args_;
        drv_domain d = dispatch_dom_in(&args->dom);

        REQUIRE(ctx, resume, _("resuming a domain"));
        if (dispatch_dom_access(ctx, &args->dom, "suspend", NULL) < 0)
                return -1;
        return DRV(ctx)->resume(DC(ctx), &d) < 0 ? -1 : 0;
}

DISPATCH_HANDLER(dispatch_domain_get_xml_desc)
{
        remote_domain_get_xml_desc_args *args = args_;
        remote_domain_get_xml_desc_ret *ret = ret_;
        drv_domain d = dispatch_dom_in(&args->dom);

        REQUIRE(ctx, get_xml_desc, _("getting a domain's XML"));
        if (dispatch_dom_access(ctx, &args->dom, "read",
                                args->flags & (VCTL_DOMAIN_XML_SECURE | DISPATCH_XML_MIGRATABLE)
                                        ? "read_secure"
                                        : NULL) < 0)
                return -1;
        ret->xml = DRV(ctx)->get_xml_desc(DC(ctx), &d, args->flags);
        return ret->xml ? 0 : -1;
}

DISPATCH_HANDLER(dispatch_domain_get_info)
{
        remote_domain_get_info_args *args = args_;
        remote_domain_get_info_ret *ret = ret_;
        drv_domain d = dispatch_dom_in(&args->dom);
        vctl_domain_info info = {0};

        REQUIRE(ctx, get_info, _("getting a domain's information"));
        if (dispatch_dom_access(ctx, &args->dom, "read", NULL) < 0)
                return -1;
        if (DRV(ctx)->get_info(DC(ctx), &d, &info) < 0)
                return -1;
        ret->state = (u_char)info.state;
        ret->maxMem = info.max_mem_kib;
        ret->memory = info.memory_kib;
        ret->nrVirtCpu = (u_short)MIN(info.nr_vcpus, G_MAXUSHORT);
        ret->cpuTime = info.cpu_time_ns;
        return 0;
}

DISPATCH_HANDLER(dispatch_domain_get_state)
{
        remote_domain_get_state_args *args = args_;
        remote_domain_get_state_ret *ret = ret_;
        drv_domain d = dispatch_dom_in(&args->dom);

        REQUIRE(ctx, get_state, _("getting a domain's state"));
        if (dispatch_dom_access(ctx, &args->dom, "read", NULL) < 0)
                return -1;
        if (args->flags)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                                      _("unsupported flags (0x%x) in getting a domain's state"),
                                      args->flags);
        return DRV(ctx)->get_state(DC(ctx), &d, &ret->state, &ret->reason);
}

DISPATCH_HANDLER(dispatch_domain_get_autostart)
{
        remote_domain_get_autostart_args *args = args_;
        remote_domain_get_autostart_ret *ret = ret_;
        drv_domain d = dispatch_dom_in(&args->dom);

        REQUIRE(ctx, get_autostart, _("getting a domain's autostart"));
        if (dispatch_dom_access(ctx, &args->dom, "read", NULL) < 0)
                return -1;
        return DRV(ctx)->get_autostart(DC(ctx), &d, &ret->autostart) < 0 ? -1 : 0;
}

DISPATCH_HANDLER(dispatch_domain_is_active)
{
        remote_domain_is_active_args *args = args_;
        remote_domain_is_active_ret *ret = ret_;
        drv_domain d = dispatch_dom_in(&args->dom);

        REQUIRE(ctx, is_active, _("checking whether a domain runs"));
        if (dispatch_dom_access(ctx, &args->dom, "read", NULL) < 0)
                return -1;
        ret->active = DRV(ctx)->is_active(DC(ctx), &d);
        return ret->active < 0 ? -1 : 0;
}

DISPATCH_HANDLER(dispatch_domain_is_persistent)
{
        remote_domain_is_persistent_args *args = args_;
        remote_domain_is_persistent_ret *ret = ret_;
        drv_domain d = dispatch_dom_in(&args->dom);

        REQUIRE(ctx, is_persistent, _("checking whether a domain is persistent"));
        if (dispatch_dom_access(ctx, &args->dom, "read", NULL) < 0)
                return -1;
        ret->persistent = DRV(ctx)->is_persistent(DC(ctx), &d);
        return ret->persistent < 0 ? -1 : 0;
}

DISPATCH_HANDLER(dispatch_domain_open_console)
{
        remote_domain_open_console_args *args = args_;
        drv_domain d = dispatch_dom_in(&args->dom);

        REQUIRE(ctx, open_console, _("opening a console"));
        if (dispatch_dom_access(ctx, &args->dom, "open_device", NULL) < 0)
                return -1;
        return DRV(ctx)->open_console(DC(ctx), &d, args->dev_name ? *args->dev_name : NULL,
                                      args->flags, &ctx->stream_fd) < 0
                       ? -1
                       : 0;
}
