/* Domain <disk> devices and their backing chains. */
#include "config.h"

#include "domain_priv.h"
#include "lib/util/i18n.h"

#include <string.h>

const char *const domain_disk_type_names[] = {"file", "block", "volume", NULL};
const char *const domain_disk_device_names[] = {"disk", "cdrom", "floppy", "lun", NULL};
const char *const domain_disk_bus_names[] = {"",    "ide",  "scsi", "virtio",
                                             "usb", "sata", "fdc",  NULL};
const char *const domain_disk_format_names[] = {"", "raw", "qcow2", NULL};
const char *const domain_disk_cache_names[] = {"",          "default",    "none",   "writethrough",
                                               "writeback", "directsync", "unsafe", NULL};
const char *const domain_disk_discard_names[] = {"", "unmap", "ignore", NULL};
const char *const domain_disk_io_names[] = {"", "native", "threads", "io_uring", NULL};

static const char *const domain_backing_type_names[] = {"file", "block", NULL};
static const char *const domain_driver_name_names[] = {"qemu", NULL};

static void domain_backing_free(domain_backing *b)
{
        while (b) {
                domain_backing *next = b->next;

                g_free(b->path);
                g_free(b);
                b = next;
        }
}

void domain_disk_free(domain_disk *disk)
{
        if (!disk)
                return;
        g_free(disk->path);
        g_free(disk->pool);
        g_free(disk->volume);
        domain_backing_free(disk->backing);
        g_free(disk->dst);
        g_free(disk->serial);
        g_free(disk->address);
        g_free(disk);
}

/* The path of a <source file=...> or <source dev=...>, or NULL with an error. */
static char *domain_source_path(conf_ctx *ctx, xmlNode *src, domain_disk_type type)
{
        const char *attr = type == DOMAIN_DISK_BLOCK ? "dev" : "file";
        const char *path = conf_attr_req(ctx, src, attr);

        if (path && *path != '/') {
                conf_err(ctx, src, _("%s '%s' in <source> must be an absolute path"), attr, path);
                return NULL;
        }
        return g_strdup(path);
}

static gboolean domain_has_element_child(const xmlNode *node)
{
        for (const xmlNode *c = node->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE)
                        return TRUE;
        return FALSE;
}

static domain_backing *domain_backing_parse(conf_ctx *ctx, xmlNode *node, int depth)
{
        domain_backing *b = g_new0(domain_backing, 1);
        xmlNode *n;
        int v;

        if (!node->properties && !domain_has_element_child(node)) {
                b->empty = TRUE;
                return b;
        }
        if (depth >= DOMAIN_MAX_BACKING_DEPTH) {
                conf_err(ctx, node, _("the backing chain is deeper than the limit of %d"),
                         DOMAIN_MAX_BACKING_DEPTH);
                conf_consume_subtree(node);
                return b;
        }
        v = domain_attr_enum_req(ctx, node, "type", domain_backing_type_names);
        b->type = v < 0 ? DOMAIN_DISK_FILE : v;
        n = conf_child(ctx, node, "format", TRUE);
        if (n) {
                v = domain_attr_enum_req(ctx, n, "type", domain_disk_format_names);
                b->format = v < 0 ? 0 : v;
        }
        n = conf_child(ctx, node, "source", TRUE);
        if (n)
                b->path = domain_source_path(ctx, n, b->type);
        else
                conf_err(ctx, node, _("missing <source> in <backingStore>"));
        n = conf_child(ctx, node, "backingStore", TRUE);
        if (n)
                b->next = domain_backing_parse(ctx, n, depth + 1);
        return b;
}

static void domain_disk_parse_driver(conf_ctx *ctx, xmlNode *node, domain_disk *disk)
{
        xmlNode *d = conf_child(ctx, node, "driver", TRUE);
        int v;

        if (!d)
                return;
        disk->has_driver = TRUE;
        disk->driver_qemu = conf_attr_enum(ctx, d, "name", domain_driver_name_names, -2) == 0;
        v = conf_attr_enum(ctx, d, "type", domain_disk_format_names, 0);
        disk->format = v < 0 ? 0 : v;
        v = conf_attr_enum(ctx, d, "cache", domain_disk_cache_names, 0);
        disk->cache = v < 0 ? 0 : v;
        v = conf_attr_enum(ctx, d, "discard", domain_disk_discard_names, 0);
        disk->discard = v < 0 ? 0 : v;
        v = conf_attr_enum(ctx, d, "io", domain_disk_io_names, 0);
        disk->io = v < 0 ? 0 : v;
}

