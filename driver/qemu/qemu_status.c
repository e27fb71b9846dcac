/* The status file of a running guest: format, parse, save, load. */
#include "config.h"

#include "driver/qemu/qemu_status.h"
#include "conf/xml.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/vctl.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <libxml/tree.h>
#include <string.h>

/* the live definition plus a line of attributes */
#define QEMU_STATUS_MAX_SIZE (CONF_XML_MAX_SIZE + 4096)

/* libvirt's names in its own status files (virDomainState) */
static const char *const qemu_status_states[] = {
        [VCTL_DOMAIN_NOSTATE] = "nostate",   [VCTL_DOMAIN_RUNNING] = "running",
        [VCTL_DOMAIN_BLOCKED] = "blocked",   [VCTL_DOMAIN_PAUSED] = "paused",
        [VCTL_DOMAIN_SHUTDOWN] = "shutdown", [VCTL_DOMAIN_SHUTOFF] = "shutoff",
        [VCTL_DOMAIN_CRASHED] = "crashed",   [VCTL_DOMAIN_PMSUSPENDED] = "pmsuspended",
};

void qemu_owner_free(qemu_owner *owner)
{
        if (!owner)
                return;
        g_free(owner->path);
        g_free(owner);
}

void qemu_status_free(qemu_status *status)
{
        if (!status)
                return;
        if (status->owners)
                g_ptr_array_unref(status->owners);
        g_free(status->monitor);
        domain_def_free(status->live);
        g_free(status);
}

const char *qemu_status_state_name(int state)
{
        if (state < 0 || state >= (int)G_N_ELEMENTS(qemu_status_states))
                return NULL;
        return qemu_status_states[state];
}

char *qemu_status_format(const qemu_status *status)
{
        g_autofree char *def = domain_def_format(status->live);
        g_autofree char *monitor = g_markup_escape_text(status->monitor, -1);
        const char *state = qemu_status_state_name(status->state);
        g_autoptr(GString) owners = g_string_new(NULL);

        if (!def || !state) {
                vctl_error_set(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_QEMU,
                               _("cannot format the status of domain '%s'"), status->live->name);
                return NULL;
        }
        for (guint i = 0; status->owners && i < status->owners->len; i++) {
                const qemu_owner *o = g_ptr_array_index(status->owners, i);
                g_autofree char *path = g_markup_escape_text(o->path, -1);

                g_string_append_printf(owners,
                                       "<owner path='%s' uid='%u' gid='%u' mode='%04o' "
                                       "as-uid='%u' as-gid='%u' as-mode='%04o'/>\n",
                                       path, (unsigned)o->uid, (unsigned)o->gid, (unsigned)o->mode,
                                       (unsigned)o->as_uid, (unsigned)o->as_gid,
                                       (unsigned)o->as_mode);
        }
        return g_strdup_printf(
                "<domstatus state='%s' reason='%d' pid='%d' starttime='%" G_GUINT64_FORMAT
                "' monitor='%s' id='%d'>\n%s%s</domstatus>\n",
                state, status->reason, (int)status->pid, status->start_time, monitor, status->id,
                def, owners->str);
}

static int qemu_status_number_base(xmlNode *root, const char *attr, guint base, guint64 max,
                                   guint64 *ret, const char *what)
{
        g_autofree char *v = (char *)xmlGetProp(root, (const xmlChar *)attr);
        guint64 n;

        if (!v || !g_ascii_string_to_unsigned(v, base, 0, max, &n, NULL))
                return vctl_error_set(VCTL_ERR_XML_ERROR, VCTL_FROM_QEMU,
                                      _("status file '%s': attribute '%s' of <%s> is missing "
                                        "or not a number"),
                                      what, attr, (const char *)root->name);
        *ret = n;
        return 0;
}

static int qemu_status_number(xmlNode *root, const char *attr, guint64 max, guint64 *ret,
                              const char *what)
{
        return qemu_status_number_base(root, attr, 10, max, ret, what);
}

/* <owner path uid gid mode as-uid as-gid as-mode/> */
static int qemu_status_parse_owner(xmlNode *node, GPtrArray *owners, const char *what)
{
        g_autofree char *path = (char *)xmlGetProp(node, (const xmlChar *)"path");
        guint64 uid, gid, mode, as_uid, as_gid, as_mode;
        qemu_owner *o;

        if (!path || *path != '/')
                return vctl_error_set(VCTL_ERR_XML_ERROR, VCTL_FROM_QEMU,
                                      _("status file '%s': an <owner> has no absolute path"), what);
        if (qemu_status_number(node, "uid", G_MAXUINT32 - 1, &uid, what) < 0 ||
            qemu_status_number(node, "gid", G_MAXUINT32 - 1, &gid, what) < 0 ||
            qemu_status_number_base(node, "mode", 8, 07777, &mode, what) < 0 ||
            qemu_status_number(node, "as-uid", G_MAXUINT32 - 1, &as_uid, what) < 0 ||
            qemu_status_number(node, "as-gid", G_MAXUINT32 - 1, &as_gid, what) < 0 ||
            qemu_status_number_base(node, "as-mode", 8, 07777, &as_mode, what) < 0)
                return -1;
        o = g_new0(qemu_owner, 1);
        o->path = g_steal_pointer(&path);
        o->uid = (uid_t)uid;
        o->gid = (gid_t)gid;
        o->mode = (mode_t)mode;
        o->as_uid = (uid_t)as_uid;
        o->as_gid = (gid_t)as_gid;
        o->as_mode = (mode_t)as_mode;
        g_ptr_array_add(owners, o);
        return 0;
}

