/* Domain <devices>: the walk over them, controllers, interfaces, character
 * devices and inputs. Disks are in domain_disk.c, graphics and the rest in
 * domain_display.c. */
#include "config.h"

#include "domain_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

const char *const domain_controller_type_names[] = {"ide",  "fdc",           "scsi", "sata", "usb",
                                                    "ccid", "virtio-serial", "pci",  NULL};
const char *const domain_net_type_names[] = {"network", "bridge",   "user",
                                             "direct",  "ethernet", NULL};
const char *const domain_macvtap_mode_names[] = {"",        "vepa",        "bridge",
                                                 "private", "passthrough", NULL};
const char *const domain_net_model_names[] = {"",         "virtio", "e1000",   "e1000e", "rtl8139",
                                              "ne2k_pci", "pcnet",  "vmxnet3", NULL};
const char *const domain_chr_type_names[] = {"pty", "file", "unix", "null", "spicevmc", NULL};
const char *const domain_chr_mode_names[] = {"", "bind", "connect", NULL};
const char *const domain_chr_target_names[] = {"",       "isa-serial", "usb-serial", "pci-serial",
                                               "serial", "virtio",     NULL};
const char *const domain_input_type_names[] = {"tablet", "mouse", "keyboard", NULL};
const char *const domain_input_bus_names[] = {"", "usb", "ps2", "virtio", NULL};

/* The models libvirt knows for each controller type, by domain_controller_type. */
static const char *const domain_ctrl_models_ide[] = {"piix3", "piix4", "ich6", NULL};
static const char *const domain_ctrl_models_scsi[] = {"auto",
                                                      "buslogic",
                                                      "lsilogic",
                                                      "lsisas1068",
                                                      "vmpvscsi",
                                                      "ibmvscsi",
                                                      "virtio-scsi",
                                                      "lsisas1078",
                                                      "virtio-transitional",
                                                      "virtio-non-transitional",
                                                      "ncr53c90",
                                                      "am53c974",
                                                      "dc390",
                                                      NULL};
static const char *const domain_ctrl_models_usb[] = {
        "piix3-uhci", "piix4-uhci", "ehci",           "ich9-ehci1", "ich9-uhci1",
        "ich9-uhci2", "ich9-uhci3", "vt82c686b-uhci", "pci-ohci",   "nec-xhci",
        "qusb1",      "qusb2",      "qemu-xhci",      "none",       NULL};
static const char *const domain_ctrl_models_vserial[] = {"virtio", "virtio-transitional",
                                                         "virtio-non-transitional", NULL};
static const char *const domain_ctrl_models_pci[] = {"pci-root",
                                                     "pcie-root",
                                                     "pci-bridge",
                                                     "dmi-to-pci-bridge",
                                                     "pcie-root-port",
                                                     "pcie-switch-upstream-port",
                                                     "pcie-switch-downstream-port",
                                                     "pci-expander-bus",
                                                     "pcie-expander-bus",
                                                     "pcie-to-pci-bridge",
                                                     NULL};
static const char *const domain_ctrl_models_none[] = {NULL};
static const char *const *const domain_ctrl_models[] = {
        [DOMAIN_CTRL_IDE] = domain_ctrl_models_ide,
        [DOMAIN_CTRL_FDC] = domain_ctrl_models_none,
        [DOMAIN_CTRL_SCSI] = domain_ctrl_models_scsi,
        [DOMAIN_CTRL_SATA] = domain_ctrl_models_none,
        [DOMAIN_CTRL_USB] = domain_ctrl_models_usb,
        [DOMAIN_CTRL_CCID] = domain_ctrl_models_none,
        [DOMAIN_CTRL_VIRTIO_SERIAL] = domain_ctrl_models_vserial,
        [DOMAIN_CTRL_PCI] = domain_ctrl_models_pci,
};
static const char *const domain_ctrl_children[] = {"master", "target",  "model",
                                                   "driver", "address", NULL};
static const char *const domain_serial_models[] = {"isa-serial", "usb-serial", "pci-serial",
                                                   "16550a",     "pl011",      NULL};

/* ---- lifetime ---- */

static void domain_controller_free(domain_controller *c)
{
        if (!c)
                return;
        g_free(c->model);
        g_ptr_array_unref(c->children);
        g_free(c);
}

static void domain_net_free(domain_net *n)
{
        if (!n)
                return;
        g_free(n->network);
        g_free(n->bridge);
        g_free(n->dev);
        g_free(n->target_dev);
        g_free(n->address);
        g_free(n);
}

