/* The test driver (test:///default): an in-memory hypervisor shared by every
 * connection of the process, seeded like libvirt's with a running domain
 * "test". Lifecycle operations are in test_lifecycle.c. */
#include "config.h"

#include "driver/driver_priv.h"
#include "driver/storage/storage_driver.h"
#include "driver/network/network_driver.h"
#include "driver/test/test_driver.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

/* libvirt's virDomainUndefineFlags bits; nothing to remove in memory */
#define TEST_UNDEFINE_FLAGS                                                                        \
        ((1u << 0) | (1u << 1) | VCTL_DOMAIN_UNDEFINE_NVRAM | VCTL_DOMAIN_UNDEFINE_KEEP_NVRAM |    \
         (1u << 4))
/* SECURE, INACTIVE, UPDATE_CPU, MIGRATABLE */
#define TEST_XML_FLAGS (VCTL_DOMAIN_XML_SECURE | VCTL_DOMAIN_XML_INACTIVE | (1u << 2) | (1u << 3))

static GMutex test_lock;
static test_state *test_shared;

static void test_state_free(test_state *st)
{
        if (!st)
                return;
        drv_consoles_free(st->consoles);
        domain_list_free(st->domains);
        domain_event_registry_free(st->events);
        g_free(st);
}

static test_state *test_state_new(void)
{
        test_state *st = g_new0(test_state, 1);
        g_autoptr(domain_def) def = NULL;
        domain_obj *obj;

        st->domains = domain_list_new();
        st->events = domain_event_registry_new();
        st->consoles = drv_consoles_new();
        def = domain_def_parse(test_driver_default_domain_xml,
                               strlen(test_driver_default_domain_xml), NULL);
        if (!def) {
                vctl_error_set(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_TEST,
                               _("cannot set up the test driver's default domain: %s"),
                               vctl_error_message());
                test_state_free(st);
                return NULL;
        }
        domain_list_lock(st->domains);
        obj = domain_list_add_locked(st->domains, &def, 0, NULL);
        if (!obj || test_driver_start_locked(st, obj, 0, NULL) < 0) {
                domain_list_unlock(st->domains);
                test_state_free(st);
                return NULL;
        }
        domain_list_unlock(st->domains);
        return st;
}

domain_def *test_driver_parse(const char *xml)
{
        g_autoptr(domain_def) def = NULL;

        if (!xml) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_TEST, _("no domain XML given"));
                return NULL;
        }
        def = domain_def_parse(xml, strlen(xml), NULL);
        if (!def)
                return NULL;
        if (def->virt_type != DOMAIN_VIRT_TEST) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_TEST,
                               _("domain '%s': virtualization type '%s' is not supported by the "
                                 "test driver (use <domain type='test'>)"),
                               def->name, domain_enum_name(domain_virt_type_names, def->virt_type));
                return NULL;
        }
        return g_steal_pointer(&def);
}

/* ---- connections ---- */

static drv_conn *test_open(const char *uri, unsigned int flags)
{
        g_autofree char *path = NULL;
        drv_conn *conn;

        if (drv_check_flags(flags, VCTL_CONNECT_RO, _("opening the test driver")) < 0)
                return NULL;
        path = uri ? drv_uri_path(uri) : NULL;
        if (!path || !g_str_equal(path, "/default")) {
                vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_TEST,
                               _("the test driver serves only test:///default, not '%s'"),
                               uri ? uri : "");
                return NULL;
        }
        g_mutex_lock(&test_lock);
        if (!test_shared)
                test_shared = test_state_new();
        if (!test_shared) {
                g_mutex_unlock(&test_lock);
                return NULL;
        }
        test_shared->refs++;
        conn = g_new0(drv_conn, 1);
        conn->st = test_shared;
        g_mutex_unlock(&test_lock);
        return conn;
}