static void domain_disk_parse_source(conf_ctx *ctx, xmlNode *node, domain_disk *disk)
{
        xmlNode *s = conf_child(ctx, node, "source", TRUE);

        if (!s) {
                if (disk->device == DOMAIN_DISK_DEVICE_DISK ||
                    disk->device == DOMAIN_DISK_DEVICE_LUN)
                        conf_err(ctx, node,
                                 _("disk has no <source> (only a cdrom or floppy may be empty)"));
                return;
        }
        if (disk->type == DOMAIN_DISK_VOLUME) {
                const char *pool = conf_attr_req(ctx, s, "pool");
                const char *vol = conf_attr_req(ctx, s, "volume");

                disk->pool = g_strdup(pool);
                disk->volume = g_strdup(vol);
                return;
        }
        disk->path = domain_source_path(ctx, s, disk->type);
}

/* libvirt's rule: the bus follows from the target name when not written. */
static domain_disk_bus domain_disk_bus_from_dst(const char *dst)
{
        if (g_str_has_prefix(dst, "vd"))
                return DOMAIN_DISK_BUS_VIRTIO;
        if (g_str_has_prefix(dst, "sd"))
                return DOMAIN_DISK_BUS_SCSI;
        if (g_str_has_prefix(dst, "hd"))
                return DOMAIN_DISK_BUS_IDE;
        if (g_str_has_prefix(dst, "fd"))
                return DOMAIN_DISK_BUS_FDC;
        return DOMAIN_DISK_BUS_NONE;
}

static gboolean domain_disk_dst_valid(const char *dst)
{
        static const char *const prefixes[] = {"hd", "sd", "vd", "fd", NULL};
        size_t n = strlen(dst);

        if (n < 3 || n > 6)
                return FALSE;
        for (int i = 0; prefixes[i]; i++) {
                if (!g_str_has_prefix(dst, prefixes[i]))
                        continue;
                for (const char *p = dst + 2; *p; p++)
                        if (*p < 'a' || *p > 'z')
                                return FALSE;
                return TRUE;
        }
        return FALSE;
}

static void domain_disk_parse_target(conf_ctx *ctx, xmlNode *node, domain_disk *disk)
{
        xmlNode *t = conf_child(ctx, node, "target", TRUE);
        const char *dev;
        int bus;

        if (!t) {
                conf_err(ctx, node,
                         _("disk has no <target> (add <target dev='vda' bus='virtio'/>)"));
                return;
        }
        dev = conf_attr_req(ctx, t, "dev");
        bus = conf_attr_enum(ctx, t, "bus", domain_disk_bus_names, 0);
        if (!dev || bus < 0)
                return;
        if (!domain_disk_dst_valid(dev)) {
                conf_err(ctx, t,
                         _("invalid disk target '%s' (expected a name such as 'vda', 'sda', "
                           "'hda' or 'fda')"),
                         dev);
                return;
        }
        disk->dst = g_strdup(dev);
        disk->bus = bus ? (domain_disk_bus)bus : domain_disk_bus_from_dst(dev);
        if (disk->device == DOMAIN_DISK_DEVICE_CDROM && disk->bus == DOMAIN_DISK_BUS_VIRTIO)
                conf_err(ctx, t,
                         _("cdrom '%s' cannot use bus 'virtio' (use 'sata', 'scsi' or 'ide')"),
                         dev);
        if (disk->device == DOMAIN_DISK_DEVICE_FLOPPY && disk->bus != DOMAIN_DISK_BUS_FDC)
                conf_err(ctx, t, _("floppy '%s' must use bus 'fdc'"), dev);
        if (disk->device != DOMAIN_DISK_DEVICE_FLOPPY && disk->bus == DOMAIN_DISK_BUS_FDC)
                conf_err(ctx, t, _("only a floppy may use bus 'fdc' (disk '%s')"), dev);
}

domain_disk *domain_disk_parse(conf_ctx *ctx, xmlNode *node)
{
        domain_disk *disk = g_new0(domain_disk, 1);
        xmlNode *n;
        int v;

        v = conf_attr_enum(ctx, node, "type", domain_disk_type_names, DOMAIN_DISK_FILE);
        disk->type = v < 0 ? 0 : v;
        v = conf_attr_enum(ctx, node, "device", domain_disk_device_names, 0);
        disk->device = v < 0 ? 0 : v;
        domain_disk_parse_driver(ctx, node, disk);
        domain_disk_parse_source(ctx, node, disk);
        n = conf_child(ctx, node, "backingStore", TRUE);
        if (n)
                disk->backing = domain_backing_parse(ctx, n, 0);
        domain_disk_parse_target(ctx, node, disk);
        disk->readonly = conf_child(ctx, node, "readonly", TRUE) != NULL;
        disk->shareable = conf_child(ctx, node, "shareable", TRUE) != NULL;
        disk->serial = conf_child_text(ctx, node, "serial");
        disk->boot_order = domain_boot_order_parse(ctx, node);
        disk->address = domain_address_parse(ctx, node);
        return disk;
}