static void domain_chr_free(domain_chr *c)
{
        if (!c)
                return;
        g_free(c->path);
        g_free(c->target_name);
        g_free(c->target_model);
        g_free(c->address);
        g_free(c);
}

static void domain_input_free(domain_input *i)
{
        if (!i)
                return;
        g_free(i->address);
        g_free(i);
}

#define DOMAIN_ARRAY(fn) g_ptr_array_new_with_free_func((GDestroyNotify)(fn))

void domain_devices_init(domain_devices *d)
{
        d->disks = DOMAIN_ARRAY(domain_disk_free);
        d->controllers = DOMAIN_ARRAY(domain_controller_free);
        d->nets = DOMAIN_ARRAY(domain_net_free);
        d->serials = DOMAIN_ARRAY(domain_chr_free);
        d->consoles = DOMAIN_ARRAY(domain_chr_free);
        d->channels = DOMAIN_ARRAY(domain_chr_free);
        d->inputs = DOMAIN_ARRAY(domain_input_free);
        d->tpms = DOMAIN_ARRAY(g_free);
        d->graphics = DOMAIN_ARRAY(domain_graphics_free);
        d->sounds = DOMAIN_ARRAY(domain_sound_free);
        d->videos = DOMAIN_ARRAY(domain_video_free);
        d->redirdevs = DOMAIN_ARRAY(domain_redirdev_free);
        d->rngs = DOMAIN_ARRAY(domain_rng_free);
}

void domain_devices_clear(domain_devices *d)
{
        GPtrArray **arrays[] = {&d->disks,    &d->controllers, &d->nets, &d->serials,  &d->consoles,
                                &d->channels, &d->inputs,      &d->tpms, &d->graphics, &d->sounds,
                                &d->videos,   &d->redirdevs,   &d->rngs};

        g_clear_pointer(&d->emulator, g_free);
        for (size_t i = 0; i < G_N_ELEMENTS(arrays); i++)
                g_clear_pointer(arrays[i], g_ptr_array_unref);
        g_clear_pointer(&d->watchdog, domain_watchdog_free);
        g_clear_pointer(&d->memballoon, domain_memballoon_free);
}

/* ---- controllers ---- */

static gboolean domain_in_list(const char *const *list, const char *v)
{
        for (int i = 0; list[i]; i++)
                if (strcmp(list[i], v) == 0)
                        return TRUE;
        return FALSE;
}

static void domain_controller_model(conf_ctx *ctx, xmlNode *node, domain_controller *c)
{
        const char *const *models = domain_ctrl_models[c->type];
        const char *model = conf_attr(node, "model");
        g_autoptr(GString) allowed = NULL;

        if (!model)
                return;
        if (domain_in_list(models, model)) {
                c->model = g_strdup(model);
                return;
        }
        allowed = g_string_new(NULL);
        for (int i = 0; models[i]; i++)
                g_string_append_printf(allowed, "%s'%s'", i ? ", " : "", models[i]);
        if (!models[0])
                conf_err(ctx, node, _("a controller of type '%s' takes no model (found '%s')"),
                         domain_controller_type_names[c->type], model);
        else
                conf_err(ctx, node,
                         _("invalid model '%s' for a controller of type '%s' (expected one of %s)"),
                         model, domain_controller_type_names[c->type], allowed->str);
}

static domain_controller *domain_controller_parse(conf_ctx *ctx, xmlNode *node)
{
        domain_controller *c;
        int type = domain_attr_enum_req(ctx, node, "type", domain_controller_type_names);

        if (type < 0)
                return NULL;
        c = g_new0(domain_controller, 1);
        c->type = type;
        c->index = c->ports = c->vectors = -1;
        c->children = g_ptr_array_new_with_free_func(g_free);
        domain_controller_model(ctx, node, c);
        domain_attr_int(ctx, node, "index", 0, 255, &c->index);
        domain_attr_int(ctx, node, "ports", 0, 255, &c->ports);
        domain_attr_int(ctx, node, "vectors", 0, 1024, &c->vectors);
        /* children are kept as written; each kind only once, like libvirt */
        for (int i = 0; domain_ctrl_children[i]; i++) {
                xmlNode *child = conf_child(ctx, node, domain_ctrl_children[i], TRUE);

                if (child)
                        g_ptr_array_add(c->children, domain_verbatim(child));
        }
        return c;
}

/* ---- interfaces ---- */

static int domain_hex(char c)
{
        return g_ascii_isxdigit(c) ? g_ascii_xdigit_value(c) : -1;
}

