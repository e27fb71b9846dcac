/* org.vctl.Domain at <connection>/domain/_<uuid> (dbus_object.c serves the
 * subtree). Permissions are libvirt's for the same calls. */
#include <config.h>

#include "daemon/dbus_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

#define DRV(call) ((call)->co->drv)
#define DC(call)  ((call)->co->dc)
gboolean dbus_domain_available(const dbus_conn_obj *co)
{
        return co->drv->lookup_by_uuid != NULL;
}

int dbus_domain_resolve(dbus_call *call, const char *node)
{
        unsigned char uuid[VCTL_UUID_LEN];

        if (dbus_resolve_uuid(call, node, uuid) < 0)
                return -1;
        call->dom = DRV(call)->lookup_by_uuid(DC(call), uuid);
        return call->dom ? 0 : -1;
}

GPtrArray *dbus_domain_list_nodes(dbus_conn_obj *co)
{
        g_autoptr(GPtrArray) doms = NULL;

        if (!co->drv->list_all_domains || co->drv->list_all_domains(co->dc, 0, &doms) < 0)
                return NULL;
        return dbus_uuid_nodes(doms, G_STRUCT_OFFSET(drv_domain, uuid));
}

static int domain_access(dbus_call *call, const char *perm)
{
        char uuid[VCTL_UUID_STRING_LEN];
        access_detail details[3];

        dbus_domain_details(call->dom, uuid, details);
        return dbus_access(call, "domain", perm, details);
}

/* The life-cycle calls: "(u)" flags (or "()"), one permission, no reply. */
#define DOMAIN_OP(fn, entry, what, perm, call_expr)                                                \
        static GVariant *fn(dbus_call *call)                                                       \
        {                                                                                          \
                guint32 flags = 0;                                                                 \
                                                                                                   \
                if (g_variant_n_children(call->params) == 1)                                       \
                        g_variant_get(call->params, "(u)", &flags);                                \
                DBUS_REQUIRE(call, DRV(call), entry, what);                                        \
                if (domain_access(call, perm) < 0 || (call_expr) < 0)                              \
                        return NULL;                                                               \
                return g_variant_new("()");                                                        \
        }

DOMAIN_OP(domain_create, create, _("starting a domain"), "start",
          DRV(call)->create(DC(call), call->dom, flags))
DOMAIN_OP(domain_destroy, destroy, _("destroying a domain"), "stop",
          DRV(call)->destroy(DC(call), call->dom, flags))
DOMAIN_OP(domain_shutdown, shutdown, _("shutting a domain down"), "init_control",
          DRV(call)->shutdown(DC(call), call->dom, flags))
DOMAIN_OP(domain_reboot, reboot, _("rebooting a domain"), "init_control",
          DRV(call)->reboot(DC(call), call->dom, flags))
DOMAIN_OP(domain_reset, reset, _("resetting a domain"), "reset",
          DRV(call)->reset(DC(call), call->dom, flags))
DOMAIN_OP(domain_suspend, suspend, _("suspending a domain"), "suspend",
          DRV(call)->suspend(DC(call), call->dom))
DOMAIN_OP(domain_resume, resume, _("resuming a domain"), "suspend",
          DRV(call)->resume(DC(call), call->dom))
DOMAIN_OP(domain_undefine, undefine, _("undefining a domain"), "delete",
          DRV(call)->undefine(DC(call), call->dom, flags))

static GVariant *domain_get_xml_desc(dbus_call *call)
{
        g_autofree char *xml = NULL;
        guint32 flags;

        g_variant_get(call->params, "(u)", &flags);
        DBUS_REQUIRE(call, DRV(call), get_xml_desc, _("getting a domain's XML"));
        if (domain_access(call, "read") < 0 ||
            ((flags & VCTL_DOMAIN_XML_SECURE) && domain_access(call, "read_secure") < 0))
                return NULL;
        xml = DRV(call)->get_xml_desc(DC(call), call->dom, flags);
        return xml ? g_variant_new("(s)", xml) : NULL;
}

