/* The test driver's lifecycle: start, stop, pause, as a real hypervisor
 * reports them (states, reasons and events with libvirt's numbers). */
#include "config.h"

#include "driver/driver_priv.h"
#include "driver/test/test_driver.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

/* Runs an inactive obj: copies the config into the live definition unless
 * one is set (create_xml), gives it an id and queues the events. */
int test_driver_start_locked(test_state *st, domain_obj *obj, unsigned int flags,
                             domain_event_queue *q)
{
        g_autoptr(drv_domain) ev = NULL;

        if (!obj->live) {
                obj->live = drv_domain_def_copy(obj->def);
                if (!obj->live)
                        return -1;
        }
        domain_obj_set_running(obj, domain_list_alloc_id_locked(st->domains), VCTL_DOMAIN_RUNNING,
                               VCTL_DOMAIN_RUNNING_BOOTED);
        ev = domain_obj_to_drv(obj);
        if (q)
                domain_event_queue_push(q, ev, VCTL_DOMAIN_EVENT_STARTED,
                                        VCTL_DOMAIN_EVENT_STARTED_BOOTED);
        if (flags & VCTL_DOMAIN_START_PAUSED) {
                domain_obj_set_state(obj, VCTL_DOMAIN_PAUSED, VCTL_DOMAIN_PAUSED_USER);
                if (q)
                        domain_event_queue_push(q, ev, VCTL_DOMAIN_EVENT_SUSPENDED,
                                                VCTL_DOMAIN_EVENT_SUSPENDED_PAUSED);
        }
        return 0;
}

/* Shuts obj off with reason, queueing event/detail (id -1 in the event,
 * as after the stop). Frees a transient obj. */
static void test_stop_locked(test_state *st, domain_obj *obj, int reason, int event, int detail,
                             domain_event_queue *q)
{
        g_autoptr(drv_domain) ev = domain_obj_to_drv(obj);

        ev->id = -1;
        /* its console clients see the end of the stream */
        drv_consoles_close_domain(st->consoles, obj->uuid);
        domain_obj_set_shutoff(st->domains, obj, reason);
        domain_event_queue_push(q, ev, event, detail);
}

/* A guest that powered itself off: SHUTDOWN/FINISHED, then STOPPED/SHUTDOWN. */
static void test_shutdown_locked(test_state *st, domain_obj *obj, domain_event_queue *q)
{
        g_autoptr(drv_domain) ev = domain_obj_to_drv(obj);

        domain_event_queue_push(q, ev, VCTL_DOMAIN_EVENT_SHUTDOWN,
                                VCTL_DOMAIN_EVENT_SHUTDOWN_FINISHED);
        test_stop_locked(st, obj, VCTL_DOMAIN_SHUTOFF_SHUTDOWN, VCTL_DOMAIN_EVENT_STOPPED,
                         VCTL_DOMAIN_EVENT_STOPPED_SHUTDOWN, q);
}

/* Finds dom, runs op on it under the lock, then emits what op queued. */
typedef int (*test_op_fn)(test_state *st, domain_obj *obj, unsigned int flags,
                          domain_event_queue *q);

static int test_with_domain(drv_conn *conn, const drv_domain *dom, unsigned int flags,
                            test_op_fn op)
{
        g_autoptr(domain_event_queue) q = domain_event_queue_new();
        domain_obj *obj;
        int r = -1;

        domain_list_lock(conn->st->domains);
        obj = domain_list_find_locked(conn->st->domains, dom);
        if (obj)
                r = op(conn->st, obj, flags, q);
        domain_list_unlock(conn->st->domains);
        domain_event_queue_flush(q, conn->st->events);
        return r;
}

static int test_op_create(test_state *st, domain_obj *obj, unsigned int flags,
                          domain_event_queue *q)
{
        if (domain_obj_check_inactive(obj) < 0)
                return -1;
        return test_driver_start_locked(st, obj, flags, q);
}

int test_driver_create(drv_conn *conn, drv_domain *dom, unsigned int flags)
{
        g_autoptr(domain_event_queue) q = domain_event_queue_new();
        domain_obj *obj;
        int r = -1;

        if (drv_check_flags(flags, VCTL_DOMAIN_START_PAUSED, _("starting a domain")) < 0)
                return -1;
        domain_list_lock(conn->st->domains);
        obj = domain_list_find_locked(conn->st->domains, dom);
        if (obj)
                r = test_op_create(conn->st, obj, flags, q);
        if (r == 0)
                dom->id = obj->id; /* the caller's handle learns the id */
        domain_list_unlock(conn->st->domains);
        domain_event_queue_flush(q, conn->st->events);
        return r;
}

drv_domain *test_driver_create_xml(drv_conn *conn, const char *xml, unsigned int flags)
{
        g_autoptr(domain_event_queue) q = domain_event_queue_new();
        g_autoptr(domain_def) def = NULL;
        drv_domain *dom = NULL;
        domain_obj *obj;

        if (drv_check_flags(flags, VCTL_DOMAIN_START_PAUSED, _("creating a domain")) < 0)
                return NULL;
        def = test_driver_parse(xml);
        if (!def)
                return NULL;
        domain_list_lock(conn->st->domains);
        obj = domain_list_add_locked(conn->st->domains, &def, DOMAIN_LIST_ADD_LIVE, NULL);
        if (obj) {
                if (test_driver_start_locked(conn->st, obj, flags, q) == 0)
                        dom = domain_obj_to_drv(obj);
                else if (!obj->persistent)
                        domain_list_remove_locked(conn->st->domains, obj);
                else
                        g_clear_pointer(&obj->live, domain_def_free);
        }
        domain_list_unlock(conn->st->domains);
        domain_event_queue_flush(q, conn->st->events);
        return dom;
}