qemu_status *qemu_status_parse(const char *xml, size_t len, const char *what)
{
        g_autoptr(qemu_status) status = g_new0(qemu_status, 1);
        g_autofree char *state = NULL;
        g_autofree char *monitor = NULL;
        xmlBuffer *buf = NULL;
        xmlNode *root, *child;
        conf_ctx ctx;
        xmlDoc *doc;
        guint64 n;
        int r = -1;

        conf_ctx_init(&ctx, "status");
        doc = conf_xml_read(&ctx, xml, len);
        conf_ctx_clear(&ctx);
        if (!doc) {
                vctl_error_set(VCTL_ERR_XML_ERROR, VCTL_FROM_QEMU,
                               _("status file '%s' is not well-formed XML"), what);
                return NULL;
        }
        root = xmlDocGetRootElement(doc);
        if (!root || !xmlStrEqual(root->name, (const xmlChar *)"domstatus")) {
                vctl_error_set(VCTL_ERR_XML_ERROR, VCTL_FROM_QEMU,
                               _("status file '%s' has no <domstatus> root"), what);
                goto out;
        }
        state = (char *)xmlGetProp(root, (const xmlChar *)"state");
        status->state = -1;
        for (guint i = 0; state && i < G_N_ELEMENTS(qemu_status_states); i++)
                if (qemu_status_states[i] && g_str_equal(state, qemu_status_states[i]))
                        status->state = (int)i;
        if (status->state < 0) {
                vctl_error_set(VCTL_ERR_XML_ERROR, VCTL_FROM_QEMU,
                               _("status file '%s': unknown state '%s'"), what, state ? state : "");
                goto out;
        }
        if (qemu_status_number(root, "reason", G_MAXINT, &n, what) < 0)
                goto out;
        status->reason = (int)n;
        if (qemu_status_number(root, "pid", G_MAXINT, &n, what) < 0)
                goto out;
        status->pid = (pid_t)n;
        if (qemu_status_number(root, "starttime", G_MAXUINT64, &status->start_time, what) < 0)
                goto out;
        if (qemu_status_number(root, "id", G_MAXINT, &n, what) < 0)
                goto out;
        status->id = (int)n;
        monitor = (char *)xmlGetProp(root, (const xmlChar *)"monitor");
        if (!monitor || *monitor != '/') {
                vctl_error_set(VCTL_ERR_XML_ERROR, VCTL_FROM_QEMU,
                               _("status file '%s': no absolute monitor path"), what);
                goto out;
        }
        status->monitor = g_strdup(monitor);
        for (child = root->children; child; child = child->next)
                if (child->type == XML_ELEMENT_NODE)
                        break;
        if (!child || !xmlStrEqual(child->name, (const xmlChar *)"domain")) {
                vctl_error_set(VCTL_ERR_XML_ERROR, VCTL_FROM_QEMU,
                               _("status file '%s' holds no <domain>"), what);
                goto out;
        }
        buf = xmlBufferCreate();
        if (!buf || xmlNodeDump(buf, doc, child, 0, 0) < 0) {
                vctl_error_set(VCTL_ERR_NO_MEMORY, VCTL_FROM_QEMU,
                               _("status file '%s': cannot copy its <domain>"), what);
                goto out;
        }
        status->live = domain_def_parse((const char *)xmlBufferContent(buf),
                                        (size_t)xmlBufferLength(buf), NULL);
        if (!status->live)
                goto out;
        status->owners = g_ptr_array_new_with_free_func((GDestroyNotify)qemu_owner_free);
        for (child = child->next; child; child = child->next)
                if (child->type == XML_ELEMENT_NODE &&
                    xmlStrEqual(child->name, (const xmlChar *)"owner") &&
                    qemu_status_parse_owner(child, status->owners, what) < 0)
                        goto out;
        r = 0;
out:
        if (buf)
                xmlBufferFree(buf);
        xmlFreeDoc(doc);
        return r < 0 ? NULL : g_steal_pointer(&status);
}

int qemu_status_save(const char *path, const qemu_status *status)
{
        g_autofree char *xml = qemu_status_format(status);

        if (!xml)
                return -EINVAL;
        return vctl_file_write_atomic(path, xml, strlen(xml), 0600);
}

qemu_status *qemu_status_load(const char *path)
{
        g_autofree char *xml = NULL;
        size_t len;

        if (vctl_file_read_bounded(path, QEMU_STATUS_MAX_SIZE, &xml, &len) < 0)
                return NULL;
        return qemu_status_parse(xml, len, path);
}