static GVariant *domain_get_state(dbus_call *call)
{
        guint32 flags;
        int state, reason;

        g_variant_get(call->params, "(u)", &flags);
        DBUS_REQUIRE(call, DRV(call), get_state, _("getting a domain's state"));
        if (flags) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                               _("domain '%s': unsupported flags (0x%x) in getting its state"),
                               call->dom->name, flags);
                return NULL;
        }
        if (domain_access(call, "read") < 0 ||
            DRV(call)->get_state(DC(call), call->dom, &state, &reason) < 0)
                return NULL;
        return g_variant_new("((ii))", state, reason);
}

/* ---- properties ---- */

static const char *const domain_props[] = {"Active",     "Autostart", "Id",  "Name",
                                           "Persistent", "State",     "UUID"};

/* Name, UUID and Id come with the domain; the rest need domain:read. */
static gboolean domain_prop_is_attr(const char *name)
{
        return g_str_equal(name, "Name") || g_str_equal(name, "UUID") || g_str_equal(name, "Id");
}

static GVariant *domain_bool(dbus_call *call, int (*fn)(drv_conn *, const drv_domain *),
                             const char *what)
{
        int r;

        if (!fn)
                return dbus_unsupported(call, what);
        r = fn(DC(call), call->dom);
        return r < 0 ? NULL : g_variant_new_boolean(r > 0);
}

/* A property's value (floating), or NULL with the error set. */
static GVariant *domain_property(dbus_call *call, const char *name)
{
        char uuid[VCTL_UUID_STRING_LEN];
        int v, reason;

        if (g_str_equal(name, "Name"))
                return g_variant_new_string(call->dom->name);
        if (g_str_equal(name, "UUID"))
                return g_variant_new_string(vctl_uuid_format(call->dom->uuid, uuid));
        if (g_str_equal(name, "Id"))
                return g_variant_new_uint32(call->dom->id < 0 ? G_MAXUINT32
                                                              : (guint32)call->dom->id);
        if (g_str_equal(name, "Active"))
                return domain_bool(call, DRV(call)->is_active, _("checking whether a domain runs"));
        if (g_str_equal(name, "Persistent"))
                return domain_bool(call, DRV(call)->is_persistent,
                                   _("checking whether a domain is persistent"));
        if (g_str_equal(name, "Autostart")) {
                DBUS_REQUIRE(call, DRV(call), get_autostart, _("getting a domain's autostart"));
                if (DRV(call)->get_autostart(DC(call), call->dom, &v) < 0)
                        return NULL;
                return g_variant_new_boolean(v != 0);
        }
        if (g_str_equal(name, "State")) {
                DBUS_REQUIRE(call, DRV(call), get_state, _("getting a domain's state"));
                if (DRV(call)->get_state(DC(call), call->dom, &v, &reason) < 0)
                        return NULL;
                return g_variant_new_int32(v);
        }
        vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC, _("%s has no property '%.64s'"),
                       DBUS_IFACE_DOMAIN, name);
        return NULL;
}

static int domain_check_interface(const char *iface)
{
        if (g_str_equal(iface, DBUS_IFACE_DOMAIN))
                return 0;
        return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                              _("a domain object has no interface '%.128s'"), iface);
}

static GVariant *domain_get(dbus_call *call)
{
        const char *iface, *name;

        g_variant_get(call->params, "(&s&s)", &iface, &name);
        if (domain_check_interface(iface) < 0 ||
            domain_access(call, domain_prop_is_attr(name) ? "getattr" : "read") < 0)
                return NULL;
        return dbus_property_get(call, name, domain_property);
}

static GVariant *domain_get_all(dbus_call *call)
{
        const char *iface;

        g_variant_get(call->params, "(&s)", &iface);
        if (domain_check_interface(iface) < 0 || domain_access(call, "read") < 0)
                return NULL;
        return dbus_property_get_all(call, domain_props, G_N_ELEMENTS(domain_props),
                                     domain_property);
}

