/* libvctl's domain calls: handles, lookups, life cycle and state. */
#include "config.h"

#include "lib/libvctl_priv.h"

#include "lib/util/error.h"
#include "lib/util/uuid.h"
#include "lib/util/i18n.h"

#include <string.h>

HANDLE_FUNCS(, vctl_domain, drv_domain, d, drv_domain_free, domain_wrap, vctl_domain_free,
             vctl_domain_list_free)

/* Checks dom and its connection; clears the last error. */
static int dom_check(vctl_domain *dom)
{
        if (!dom) {
                vctl_error_clear();
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE, _("no domain given"));
        }
        return conn_check(dom->conn);
}

static int dom_check_writable(vctl_domain *dom, const char *what)
{
        if (dom_check(dom) < 0)
                return -1;
        if (dom->conn->flags & VCTL_CONNECT_RO)
                return vctl_error_set(VCTL_ERR_OPERATION_DENIED, VCTL_FROM_NONE,
                                      /* TRANSLATORS: %s: a verb ("shut down", "undefine", ...), a
                                         domain name, a URI */
                                      _("cannot %s domain '%s': the connection to '%s' is "
                                        "read-only"),
                                      what, dom->d->name, dom->conn->uri->name);
        return 0;
}

/* ---- lists and lookups ---- */

int handle_uuid_parse(const char *uuid, unsigned char raw[VCTL_UUID_LEN])
{
        if (!uuid || vctl_uuid_parse(uuid, raw) < 0)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("'%s' is not a UUID (32 hexadecimal digits, as in "
                                        "6695eb01-f6a4-8304-79aa-97f2502e193f)"),
                                      uuid ? uuid : "");
        return 0;
}

int vctl_conn_list_all_domains(vctl_conn *conn, vctl_domain ***ret_domains, unsigned int flags)
{
        g_autoptr(GPtrArray) list = NULL;

        if (conn_check(conn) < 0)
                return -1;
        if (CONN_OP(conn, list_all_domains, flags, &list) < 0)
                return -1;
        return domain_wrap_list(conn, list, ret_domains);
}

vctl_domain *vctl_domain_lookup_by_name(vctl_conn *conn, const char *name)
{
        if (conn_check(conn) < 0)
                return NULL;
        if (!name) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE, _("no domain name given"));
                return NULL;
        }
        return domain_wrap(conn, CONN_OP(conn, lookup_by_name, name));
}

vctl_domain *vctl_domain_lookup_by_uuid_string(vctl_conn *conn, const char *uuid)
{
        unsigned char raw[VCTL_UUID_LEN];

        if (conn_check(conn) < 0)
                return NULL;
        if (handle_uuid_parse(uuid, raw) < 0)
                return NULL;
        return domain_wrap(conn, CONN_OP(conn, lookup_by_uuid, raw));
}

vctl_domain *vctl_domain_lookup_by_id(vctl_conn *conn, int id)
{
        if (conn_check(conn) < 0)
                return NULL;
        if (id < 0) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                               _("domain id %d is negative; running domains have ids from 0"), id);
                return NULL;
        }
        return domain_wrap(conn, CONN_OP(conn, lookup_by_id, id));
}

vctl_domain *vctl_domain_define_xml(vctl_conn *conn, const char *xml, unsigned int flags)
{
        if (conn_check(conn) < 0 || conn_check_writable(conn, _("define a domain")) < 0)
                return NULL;
        if (!xml) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE, _("no domain XML given"));
                return NULL;
        }
        return domain_wrap(conn, CONN_OP(conn, define_xml, xml, flags));
}

vctl_domain *vctl_domain_create_xml(vctl_conn *conn, const char *xml, unsigned int flags)
{
        if (conn_check(conn) < 0 || conn_check_writable(conn, _("create a domain")) < 0)
                return NULL;
        if (!xml) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE, _("no domain XML given"));
                return NULL;
        }
        return domain_wrap(conn, CONN_OP(conn, create_xml, xml, flags));
}

/* ---- the handle ---- */

const char *vctl_domain_get_name(const vctl_domain *dom)
{
        return dom ? dom->d->name : NULL;
}

int vctl_domain_get_uuid_string(const vctl_domain *dom, char buf[VCTL_UUID_STRING_BUFLEN])
{
        if (!dom || !buf)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("no domain or buffer given"));
        vctl_uuid_format(dom->d->uuid, buf);
        return 0;
}

int vctl_domain_get_id(const vctl_domain *dom)
{
        return dom ? g_atomic_int_get(&dom->d->id) : -1;
}

/* ---- life cycle ---- */

int vctl_domain_undefine(vctl_domain *dom, unsigned int flags)
{
        if (dom_check_writable(dom, _("undefine")) < 0)
                return -1;
        return CONN_OP(dom->conn, undefine, dom->d, flags) < 0 ? -1 : 0;
}