static gboolean domain_mac_parse(const char *s, unsigned char mac[6])
{
        if (strlen(s) != 17)
                return FALSE;
        for (int i = 0; i < 6; i++) {
                const char *p = s + i * 3;
                int hi = domain_hex(p[0]), lo = domain_hex(p[1]);

                if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':'))
                        return FALSE;
                mac[i] = (unsigned char)(hi << 4 | lo);
        }
        return TRUE;
}

static void domain_net_parse_mac(conf_ctx *ctx, xmlNode *node, domain_net *net)
{
        xmlNode *m = conf_child(ctx, node, "mac", TRUE);
        const char *addr;

        if (!m) {
                /* libvirt's (QEMU's) locally administered prefix */
                guint32 r = g_random_int();

                net->mac[0] = 0x52;
                net->mac[1] = 0x54;
                net->mac[2] = 0x00;
                net->mac[3] = (r >> 16) & 0xff;
                net->mac[4] = (r >> 8) & 0xff;
                net->mac[5] = r & 0xff;
                return;
        }
        addr = conf_attr_req(ctx, m, "address");
        if (!addr)
                return;
        if (!domain_mac_parse(addr, net->mac))
                conf_err(ctx, m,
                         _("invalid MAC address '%s' (expected six hex bytes such as "
                           "'52:54:00:12:34:56')"),
                         addr);
        else if (net->mac[0] & 1)
                conf_err(ctx, m,
                         _("MAC address '%s' is a multicast address (the first byte must be even)"),
                         addr);
}

static void domain_net_parse_source(conf_ctx *ctx, xmlNode *node, domain_net *net)
{
        static const char *const attrs[] = {[DOMAIN_NET_NETWORK] = "network",
                                            [DOMAIN_NET_BRIDGE] = "bridge",
                                            [DOMAIN_NET_DIRECT] = "dev"};
        xmlNode *s;
        const char *v;
        int mode;

        if (net->type == DOMAIN_NET_USER || net->type == DOMAIN_NET_ETHERNET)
                return; /* no source: a <source> there is reported as unsupported */
        s = conf_child(ctx, node, "source", TRUE);
        if (!s) {
                conf_err(ctx, node, _("interface of type '%s' needs <source %s='...'/>"),
                         domain_net_type_names[net->type], attrs[net->type]);
                return;
        }
        v = conf_attr_req(ctx, s, attrs[net->type]);
        if (net->type == DOMAIN_NET_NETWORK)
                net->network = g_strdup(v);
        else if (net->type == DOMAIN_NET_BRIDGE)
                net->bridge = g_strdup(v);
        else {
                net->dev = g_strdup(v);
                mode = conf_attr_enum(ctx, s, "mode", domain_macvtap_mode_names, 0);
                net->mode = mode < 0 ? 0 : mode;
        }
}

static domain_net *domain_net_parse(conf_ctx *ctx, xmlNode *node)
{
        domain_net *net;
        xmlNode *n;
        int v = domain_attr_enum_req(ctx, node, "type", domain_net_type_names);

        if (v < 0)
                return NULL;
        net = g_new0(domain_net, 1);
        net->type = v;
        domain_net_parse_source(ctx, node, net);
        domain_net_parse_mac(ctx, node, net);
        n = conf_child(ctx, node, "model", TRUE);
        if (n) {
                v = domain_attr_enum_req(ctx, n, "type", domain_net_model_names);
                net->model = v < 0 ? 0 : v;
        }
        n = conf_child(ctx, node, "target", TRUE);
        if (n)
                net->target_dev = g_strdup(conf_attr_req(ctx, n, "dev"));
        n = conf_child(ctx, node, "link", TRUE);
        if (n) {
                static const char *const states[] = {"", "up", "down", NULL};

                v = domain_attr_enum_req(ctx, n, "state", states);
                net->link_up = v < 0 ? 0 : v;
        }
        net->boot_order = domain_boot_order_parse(ctx, node);
        net->address = domain_address_parse(ctx, node);
        return net;
}

/* ---- character devices ---- */

static gboolean domain_chr_type_ok(domain_chr_kind kind, domain_chr_type type)
{
        if (kind == DOMAIN_CHR_CHANNEL)
                return type == DOMAIN_CHR_UNIX || type == DOMAIN_CHR_SPICEVMC ||
                       type == DOMAIN_CHR_PTY;
        return type != DOMAIN_CHR_SPICEVMC;
}