static GVariant *domain_set(dbus_call *call)
{
        g_autoptr(GVariant) value = NULL;
        g_autofree char *path = NULL;
        const char *iface, *name;

        g_variant_get(call->params, "(&s&sv)", &iface, &name, &value);
        if (domain_check_interface(iface) < 0)
                return NULL;
        if (!g_str_equal(name, "Autostart")) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                               _("domain '%s': property '%.64s' is read-only (only Autostart can "
                                 "be set)"),
                               call->dom->name, name);
                return NULL;
        }
        if (!g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN)) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                               _("domain '%s': Autostart is a boolean (b), not '%s'"),
                               call->dom->name, g_variant_get_type_string(value));
                return NULL;
        }
        DBUS_REQUIRE(call, DRV(call), set_autostart, _("setting a domain's autostart"));
        if (domain_access(call, "write") < 0 ||
            DRV(call)->set_autostart(DC(call), call->dom, g_variant_get_boolean(value)) < 0)
                return NULL;
        /* no driver event says so: tell the listeners here */
        path = dbus_object_path(call->co, DBUS_KIND_DOMAIN, call->dom->uuid);
        dbus_emit_autostart(call->co, path, DBUS_IFACE_DOMAIN, g_variant_get_boolean(value));
        return dbus_void_reply();
}

void dbus_domain_emit_changed(dbus_conn_obj *co, const drv_domain *ev_dom)
{
        const vctl_driver *drv = co->drv;
        g_autoptr(drv_domain) dom = NULL;
        g_autofree char *path = dbus_object_path(co, DBUS_KIND_DOMAIN, ev_dom->uuid);
        GVariantBuilder changed;
        int state = VCTL_DOMAIN_SHUTOFF, reason, active = 0, persistent = 0;

        if (drv->lookup_by_uuid)
                dom = drv->lookup_by_uuid(co->dc, ev_dom->uuid);
        vctl_error_clear();
        /* a domain that is gone (undefined, or transient and stopped) is
         * reported as shut off, not running, not persistent */
        if (dom) {
                if (drv->get_state && drv->get_state(co->dc, dom, &state, &reason) < 0)
                        state = VCTL_DOMAIN_NOSTATE;
                active = drv->is_active ? drv->is_active(co->dc, dom) : 0;
                persistent = drv->is_persistent ? drv->is_persistent(co->dc, dom) : 0;
                vctl_error_clear();
        }
        g_variant_builder_init(&changed, G_VARIANT_TYPE("a{sv}"));
        g_variant_builder_add(&changed, "{sv}", "Active", g_variant_new_boolean(active > 0));
        g_variant_builder_add(
                &changed, "{sv}", "Id",
                g_variant_new_uint32(dom && dom->id >= 0 ? (guint32)dom->id : G_MAXUINT32));
        g_variant_builder_add(&changed, "{sv}", "Persistent",
                              g_variant_new_boolean(persistent > 0));
        g_variant_builder_add(&changed, "{sv}", "State", g_variant_new_int32(state));
        dbus_emit_changed(co, path, DBUS_IFACE_DOMAIN, &changed);
}

const dbus_method dbus_domain_methods[] = {
        {DBUS_IFACE_DOMAIN, "Create", TRUE, domain_create},
        {DBUS_IFACE_DOMAIN, "Destroy", TRUE, domain_destroy},
        {DBUS_IFACE_DOMAIN, "Shutdown", TRUE, domain_shutdown},
        {DBUS_IFACE_DOMAIN, "Reboot", TRUE, domain_reboot},
        {DBUS_IFACE_DOMAIN, "Reset", TRUE, domain_reset},
        {DBUS_IFACE_DOMAIN, "Suspend", TRUE, domain_suspend},
        {DBUS_IFACE_DOMAIN, "Resume", TRUE, domain_resume},
        {DBUS_IFACE_DOMAIN, "Undefine", TRUE, domain_undefine},
        {DBUS_IFACE_DOMAIN, "GetXMLDesc", FALSE, domain_get_xml_desc},
        {DBUS_IFACE_DOMAIN, "GetState", FALSE, domain_get_state},
        {DBUS_IFACE_PROPERTIES, "Get", FALSE, domain_get},
        {DBUS_IFACE_PROPERTIES, "GetAll", FALSE, domain_get_all},
        {DBUS_IFACE_PROPERTIES, "Set", TRUE, domain_set},
        {NULL, NULL, FALSE, NULL},
};