static int test_op_destroy(test_state *st, domain_obj *obj, unsigned int flags,
                           domain_event_queue *q)
{
        if (domain_obj_check_active(obj) < 0)
                return -1;
        test_stop_locked(st, obj, VCTL_DOMAIN_SHUTOFF_DESTROYED, VCTL_DOMAIN_EVENT_STOPPED,
                         VCTL_DOMAIN_EVENT_STOPPED_DESTROYED, q);
        return 0;
}

int test_driver_destroy(drv_conn *conn, const drv_domain *dom, unsigned int flags)
{
        if (drv_check_flags(flags, VCTL_DOMAIN_DESTROY_GRACEFUL, _("destroying a domain")) < 0)
                return -1;
        return test_with_domain(conn, dom, flags, test_op_destroy);
}

static int test_op_shutdown(test_state *st, domain_obj *obj, unsigned int flags,
                            domain_event_queue *q)
{
        if (domain_obj_check_active(obj) < 0)
                return -1;
        /* the pretend guest obeys at once */
        test_shutdown_locked(st, obj, q);
        return 0;
}

int test_driver_shutdown(drv_conn *conn, const drv_domain *dom, unsigned int flags)
{
        if (drv_check_flags(flags, VCTL_DOMAIN_SHUTDOWN_ACPI_POWER_BTN,
                            _("shutting down a domain")) < 0)
                return -1;
        return test_with_domain(conn, dom, flags, test_op_shutdown);
}

static int test_op_reboot(test_state *st, domain_obj *obj, unsigned int flags,
                          domain_event_queue *q)
{
        if (domain_obj_check_active(obj) < 0)
                return -1;
        /* <on_reboot>destroy</on_reboot> turns a reboot into a power-off */
        if (obj->live && obj->live->on_reboot == DOMAIN_LIFECYCLE_DESTROY) {
                test_shutdown_locked(st, obj, q);
                return 0;
        }
        if (obj->state == VCTL_DOMAIN_RUNNING)
                domain_obj_set_state(obj, VCTL_DOMAIN_RUNNING, VCTL_DOMAIN_RUNNING_BOOTED);
        return 0;
}

int test_driver_reboot(drv_conn *conn, const drv_domain *dom, unsigned int flags)
{
        /* libvirt's virDomainRebootFlagValues: default, ACPI, guest agent, initctl, signal,
         * paravirt */
        if (drv_check_flags(flags, 0x1f, _("rebooting a domain")) < 0)
                return -1;
        return test_with_domain(conn, dom, flags, test_op_reboot);
}

static int test_op_reset(test_state *st, domain_obj *obj, unsigned int flags, domain_event_queue *q)
{
        return domain_obj_check_active(obj);
}

int test_driver_reset(drv_conn *conn, const drv_domain *dom, unsigned int flags)
{
        if (drv_check_flags(flags, 0, _("resetting a domain")) < 0)
                return -1;
        return test_with_domain(conn, dom, flags, test_op_reset);
}

static int test_op_suspend(test_state *st, domain_obj *obj, unsigned int flags,
                           domain_event_queue *q)
{
        g_autoptr(drv_domain) ev = NULL;

        if (domain_obj_check_active(obj) < 0)
                return -1;
        if (obj->state == VCTL_DOMAIN_PAUSED)
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                                      _("domain '%s' is already paused"), obj->name);
        domain_obj_set_state(obj, VCTL_DOMAIN_PAUSED, VCTL_DOMAIN_PAUSED_USER);
        ev = domain_obj_to_drv(obj);
        domain_event_queue_push(q, ev, VCTL_DOMAIN_EVENT_SUSPENDED,
                                VCTL_DOMAIN_EVENT_SUSPENDED_PAUSED);
        return 0;
}

int test_driver_suspend(drv_conn *conn, const drv_domain *dom)
{
        return test_with_domain(conn, dom, 0, test_op_suspend);
}

static int test_op_resume(test_state *st, domain_obj *obj, unsigned int flags,
                          domain_event_queue *q)
{
        g_autoptr(drv_domain) ev = NULL;

        if (domain_obj_check_active(obj) < 0)
                return -1;
        if (obj->state != VCTL_DOMAIN_PAUSED)
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                                      _("domain '%s' is not paused"), obj->name);
        domain_obj_set_state(obj, VCTL_DOMAIN_RUNNING, VCTL_DOMAIN_RUNNING_UNPAUSED);
        ev = domain_obj_to_drv(obj);
        domain_event_queue_push(q, ev, VCTL_DOMAIN_EVENT_RESUMED,
                                VCTL_DOMAIN_EVENT_RESUMED_UNPAUSED);
        return 0;
}

int test_driver_resume(drv_conn *conn, const drv_domain *dom)
{
        return test_with_domain(conn, dom, 0, test_op_resume);
}