static void test_close(drv_conn *conn)
{
        test_state *dead = NULL;

        if (!conn)
                return;
        domain_event_deregister_owner(conn->st->events, conn);
        g_mutex_lock(&test_lock);
        if (--conn->st->refs == 0) {
                dead = conn->st;
                test_shared = NULL;
        }
        g_mutex_unlock(&test_lock);
        test_state_free(dead);
        g_free(conn);
}

static int test_get_version(drv_conn *conn, unsigned long long *ret_version)
{
        *ret_version = 2;
        return 0;
}

static char *test_get_capabilities(drv_conn *conn)
{
        return test_driver_capabilities();
}

static char *test_get_domain_capabilities(drv_conn *conn, const char *emulatorbin, const char *arch,
                                          const char *machine, const char *virttype,
                                          unsigned int flags)
{
        if (drv_check_flags(flags, 0, _("getting the domain capabilities")) < 0)
                return NULL;
        return test_driver_domain_capabilities(arch, virttype);
}

static int test_node_get_info(drv_conn *conn, vctl_node_info *ret_info)
{
        test_driver_node_info(ret_info);
        return 0;
}

/* ---- lookups ---- */

static int test_list_all_domains(drv_conn *conn, unsigned int flags, GPtrArray **ret)
{
        return domain_list_export(conn->st->domains, flags, ret);
}

static drv_domain *test_lookup_by_name(drv_conn *conn, const char *name)
{
        return domain_list_lookup_by_name(conn->st->domains, name);
}

static drv_domain *test_lookup_by_uuid(drv_conn *conn, const unsigned char uuid[VCTL_UUID_LEN])
{
        return domain_list_lookup_by_uuid(conn->st->domains, uuid);
}

static drv_domain *test_lookup_by_id(drv_conn *conn, int id)
{
        return domain_list_lookup_by_id(conn->st->domains, id);
}

/* ---- definitions ---- */

static drv_domain *test_define_xml(drv_conn *conn, const char *xml, unsigned int flags)
{
        g_autoptr(domain_event_queue) q = domain_event_queue_new();
        g_autoptr(domain_def) def = NULL;
        drv_domain *dom = NULL;
        gboolean existed = FALSE;
        domain_obj *obj;

        if (drv_check_flags(flags, VCTL_DOMAIN_DEFINE_VALIDATE, _("defining a domain")) < 0)
                return NULL;
        def = test_driver_parse(xml);
        if (!def)
                return NULL;
        domain_list_lock(conn->st->domains);
        obj = domain_list_add_locked(conn->st->domains, &def, 0, &existed);
        if (obj) {
                dom = domain_obj_to_drv(obj);
                domain_event_queue_push(q, dom, VCTL_DOMAIN_EVENT_DEFINED,
                                        existed ? VCTL_DOMAIN_EVENT_DEFINED_UPDATED
                                                : VCTL_DOMAIN_EVENT_DEFINED_ADDED);
        }
        domain_list_unlock(conn->st->domains);
        domain_event_queue_flush(q, conn->st->events);
        return dom;
}

static int test_undefine(drv_conn *conn, const drv_domain *dom, unsigned int flags)
{
        g_autoptr(domain_event_queue) q = domain_event_queue_new();
        g_autoptr(drv_domain) ev = NULL;
        domain_obj *obj;
        int r = -1;

        if (drv_check_flags(flags, TEST_UNDEFINE_FLAGS, _("undefining a domain")) < 0)
                return -1;
        domain_list_lock(conn->st->domains);
        obj = domain_list_find_locked(conn->st->domains, dom);
        if (!obj)
                goto out;
        if (!obj->persistent) {
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                               _("domain '%s' is transient; it has no definition to undefine "
                                 "(destroy it to make it go away)"),
                               obj->name);
                goto out;
        }
        ev = domain_obj_to_drv(obj);
        domain_event_queue_push(q, ev, VCTL_DOMAIN_EVENT_UNDEFINED,
                                VCTL_DOMAIN_EVENT_UNDEFINED_REMOVED);
        if (domain_obj_is_active(obj)) {
                /* it runs on as a transient domain */
                g_clear_pointer(&obj->def, domain_def_free);
                obj->persistent = FALSE;
                obj->autostart = FALSE;
        } else {
                domain_list_remove_locked(conn->st->domains, obj);
        }
        r = 0;
