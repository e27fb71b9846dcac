#include "config.h"

#include "storage_conf.h"
#include "xml.h"
#include "lib/util/error.h"
#include "lib/util/name.h"
#include "lib/util/num.h"
#include "lib/util/i18n.h"

#include <string.h>

#define STORAGE_PATH_MAX  4095
#define STORAGE_LABEL_MAX 1024

static const char *const vol_formats[] = {"raw", "qcow2", NULL};

const char *vol_format_name(vol_format format)
{
        return format <= VOL_FORMAT_QCOW2 ? vol_formats[format] : "raw";
}

/* ---- shared by pools and volumes ---- */

static void pool_perms_init(pool_perms *perms)
{
        perms->mode = POOL_PERMS_MODE_UNSET;
        perms->owner = POOL_PERMS_ID_UNSET;
        perms->group = POOL_PERMS_ID_UNSET;
        perms->label = NULL;
}

static void pool_perms_clear(pool_perms *perms)
{
        g_clear_pointer(&perms->label, g_free);
}

/* An absolute path from the text of node, without repeated or trailing '/'
 * (as libvirt stores it). NULL (reported) when invalid. */
static char *pool_parse_path(conf_ctx *ctx, xmlNode *node, const char *what)
{
        g_autofree char *t = conf_text(node);
        GString *out;

        if (!*t) {
                /* TRANSLATORS: %s is a field: "pool target path", "backing store path", ... */
                conf_err(ctx, node, _("%s is empty (expected an absolute path)"), what);
                return NULL;
        }
        if (t[0] != '/') {
                conf_err(ctx, node, _("%s '%s' is not an absolute path (it must start with '/')"),
                         what, t);
                return NULL;
        }
        if (strlen(t) > STORAGE_PATH_MAX) {
                conf_err(ctx, node, _("%s is %zu bytes long; the limit is %d"), what, strlen(t),
                         STORAGE_PATH_MAX);
                return NULL;
        }
        for (const char *p = t; *p; p++) {
                if ((unsigned char)*p < 0x20 || *p == 0x7f) {
                        conf_err(ctx, node, _("%s must not contain control characters"), what);
                        return NULL;
                }
        }
        out = g_string_new(NULL);
        for (const char *p = t; *p; p++) {
                if (*p == '/' && out->len > 0 && out->str[out->len - 1] == '/')
                        continue;
                g_string_append_c(out, *p);
        }
        if (out->len > 1 && out->str[out->len - 1] == '/')
                g_string_truncate(out, out->len - 1);
        return g_string_free(out, FALSE);
}

static void pool_parse_id(conf_ctx *ctx, xmlNode *perms, const char *name, unsigned int *ret)
{
        g_autofree char *t = conf_child_text(ctx, perms, name);
        long long v;

        if (!t)
                return;
        /* -1 means "leave as is", as in libvirt */
        if (vctl_parse_ll(t, -1, (long long)G_MAXUINT32 - 1, &v) < 0) {
                conf_err(ctx, conf_first(perms, name),
                         _("invalid %s '%s' in <permissions> (expected a numeric %s id)"), name, t,
                         strcmp(name, "owner") == 0 ? "user" : "group");
                return;
        }
        *ret = v < 0 ? POOL_PERMS_ID_UNSET : (unsigned int)v;
}

static void pool_parse_perms(conf_ctx *ctx, xmlNode *target, pool_perms *perms)
{
        xmlNode *pn = conf_child(ctx, target, "permissions", TRUE);
        g_autofree char *mode = NULL;
        g_autofree char *label = NULL;

        if (!pn)
                return;
        mode = conf_child_text(ctx, pn, "mode");
        if (mode) {
                char *end = NULL;
                guint64 v = g_ascii_strtoull(mode, &end, 8);

                if (!*mode || *end || !g_ascii_isdigit(mode[0]) || v > 0777)
                        conf_err(ctx, conf_first(pn, "mode"),
                                 _("invalid mode '%s' in <permissions> (expected an octal number "
                                   "from 0 to 0777, as in 0755)"),
                                 mode);
                else
                        perms->mode = (unsigned int)v;
        }
        pool_parse_id(ctx, pn, "owner", &perms->owner);
        pool_parse_id(ctx, pn, "group", &perms->group);
        label = conf_child_text(ctx, pn, "label");
        if (label && (!*label || strlen(label) > STORAGE_LABEL_MAX))
                conf_err(ctx, conf_first(pn, "label"),
                         _("<label> in <permissions> must hold 1 to %d bytes"), STORAGE_LABEL_MAX);
        else if (label)
                perms->label = g_steal_pointer(&label);
}

