/* The QEMU driver (qemu:///system, qemu:///session): persistent domains in
 * CONFIG_DIR/qemu, one QEMU process per running guest (qemu_lifecycle.c). */
#include "config.h"

#include "driver/domain_event.h"
#include "driver/domain_list.h"
#include "driver/driver_priv.h"
#include "driver/network/network_driver.h"
#include "driver/qemu/qemu_console.h"
#include "driver/qemu/qemu_driver.h"
#include "driver/qemu/qemu_lifecycle.h"
#include "driver/qemu/qemu_store.h"
#include "driver/storage/storage_driver.h"
#include "lib/util/error.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <string.h>
#include <unistd.h>

/* libvirt's virDomainUndefineFlags bits; vctl has no managed save,
 * snapshots, NVRAM or checkpoints to remove yet */
#define QEMU_UNDEFINE_FLAGS                                                                        \
        ((1u << 0) | (1u << 1) | VCTL_DOMAIN_UNDEFINE_NVRAM | VCTL_DOMAIN_UNDEFINE_KEEP_NVRAM |    \
         (1u << 4))
#define QEMU_XML_FLAGS (VCTL_DOMAIN_XML_SECURE | VCTL_DOMAIN_XML_INACTIVE | (1u << 2) | (1u << 3))

struct drv_conn {
        qemu_state *st;
};

static GMutex qemu_lock;
static qemu_state *qemu_driver_state; /* under qemu_lock */

void qemu_state_ref(qemu_state *st)
{
        g_atomic_int_inc(&st->refs);
}

void qemu_state_unref(qemu_state *st)
{
        if (!st || !g_atomic_int_dec_and_test(&st->refs))
                return;
        if (st->vms)
                g_hash_table_destroy(st->vms);
        if (st->ev_ctx)
                g_main_context_unref(st->ev_ctx);
        g_free(st->run_dir);
        g_free(st->log_dir);
        domain_list_free(st->domains);
        domain_event_registry_free(st->events);
        drv_consoles_free(st->consoles);
        qemu_store_free(st->store);
        g_free(st);
}

static int qemu_check_def(const domain_def *def)
{
        if (def->virt_type != DOMAIN_VIRT_KVM && def->virt_type != DOMAIN_VIRT_QEMU)
                return vctl_error_set(VCTL_ERR_CONFIG_UNSUPPORTED, VCTL_FROM_QEMU,
                                      _("domain '%s': virtualization type '%s' is not supported "
                                        "by the QEMU driver (use <domain type='kvm'> or "
                                        "<domain type='qemu'>)"),
                                      def->name,
                                      domain_enum_name(domain_virt_type_names, def->virt_type));
        return 0;
}

static domain_def *qemu_parse(const char *xml)
{
        g_autoptr(domain_def) def = NULL;

        if (!xml) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_QEMU, _("no domain XML given"));
                return NULL;
        }
        def = domain_def_parse(xml, strlen(xml), NULL);
        if (!def || qemu_check_def(def) < 0)
                return NULL;
        return g_steal_pointer(&def);
}

/* ---- daemon state ---- */

static int qemu_state_init(const vctl_paths *paths)
{
        qemu_state *st = g_new0(qemu_state, 1);
        int n;

        st->refs = 1;
        st->system = paths->system;
        st->store = qemu_store_new(paths->config_dir);
        st->domains = domain_list_new();
        st->events = domain_event_registry_new();
        st->consoles = drv_consoles_new();
        domain_list_lock(st->domains);
        n = qemu_store_load_locked(st->store, st->domains, qemu_check_def);
        domain_list_unlock(st->domains);
        if (n < 0) {
                qemu_state_unref(st);
                return -1;
        }
        log_debug("QEMU driver: %d domain definition(s) loaded from '%s'", n, st->store->dir);
        g_mutex_lock(&qemu_lock);
        if (qemu_driver_state) {
                g_mutex_unlock(&qemu_lock);
                qemu_state_unref(st);
                return vctl_error_set(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_QEMU,
                                      _("the QEMU driver is already initialized"));
        }
        g_mutex_unlock(&qemu_lock);
        /* under --root, /sys and the module directory are read there too, so
         * a test daemon loads nothing into the host's kernel */
        if (paths->system && geteuid() == 0)
                (void)qemu_modules_load(paths->root, NULL, 0, NULL);
        /* host facts first: taking guests over and autostart need them */
        /* networks before guests: taken-over and autostarted guests use them */
        if (qemu_host_init(paths) < 0 || network_state_init(paths) < 0 ||
            qemu_lifecycle_init(st, paths) < 0) {
                qemu_lifecycle_cleanup(st);
                qemu_state_unref(st);
                return -1;
        }
        g_mutex_lock(&qemu_lock);
        qemu_driver_state = st;
        g_mutex_unlock(&qemu_lock);
        qemu_lifecycle_autostart(st);
        return 0;
}