out:
        domain_list_unlock(conn->st->domains);
        domain_event_queue_flush(q, conn->st->events);
        return r;
}

/* ---- information ---- */

static char *test_get_xml_desc(drv_conn *conn, const drv_domain *dom, unsigned int flags)
{
        if (drv_check_flags(flags, TEST_XML_FLAGS, _("getting a domain's XML")) < 0)
                return NULL;
        return domain_list_format_xml(conn->st->domains, dom, flags);
}

static int test_get_info(drv_conn *conn, const drv_domain *dom, vctl_domain_info *ret_info)
{
        return domain_list_get_info(conn->st->domains, dom, ret_info);
}

static int test_get_state(drv_conn *conn, const drv_domain *dom, int *ret_state, int *ret_reason)
{
        return domain_list_get_state(conn->st->domains, dom, ret_state, ret_reason);
}

static int test_get_autostart(drv_conn *conn, const drv_domain *dom, int *ret_autostart)
{
        return domain_list_get_autostart(conn->st->domains, dom, ret_autostart);
}

static int test_set_autostart(drv_conn *conn, const drv_domain *dom, int autostart)
{
        domain_obj *obj;
        int r = -1;

        domain_list_lock(conn->st->domains);
        obj = domain_list_find_locked(conn->st->domains, dom);
        if (obj && !obj->persistent) {
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                               _("domain '%s' is transient; only defined domains can start "
                                 "automatically (define it first)"),
                               obj->name);
        } else if (obj) {
                obj->autostart = autostart != 0;
                r = 0;
        }
        domain_list_unlock(conn->st->domains);
        return r;
}

static int test_is_active(drv_conn *conn, const drv_domain *dom)
{
        return domain_list_is_active(conn->st->domains, dom);
}

static int test_is_persistent(drv_conn *conn, const drv_domain *dom)
{
        return domain_list_is_persistent(conn->st->domains, dom);
}

/* ---- events ---- */

static int test_event_register(drv_conn *conn, const drv_domain *dom, drv_domain_event_fn fn,
                               void *opaque, GDestroyNotify free_opaque)
{
        return domain_event_register(conn->st->events, conn, dom, fn, opaque, free_opaque);
}

static int test_event_deregister(drv_conn *conn, int id)
{
        return domain_event_deregister(conn->st->events, conn, id);
}

const vctl_driver vctl_test_driver = {
        .scheme = "test",
        .type = "Test",
        .state_init = NULL,
        .state_cleanup = NULL,
        .open = test_open,
        .close = test_close,
        .get_version = test_get_version,
        .get_capabilities = test_get_capabilities,
        .get_domain_capabilities = test_get_domain_capabilities,
        .node_get_info = test_node_get_info,
        .list_all_domains = test_list_all_domains,
        .lookup_by_name = test_lookup_by_name,
        .lookup_by_uuid = test_lookup_by_uuid,
        .lookup_by_id = test_lookup_by_id,
        .define_xml = test_define_xml,
        .undefine = test_undefine,
        .create_xml = test_driver_create_xml,
        .create = test_driver_create,
        .destroy = test_driver_destroy,
        .shutdown = test_driver_shutdown,
        .reboot = test_driver_reboot,
        .reset = test_driver_reset,
        .suspend = test_driver_suspend,
        .resume = test_driver_resume,
        .get_xml_desc = test_get_xml_desc,
        .get_info = test_get_info,
        .get_state = test_get_state,
        .get_autostart = test_get_autostart,
        .set_autostart = test_set_autostart,
        .is_active = test_is_active,
        .is_persistent = test_is_persistent,
        .open_console = test_driver_open_console,
        .event_register = test_event_register,
        .event_deregister = test_event_deregister,
        .storage = &vctl_storage_test_driver,
        .network = &vctl_test_network_driver,
};