static void pool_format_perms(conf_buf *b, const pool_perms *perms)
{
        if (perms->mode == POOL_PERMS_MODE_UNSET && perms->owner == POOL_PERMS_ID_UNSET &&
            perms->group == POOL_PERMS_ID_UNSET && !perms->label)
                return;
        conf_buf_push(b, "<permissions>");
        if (perms->mode != POOL_PERMS_MODE_UNSET)
                conf_buf_add(b, "<mode>0%o</mode>", perms->mode);
        if (perms->owner != POOL_PERMS_ID_UNSET)
                conf_buf_add(b, "<owner>%u</owner>", perms->owner);
        if (perms->group != POOL_PERMS_ID_UNSET)
                conf_buf_add(b, "<group>%u</group>", perms->group);
        conf_buf_text_elem(b, "label", perms->label);
        conf_buf_pop(b, "</permissions>");
}

static void pool_parse_size(conf_ctx *ctx, xmlNode *root, const char *name, unsigned long long *ret)
{
        conf_child_scaled(ctx, root, name, 1, 1, G_MAXUINT64, ret);
}

/* ---- pools ---- */

void pool_def_free(pool_def *def)
{
        if (!def)
                return;
        g_free(def->name);
        g_free(def->target_path);
        pool_perms_clear(&def->target_perms);
        g_free(def);
}

static void *pool_parse_root(conf_ctx *ctx, xmlNode *root)
{
        pool_def *def = g_new0(pool_def, 1);
        const char *type;
        xmlNode *n;

        pool_perms_init(&def->target_perms);
        def->name = conf_parse_name(ctx, root);
        type = conf_attr(root, "type");
        if (!type)
                conf_err(ctx, root,
                         _("missing attribute 'type' of <pool> (use <pool type='dir'>)"));
        else if (strcmp(type, "dir") != 0) {
                conf_err(ctx, root,
                         _("storage pool type '%s' is not supported (vctl supports only "
                           "'dir')"),
                         type);
                /* the rest describes a kind of pool we do not know: no more noise */
                conf_consume_subtree(root);
                return def;
        }
        def->type = POOL_TYPE_DIR;

        conf_parse_uuid(ctx, root, def->uuid);
        pool_parse_size(ctx, root, "capacity", &def->capacity);
        pool_parse_size(ctx, root, "allocation", &def->allocation);
        pool_parse_size(ctx, root, "available", &def->available);
        /* a directory pool has no source; an empty <source/> is what libvirt writes */
        conf_child(ctx, root, "source", TRUE);

        n = conf_child(ctx, root, "target", TRUE);
        if (!n) {
                conf_err(ctx, root,
                         _("missing <target> in <pool> (a directory pool needs "
                           "<target><path>/var/lib/vctl/images</path></target>)"));
        } else {
                xmlNode *pn = conf_child(ctx, n, "path", TRUE);

                if (!pn)
                        conf_err(ctx, n,
                                 _("missing <path> in the pool's <target> (the directory that "
                                   "holds the volumes)"));
                else
                        def->target_path = pool_parse_path(ctx, pn, _("pool target path"));
                pool_parse_perms(ctx, n, &def->target_perms);
        }
        return def;
}

pool_def *pool_def_parse(const char *xml, size_t len, GPtrArray **ret_issues)
{
        return conf_parse_document(N_("storage pool"), "pool", xml, len, pool_parse_root,
                                   (GDestroyNotify)pool_def_free, ret_issues);
}

char *pool_def_format(const pool_def *def)
{
        conf_buf b;
        char uuid[VCTL_UUID_STRING_LEN];

        conf_buf_init(&b);
        conf_buf_push(&b, "<pool type='dir'>");
        conf_buf_text_elem(&b, "name", def->name);
        conf_buf_text_elem(&b, "uuid", vctl_uuid_format(def->uuid, uuid));
        conf_buf_add(&b, "<capacity unit='bytes'>%llu</capacity>", def->capacity);
        conf_buf_add(&b, "<allocation unit='bytes'>%llu</allocation>", def->allocation);
        conf_buf_add(&b, "<available unit='bytes'>%llu</available>", def->available);
        /* libvirt writes the empty source of a directory pool on two lines */
        conf_buf_push(&b, "<source>");
        conf_buf_pop(&b, "</source>");
        conf_buf_push(&b, "<target>");
        conf_buf_text_elem(&b, "path", def->target_path);
        pool_format_perms(&b, &def->target_perms);
        conf_buf_pop(&b, "</target>");
        conf_buf_pop(&b, "</pool>");
        return conf_buf_steal(&b);
}

/* ---- volumes ---- */

void vol_def_free(vol_def *def)
{
        if (!def)
                return;
        g_free(def->name);
        g_free(def->key);
        g_free(def->target_path);
        pool_perms_clear(&def->target_perms);
        g_free(def->backing_path);
        g_free(def);
}