static void qemu_state_cleanup(void)
{
        qemu_state *st;

        g_mutex_lock(&qemu_lock);
        st = g_steal_pointer(&qemu_driver_state);
        g_mutex_unlock(&qemu_lock);
        /* the guests keep running: the next vctld takes them over */
        if (st)
                qemu_lifecycle_cleanup(st);
        network_state_cleanup();
        qemu_host_cleanup();
        qemu_state_unref(st);
}

/* ---- connections ---- */

static drv_conn *qemu_open(const char *uri, unsigned int flags)
{
        g_autofree char *path = NULL;
        qemu_state *st;
        drv_conn *conn;

        if (drv_check_flags(flags, VCTL_CONNECT_RO, _("opening the QEMU driver")) < 0)
                return NULL;
        path = uri ? drv_uri_path(uri) : NULL;
        if (!path || (!g_str_equal(path, "/system") && !g_str_equal(path, "/session"))) {
                vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_QEMU,
                               _("unknown QEMU URI '%s' (use qemu:///system or qemu:///session)"),
                               uri ? uri : "");
                return NULL;
        }
        g_mutex_lock(&qemu_lock);
        st = qemu_driver_state;
        if (st)
                g_atomic_int_inc(&st->refs);
        g_mutex_unlock(&qemu_lock);
        if (!st) {
                vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_QEMU,
                               _("the QEMU driver does not run in this process (connect to "
                                 "vctld through '%s')"),
                               uri);
                return NULL;
        }
        if (st->system && g_str_equal(path, "/session")) {
                vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_QEMU,
                               _("this vctld serves qemu:///system; connect to qemu:///session "
                                 "for your own guests"));
                qemu_state_unref(st);
                return NULL;
        }
        if (!st->system && g_str_equal(path, "/system")) {
                vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_QEMU,
                               _("this vctld serves qemu:///session; connect to qemu:///system "
                                 "(as root, or as a user polkit allows) for the system's guests"));
                qemu_state_unref(st);
                return NULL;
        }
        conn = g_new0(drv_conn, 1);
        conn->st = st;
        return conn;
}

static void qemu_close(drv_conn *conn)
{
        if (!conn)
                return;
        domain_event_deregister_owner(conn->st->events, conn);
        qemu_state_unref(conn->st);
        g_free(conn);
}

static int qemu_get_version(drv_conn *conn, unsigned long long *ret_version)
{
        *ret_version = qemu_host_version();
        return 0;
}

static char *qemu_get_capabilities(drv_conn *conn)
{
        return qemu_host_capabilities();
}

static char *qemu_get_domain_capabilities(drv_conn *conn, const char *emulatorbin, const char *arch,
                                          const char *machine, const char *virttype,
                                          unsigned int flags)
{
        g_autoptr(qemu_caps) caps = NULL;
        g_autoptr(GPtrArray) firmware = NULL;

        if (drv_check_flags(flags, 0, _("getting the domain capabilities")) < 0)
                return NULL;
        caps = qemu_host_get_caps();
        if (!caps)
                return NULL;
        firmware = qemu_domcaps_firmware(NULL);
        return qemu_domcaps_format(caps, firmware, emulatorbin, arch, machine, virttype);
}

static int qemu_node_get_info(drv_conn *conn, vctl_node_info *ret_info)
{
        return qemu_host_node_info(ret_info) < 0 ? -1 : 0;
}

/* ---- lookups ---- */

static int qemu_list_all_domains(drv_conn *conn, unsigned int flags, GPtrArray **ret)
{
        return domain_list_export(conn->st->domains, flags, ret);
}

static drv_domain *qemu_lookup_by_name(drv_conn *conn, const char *name)
{
        return domain_list_lookup_by_name(conn->st->domains, name);
}

static drv_domain *qemu_lookup_by_uuid(drv_conn *conn, const unsigned char uuid[VCTL_UUID_LEN])
{
        return domain_list_lookup_by_uuid(conn->st->domains, uuid);
}

static drv_domain *qemu_lookup_by_id(drv_conn *conn, int id)
{
        return domain_list_lookup_by_id(conn->st->domains, id);
}