int vctl_domain_create(vctl_domain *dom, unsigned int flags)
{
        g_autoptr(drv_domain) copy = NULL;

        if (dom_check_writable(dom, _("start")) < 0)
                return -1;
        /* the driver writes the new id into its argument */
        copy = drv_domain_copy(dom->d);
        if (CONN_OP(dom->conn, create, copy, flags) < 0)
                return -1;
        g_atomic_int_set(&dom->d->id, copy->id);
        return 0;
}

int vctl_domain_destroy(vctl_domain *dom, unsigned int flags)
{
        if (dom_check_writable(dom, _("destroy")) < 0)
                return -1;
        if (CONN_OP(dom->conn, destroy, dom->d, flags) < 0)
                return -1;
        g_atomic_int_set(&dom->d->id, -1);
        return 0;
}

int vctl_domain_shutdown(vctl_domain *dom, unsigned int flags)
{
        if (dom_check_writable(dom, _("shut down")) < 0)
                return -1;
        return CONN_OP(dom->conn, shutdown, dom->d, flags) < 0 ? -1 : 0;
}

int vctl_domain_reboot(vctl_domain *dom, unsigned int flags)
{
        if (dom_check_writable(dom, _("reboot")) < 0)
                return -1;
        return CONN_OP(dom->conn, reboot, dom->d, flags) < 0 ? -1 : 0;
}

int vctl_domain_reset(vctl_domain *dom, unsigned int flags)
{
        if (dom_check_writable(dom, _("reset")) < 0)
                return -1;
        return CONN_OP(dom->conn, reset, dom->d, flags) < 0 ? -1 : 0;
}

int vctl_domain_suspend(vctl_domain *dom)
{
        if (dom_check_writable(dom, _("suspend")) < 0)
                return -1;
        return CONN_OP(dom->conn, suspend, dom->d) < 0 ? -1 : 0;
}

int vctl_domain_resume(vctl_domain *dom)
{
        if (dom_check_writable(dom, _("resume")) < 0)
                return -1;
        return CONN_OP(dom->conn, resume, dom->d) < 0 ? -1 : 0;
}

/* ---- state and configuration ---- */

char *vctl_domain_get_xml_desc(vctl_domain *dom, unsigned int flags)
{
        if (dom_check(dom) < 0)
                return NULL;
        if ((flags & VCTL_DOMAIN_XML_SECURE) && (dom->conn->flags & VCTL_CONNECT_RO)) {
                vctl_error_set(VCTL_ERR_OPERATION_DENIED, VCTL_FROM_NONE,
                               _("cannot show the secure XML of domain '%s' on a read-only "
                                 "connection"),
                               dom->d->name);
                return NULL;
        }
        return CONN_OP(dom->conn, get_xml_desc, dom->d, flags);
}

int vctl_domain_get_info(vctl_domain *dom, vctl_domain_info *ret_info)
{
        if (dom_check(dom) < 0)
                return -1;
        if (!ret_info)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("no place given for the information of domain '%s'"),
                                      dom->d->name);
        return CONN_OP(dom->conn, get_info, dom->d, ret_info) < 0 ? -1 : 0;
}

int vctl_domain_get_state(vctl_domain *dom, int *ret_state, int *ret_reason)
{
        int state = 0, reason = 0;

        if (dom_check(dom) < 0)
                return -1;
        if (CONN_OP(dom->conn, get_state, dom->d, &state, &reason) < 0)
                return -1;
        if (ret_state)
                *ret_state = state;
        if (ret_reason)
                *ret_reason = reason;
        return 0;
}

int vctl_domain_get_autostart(vctl_domain *dom, int *ret_autostart)
{
        if (dom_check(dom) < 0)
                return -1;
        if (!ret_autostart)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE,
                                      _("no place given for the autostart flag of domain '%s'"),
                                      dom->d->name);
        return CONN_OP(dom->conn, get_autostart, dom->d, ret_autostart) < 0 ? -1 : 0;
}

int vctl_domain_set_autostart(vctl_domain *dom, int autostart)
{
        if (dom_check_writable(dom, _("change autostart of")) < 0)
                return -1;
        return CONN_OP(dom->conn, set_autostart, dom->d, autostart ? 1 : 0) < 0 ? -1 : 0;
}

int vctl_domain_is_active(vctl_domain *dom)
{
        if (dom_check(dom) < 0)
                return -1;
        return CONN_OP(dom->conn, is_active, dom->d);
}

int vctl_domain_is_persistent(vctl_domain *dom)
{
        if (dom_check(dom) < 0)
                return -1;
        return CONN_OP(dom->conn, is_persistent, dom->d);
}