static gboolean domain_chr_target_ok(domain_chr_kind kind, domain_chr_target t)
{
        switch (kind) {
        case DOMAIN_CHR_SERIAL:
                return t <= DOMAIN_CHR_TARGET_PCI_SERIAL;
        case DOMAIN_CHR_CONSOLE:
                return t == DOMAIN_CHR_TARGET_NONE || t == DOMAIN_CHR_TARGET_SERIAL ||
                       t == DOMAIN_CHR_TARGET_VIRTIO;
        case DOMAIN_CHR_CHANNEL:
        default:
                return t == DOMAIN_CHR_TARGET_VIRTIO;
        }
}

static void domain_chr_parse_source(conf_ctx *ctx, xmlNode *node, domain_chr *chr)
{
        xmlNode *s = NULL;
        const char *path;
        int mode;

        if (chr->type == DOMAIN_CHR_PTY || chr->type == DOMAIN_CHR_FILE ||
            chr->type == DOMAIN_CHR_UNIX)
                s = conf_child(ctx, node, "source", TRUE);
        if (!s) {
                if (chr->type == DOMAIN_CHR_FILE ||
                    (chr->type == DOMAIN_CHR_UNIX && chr->kind != DOMAIN_CHR_CHANNEL))
                        conf_err(ctx, node, _("<%s type='%s'> needs <source path='...'/>"),
                                 (const char *)node->name, domain_chr_type_names[chr->type]);
                return;
        }
        chr->has_source = TRUE;
        /* a pty's path is the host's choice, a channel socket's too when absent */
        if (chr->type == DOMAIN_CHR_PTY ||
            (chr->type == DOMAIN_CHR_UNIX && chr->kind == DOMAIN_CHR_CHANNEL))
                path = conf_attr(s, "path");
        else
                path = conf_attr_req(ctx, s, "path");
        if (path && *path != '/')
                conf_err(ctx, s, _("path '%s' in <source> must be an absolute path"), path);
        chr->path = g_strdup(path);
        if (chr->type == DOMAIN_CHR_UNIX) {
                mode = conf_attr_enum(ctx, s, "mode", domain_chr_mode_names, 0);
                chr->mode = mode < 0 ? 0 : mode;
        }
}

static void domain_chr_parse_target(conf_ctx *ctx, xmlNode *node, domain_chr *chr)
{
        xmlNode *t = conf_child(ctx, node, "target", TRUE);
        xmlNode *m;
        int v;

        if (!t) {
                if (chr->kind == DOMAIN_CHR_CHANNEL)
                        conf_err(ctx, node, _("channel has no <target type='virtio' name='...'/>"));
                return;
        }
        v = chr->kind == DOMAIN_CHR_CHANNEL
                    ? domain_attr_enum_req(ctx, t, "type", domain_chr_target_names)
                    : conf_attr_enum(ctx, t, "type", domain_chr_target_names, 0);
        if (v >= 0 && !domain_chr_target_ok(chr->kind, v)) {
                conf_err(ctx, t, _("target type '%s' is not allowed for a %s"),
                         conf_attr(t, "type"), (const char *)node->name);
                v = -1;
        }
        chr->target_type = v < 0 ? 0 : v;
        if (chr->kind != DOMAIN_CHR_CHANNEL)
                domain_attr_int(ctx, t, "port", 0, 65535, &chr->target_port);
        else
                chr->target_name = g_strdup(conf_attr(t, "name"));
        if (chr->kind == DOMAIN_CHR_SERIAL && (m = conf_child(ctx, t, "model", TRUE))) {
                const char *name = conf_attr_req(ctx, m, "name");

                if (name && !domain_in_list(domain_serial_models, name))
                        conf_err(ctx, m,
                                 _("invalid serial model '%s' (expected one of 'isa-serial', "
                                   "'usb-serial', 'pci-serial', '16550a', 'pl011')"),
                                 name);
                else
                        chr->target_model = g_strdup(name);
        }
}

static domain_chr *domain_chr_parse(conf_ctx *ctx, xmlNode *node, domain_chr_kind kind)
{
        domain_chr *chr;
        int type = domain_attr_enum_req(ctx, node, "type", domain_chr_type_names);

        if (type < 0)
                return NULL;
        if (!domain_chr_type_ok(kind, type)) {
                conf_err(ctx, node, _("type '%s' is not supported for a <%s>"),
                         domain_chr_type_names[type], (const char *)node->name);
                return NULL;
        }
        chr = g_new0(domain_chr, 1);
        chr->kind = kind;
        chr->type = type;
        chr->target_port = -1;
        domain_chr_parse_source(ctx, node, chr);
        domain_chr_parse_target(ctx, node, chr);
        chr->address = domain_address_parse(ctx, node);
        return chr;
}

/* ---- inputs ---- */