/* ---- definitions ---- */

static drv_domain *qemu_define_xml(drv_conn *conn, const char *xml, unsigned int flags)
{
        g_autoptr(domain_event_queue) q = domain_event_queue_new();
        g_autoptr(domain_def) def = NULL;
        drv_domain *dom = NULL;
        gboolean existed = FALSE;
        domain_obj *obj;

        if (drv_check_flags(flags, VCTL_DOMAIN_DEFINE_VALIDATE, _("defining a domain")) < 0)
                return NULL;
        def = qemu_parse(xml);
        if (!def)
                return NULL;
        domain_list_lock(conn->st->domains);
        /* refuse collisions before the file of another domain is overwritten */
        if (domain_list_check_add_locked(conn->st->domains, def, 0) == 0 &&
            qemu_store_save(conn->st->store, def) == 0) {
                obj = domain_list_add_locked(conn->st->domains, &def, 0, &existed);
                if (obj) {
                        dom = domain_obj_to_drv(obj);
                        domain_event_queue_push(q, dom, VCTL_DOMAIN_EVENT_DEFINED,
                                                existed ? VCTL_DOMAIN_EVENT_DEFINED_UPDATED
                                                        : VCTL_DOMAIN_EVENT_DEFINED_ADDED);
                }
        }
        domain_list_unlock(conn->st->domains);
        domain_event_queue_flush(q, conn->st->events);
        return dom;
}

static int qemu_undefine(drv_conn *conn, const drv_domain *dom, unsigned int flags)
{
        g_autoptr(domain_event_queue) q = domain_event_queue_new();
        g_autoptr(drv_domain) ev = NULL;
        domain_obj *obj;
        int r = -1;

        if (drv_check_flags(flags, QEMU_UNDEFINE_FLAGS, _("undefining a domain")) < 0)
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
        if (qemu_store_delete(conn->st->store, obj->name) < 0)
                goto out;
        ev = domain_obj_to_drv(obj);
        domain_event_queue_push(q, ev, VCTL_DOMAIN_EVENT_UNDEFINED,
                                VCTL_DOMAIN_EVENT_UNDEFINED_REMOVED);
        if (domain_obj_is_active(obj)) {
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

/* ---- lifecycle (qemu_lifecycle.c) ---- */

static drv_domain *qemu_create_xml(drv_conn *conn, const char *xml, unsigned int flags)
{
        domain_def *def;

        if (drv_check_flags(flags, VCTL_DOMAIN_START_PAUSED, _("creating a domain")) < 0)
                return NULL;
        def = qemu_parse(xml);
        if (!def)
                return NULL;
        return qemu_lifecycle_create_xml(conn->st, &def, flags);
}

static int qemu_create(drv_conn *conn, drv_domain *dom, unsigned int flags)
{
        if (drv_check_flags(flags, VCTL_DOMAIN_START_PAUSED, _("starting a domain")) < 0)
                return -1;
        return qemu_lifecycle_create(conn->st, dom, flags);
}

static int qemu_destroy(drv_conn *conn, const drv_domain *dom, unsigned int flags)
{
        if (drv_check_flags(flags, VCTL_DOMAIN_DESTROY_GRACEFUL, _("destroying a domain")) < 0)
                return -1;
        return qemu_lifecycle_destroy(conn->st, dom, flags);
}

static int qemu_shutdown(drv_conn *conn, const drv_domain *dom, unsigned int flags)
{
        if (drv_check_flags(flags, VCTL_DOMAIN_SHUTDOWN_ACPI_POWER_BTN,
                            _("shutting down a domain")) < 0)
                return -1;
        return qemu_lifecycle_shutdown(conn->st, dom);
}

static int qemu_reboot(drv_conn *conn, const drv_domain *dom, unsigned int flags)
{
        if (drv_check_flags(flags, 0x1f, _("rebooting a domain")) < 0)
                return -1;
        return qemu_lifecycle_reboot(conn->st, dom);
}

static int qemu_reset(drv_conn *conn, const drv_domain *dom, unsigned int flags)
{
        if (drv_check_flags(flags, 0, _("resetting a domain")) < 0)
                return -1;
        return qemu_lifecycle_reset(conn->st, dom);
}

static int qemu_suspend(drv_conn *conn, const drv_domain *dom)
{
        return qemu_lifecycle_suspend(conn->st, dom);
}

static int qemu_resume(drv_conn *conn, const drv_domain *dom)
{
        return qemu_lifecycle_resume(conn->st, dom);
}

static int qemu_open_console(drv_conn *conn, const drv_domain *dom, const char *dev_name,
                             unsigned int flags, int *ret_fd)
{
        domain_obj *obj;
        int r = -1;

        if (drv_check_flags(flags, VCTL_DOMAIN_CONSOLE_FORCE | VCTL_DOMAIN_CONSOLE_SAFE,
                            _("opening a console")) < 0)
                return -1;
        domain_list_lock(conn->st->domains);
        obj = domain_list_find_locked(conn->st->domains, dom);
        /* under the domain lock, so a concurrent stop cannot miss the session */
        if (obj && domain_obj_check_active(obj) == 0)
                r = qemu_console_attach(conn->st->consoles, obj->name, obj->uuid, obj->live,
                                        dev_name, flags, ret_fd);
        domain_list_unlock(conn->st->domains);
        return r;
}

/* ---- information ---- */

static char *qemu_get_xml_desc(drv_conn *conn, const drv_domain *dom, unsigned int flags)
{
        if (drv_check_flags(flags, QEMU_XML_FLAGS, _("getting a domain's XML")) < 0)
                return NULL;
        return domain_list_format_xml(conn->st->domains, dom, flags);
}

static int qemu_get_info(drv_conn *conn, const drv_domain *dom, vctl_domain_info *ret_info)
{
        return domain_list_get_info(conn->st->domains, dom, ret_info);
}

static int qemu_get_state(drv_conn *conn, const drv_domain *dom, int *ret_state, int *ret_reason)
{
        return domain_list_get_state(conn->st->domains, dom, ret_state, ret_reason);
}

static int qemu_get_autostart(drv_conn *conn, const drv_domain *dom, int *ret_autostart)
{
        return domain_list_get_autostart(conn->st->domains, dom, ret_autostart);
}

static int qemu_set_autostart(drv_conn *conn, const drv_domain *dom, int autostart)
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
        } else if (obj &&
                   qemu_store_set_autostart(conn->st->store, obj->name, autostart != 0) == 0) {
                obj->autostart = autostart != 0;
                r = 0;
        }
        domain_list_unlock(conn->st->domains);
        return r;
}