/* <format type='...'/> under parent; raw when absent. */
static vol_format vol_parse_format(conf_ctx *ctx, xmlNode *parent)
{
        xmlNode *fn = conf_child(ctx, parent, "format", TRUE);
        int f;

        if (!fn)
                return VOL_FORMAT_RAW;
        if (!conf_attr_req(ctx, fn, "type"))
                return VOL_FORMAT_RAW;
        f = conf_attr_enum(ctx, fn, "type", vol_formats, VOL_FORMAT_RAW);
        return f < 0 ? VOL_FORMAT_RAW : (vol_format)f;
}

static void *vol_parse_root(conf_ctx *ctx, xmlNode *root)
{
        vol_def *def = g_new0(vol_def, 1);
        const char *type;
        xmlNode *n;

        pool_perms_init(&def->target_perms);
        def->name = conf_parse_name(ctx, root);
        type = conf_attr(root, "type");
        if (type && strcmp(type, "file") != 0) {
                conf_err(ctx, root,
                         _("storage volume type '%s' is not supported (vctl supports "
                           "only 'file')"),
                         type);
                conf_consume_subtree(root);
                return def;
        }
        def->type = VOL_TYPE_FILE;

        n = conf_child(ctx, root, "key", TRUE);
        if (n) {
                g_autofree char *key = conf_text(n);

                if (!*key || strlen(key) > STORAGE_PATH_MAX)
                        conf_err(ctx, n, _("<key> must hold 1 to %d bytes"), STORAGE_PATH_MAX);
                else
                        def->key = g_steal_pointer(&key);
        }
        if (!conf_child_scaled(ctx, root, "capacity", 1, 1, G_MAXUINT64, &def->capacity) &&
            !conf_first(root, "capacity"))
                conf_err(ctx, root,
                         _("missing <capacity> in <volume> (the volume's size, as in "
                           "<capacity unit='GiB'>10</capacity>)"));
        def->has_allocation =
                conf_child_scaled(ctx, root, "allocation", 1, 1, G_MAXUINT64, &def->allocation);
        /* as libvirt: no allocation means a fully allocated volume */
        if (!def->has_allocation)
                def->allocation = def->capacity;

        n = conf_child(ctx, root, "target", TRUE);
        if (n) {
                xmlNode *pn = conf_child(ctx, n, "path", TRUE);

                if (pn)
                        def->target_path = pool_parse_path(ctx, pn, _("volume target path"));
                def->target_format = vol_parse_format(ctx, n);
                pool_parse_perms(ctx, n, &def->target_perms);
        }
        n = conf_child(ctx, root, "backingStore", TRUE);
        if (n) {
                xmlNode *pn = conf_child(ctx, n, "path", TRUE);

                if (!pn)
                        conf_err(ctx, n,
                                 _("missing <path> in <backingStore> (the image this volume is "
                                   "layered on)"));
                else
                        def->backing_path = pool_parse_path(ctx, pn, _("backing store path"));
                def->backing_format_given = conf_first(n, "format") != NULL;
                def->backing_format = vol_parse_format(ctx, n);
                if (def->target_format != VOL_FORMAT_QCOW2)
                        conf_err(ctx, n,
                                 _("a <backingStore> needs the volume's target format 'qcow2' "
                                   "(a '%s' image cannot have one)"),
                                 vol_format_name(def->target_format));
        }
        return def;
}

vol_def *vol_def_parse(const char *xml, size_t len, GPtrArray **ret_issues)
{
        return conf_parse_document(N_("storage volume"), "volume", xml, len, vol_parse_root,
                                   (GDestroyNotify)vol_def_free, ret_issues);
}

char *vol_def_format(const vol_def *def)
{
        conf_buf b;

        conf_buf_init(&b);
        conf_buf_push(&b, "<volume type='file'>");
        conf_buf_text_elem(&b, "name", def->name);
        conf_buf_text_elem(&b, "key", def->key);
        conf_buf_add(&b, "<capacity unit='bytes'>%llu</capacity>", def->capacity);
        conf_buf_add(&b, "<allocation unit='bytes'>%llu</allocation>", def->allocation);
        conf_buf_push(&b, "<target>");
        conf_buf_text_elem(&b, "path", def->target_path);
        conf_buf_add(&b, "<format type='%s'/>", vol_format_name(def->target_format));
        pool_format_perms(&b, &def->target_perms);
        conf_buf_pop(&b, "</target>");
        if (def->backing_path) {
                conf_buf_push(&b, "<backingStore>");
                conf_buf_text_elem(&b, "path", def->backing_path);
                conf_buf_add(&b, "<format type='%s'/>", vol_format_name(def->backing_format));
                conf_buf_pop(&b, "</backingStore>");
        }
        conf_buf_pop(&b, "</volume>");
        return conf_buf_steal(&b);
}