static domain_input *domain_input_parse(conf_ctx *ctx, xmlNode *node)
{
        domain_input *in;
        int type = domain_attr_enum_req(ctx, node, "type", domain_input_type_names);
        int bus = conf_attr_enum(ctx, node, "bus", domain_input_bus_names, 0);

        if (type < 0 || bus < 0)
                return NULL;
        if (type == DOMAIN_INPUT_TABLET && bus == DOMAIN_INPUT_BUS_PS2) {
                conf_err(ctx, node, _("a tablet cannot use bus 'ps2' (use 'usb' or 'virtio')"));
                return NULL;
        }
        in = g_new0(domain_input, 1);
        in->type = type;
        in->bus = bus;
        in->address = domain_address_parse(ctx, node);
        return in;
}

/* ---- the walk ---- */

/* A device that failed is reported once: its contents are not reported again. */
static void domain_add(GPtrArray *array, void *item, xmlNode *node)
{
        if (item)
                g_ptr_array_add(array, item);
        else
                conf_consume_subtree(node);
}

static void domain_disks_parse(conf_ctx *ctx, xmlNode *devices, domain_devices *d)
{
        conf_foreach(n, devices, "disk")
        {
                domain_disk *disk = domain_disk_parse(ctx, n);

                for (guint i = 0; disk->dst && i < d->disks->len; i++) {
                        const domain_disk *other = g_ptr_array_index(d->disks, i);

                        if (other->dst && strcmp(other->dst, disk->dst) == 0) {
                                conf_err(ctx, n, _("two disks have the target dev '%s'"),
                                         disk->dst);
                                break;
                        }
                }
                g_ptr_array_add(d->disks, disk);
        }
}

static void domain_controllers_parse(conf_ctx *ctx, xmlNode *devices, domain_devices *d)
{
        conf_foreach(n, devices, "controller")
        {
                domain_controller *c = domain_controller_parse(ctx, n);

                if (!c) {
                        conf_consume_subtree(n);
                        continue;
                }
                for (guint i = 0; c->index >= 0 && i < d->controllers->len; i++) {
                        const domain_controller *o = g_ptr_array_index(d->controllers, i);

                        if (o->type == c->type && o->index == c->index) {
                                conf_err(ctx, n, _("two controllers of type '%s' have index %d"),
                                         domain_controller_type_names[c->type], c->index);
                                break;
                        }
                }
                g_ptr_array_add(d->controllers, c);
        }
}

void domain_devices_parse(conf_ctx *ctx, xmlNode *node, domain_def *def)
{
        domain_devices *d = &def->devices;
        xmlNode *n;

        d->emulator = conf_child_text(ctx, node, "emulator");
        if (d->emulator && *d->emulator != '/')
                conf_err(ctx, conf_first(node, "emulator"),
                         _("<emulator> must be an absolute path (found '%s')"), d->emulator);
        domain_disks_parse(ctx, node, d);
        domain_controllers_parse(ctx, node, d);
        conf_foreach(c, node, "interface") domain_add(d->nets, domain_net_parse(ctx, c), c);
        conf_foreach(c, node, "serial")
                domain_add(d->serials, domain_chr_parse(ctx, c, DOMAIN_CHR_SERIAL), c);
        conf_foreach(c, node, "console")
                domain_add(d->consoles, domain_chr_parse(ctx, c, DOMAIN_CHR_CONSOLE), c);
        conf_foreach(c, node, "channel")
                domain_add(d->channels, domain_chr_parse(ctx, c, DOMAIN_CHR_CHANNEL), c);
        conf_foreach(c, node, "input") domain_add(d->inputs, domain_input_parse(ctx, c), c);
        conf_foreach(c, node, "tpm") g_ptr_array_add(d->tpms, domain_verbatim(c));
        conf_foreach(c, node, "graphics") domain_add(d->graphics, domain_graphics_parse(ctx, c), c);
        conf_foreach(c, node, "sound") domain_add(d->sounds, domain_sound_parse(ctx, c), c);
        conf_foreach(c, node, "video") domain_add(d->videos, domain_video_parse(ctx, c), c);
        conf_foreach(c, node, "redirdev")
                domain_add(d->redirdevs, domain_redirdev_parse(ctx, c), c);
        n = conf_child(ctx, node, "watchdog", TRUE);
        if (n && !(d->watchdog = domain_watchdog_parse(ctx, n)))
                conf_consume_subtree(n);
        n = conf_child(ctx, node, "memballoon", TRUE);
        if (n && !(d->memballoon = domain_memballoon_parse(ctx, n)))
                conf_consume_subtree(n);
        conf_foreach(c, node, "rng") domain_add(d->rngs, domain_rng_parse(ctx, c), c);
}