static int qemu_is_active(drv_conn *conn, const drv_domain *dom)
{
        return domain_list_is_active(conn->st->domains, dom);
}

static int qemu_is_persistent(drv_conn *conn, const drv_domain *dom)
{
        return domain_list_is_persistent(conn->st->domains, dom);
}

/* ---- events ---- */

static int qemu_event_register(drv_conn *conn, const drv_domain *dom, drv_domain_event_fn fn,
                               void *opaque, GDestroyNotify free_opaque)
{
        return domain_event_register(conn->st->events, conn, dom, fn, opaque, free_opaque);
}

static int qemu_event_deregister(drv_conn *conn, int id)
{
        return domain_event_deregister(conn->st->events, conn, id);
}

const vctl_driver vctl_qemu_driver = {
        .scheme = "qemu",
        .type = "QEMU",
        .state_init = qemu_state_init,
        .state_cleanup = qemu_state_cleanup,
        .open = qemu_open,
        .close = qemu_close,
        .get_version = qemu_get_version,
        .get_capabilities = qemu_get_capabilities,
        .get_domain_capabilities = qemu_get_domain_capabilities,
        .node_get_info = qemu_node_get_info,
        .list_all_domains = qemu_list_all_domains,
        .lookup_by_name = qemu_lookup_by_name,
        .lookup_by_uuid = qemu_lookup_by_uuid,
        .lookup_by_id = qemu_lookup_by_id,
        .define_xml = qemu_define_xml,
        .undefine = qemu_undefine,
        .create_xml = qemu_create_xml,
        .create = qemu_create,
        .destroy = qemu_destroy,
        .shutdown = qemu_shutdown,
        .reboot = qemu_reboot,
        .reset = qemu_reset,
        .suspend = qemu_suspend,
        .resume = qemu_resume,
        .open_console = qemu_open_console,
        .get_xml_desc = qemu_get_xml_desc,
        .get_info = qemu_get_info,
        .get_state = qemu_get_state,
        .get_autostart = qemu_get_autostart,
        .set_autostart = qemu_set_autostart,
        .is_active = qemu_is_active,
        .is_persistent = qemu_is_persistent,
        .event_register = qemu_event_register,
        .event_deregister = qemu_event_deregister,
        .storage = &vctl_storage_dir_driver,
        .network = &vctl_bridge_network_driver,
};
