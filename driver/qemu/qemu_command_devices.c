/* Everything but storage on the QEMU command line: network interfaces,
 * character devices, inputs, graphics, video, sound and the small devices. */
#include "config.h"

#include "driver/qemu/qemu_command_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

static int qemu_command_net(qemu_cmd *c, const domain_net *net, guint i)
{
        static const char *const models[] = {
                [DOMAIN_NET_MODEL_NONE] = "rtl8139",
                [DOMAIN_NET_MODEL_VIRTIO] = "virtio-net-pci",
                [DOMAIN_NET_MODEL_E1000] = "e1000",
                [DOMAIN_NET_MODEL_E1000E] = "e1000e",
                [DOMAIN_NET_MODEL_RTL8139] = "rtl8139",
                [DOMAIN_NET_MODEL_NE2K_PCI] = "ne2k_pci",
                [DOMAIN_NET_MODEL_PCNET] = "pcnet",
                [DOMAIN_NET_MODEL_VMXNET3] = "vmxnet3",
        };
        const GArray *fds = c->launch->tap_fds;
        g_autoptr(GString) dev = g_string_new(NULL);

        switch (net->type) {
        case DOMAIN_NET_NETWORK:
        case DOMAIN_NET_BRIDGE:
                if (!fds || c->taps >= fds->len)
                        return qemu_cmd_refuse(c, VCTL_ERR_INTERNAL_ERROR,
                                               _("interface %u has no tap device opened for it"),
                                               i);
                qemu_cmd_add(c, "-netdev");
                qemu_cmd_addf(c, "tap,fd=%d,id=hostnet%u,vhost=off",
                              g_array_index(fds, int, c->taps), i);
                c->taps++;
                break;
        case DOMAIN_NET_USER:
                qemu_cmd_add(c, "-netdev");
                qemu_cmd_addf(c, "user,id=hostnet%u", i);
                break;
        case DOMAIN_NET_DIRECT:
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("interface type 'direct' (macvtap on '%s') is not "
                                         "supported yet; use <interface type='network'> or "
                                         "type='bridge'"),
                                       net->dev ? net->dev : "");
        case DOMAIN_NET_ETHERNET:
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("interface type 'ethernet' is not supported yet; use "
                                         "<interface type='network'> or type='bridge'"));
        }
        if (net->link_up == DOMAIN_TRI_NO)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("interface %u: <link state='down'/> is not supported yet"),
                                       i);
        g_string_append_printf(dev,
                               "%s,netdev=hostnet%u,id=net%u,mac=%02x:%02x:%02x:%02x:%02x:%02x",
                               models[net->model], i, i, net->mac[0], net->mac[1], net->mac[2],
                               net->mac[3], net->mac[4], net->mac[5]);
        if (net->boot_order)
                g_string_append_printf(dev, ",bootindex=%u", net->boot_order);
        qemu_cmd_add(c, "-device");
        qemu_cmd_add(c, dev->str);
        return 0;
}

int qemu_command_nets(qemu_cmd *c)
{
        const GPtrArray *nets = c->def->devices.nets;

        for (guint i = 0; i < nets->len; i++) {
                if (qemu_command_net(c, g_ptr_array_index(nets, i), i) < 0)
                        return -1;
        }
        return 0;
}

/* -chardev for chr with id; spice_name is the spicevmc channel's name. */
static int qemu_command_chardev(qemu_cmd *c, const domain_chr *chr, const char *id,
                                const char *spice_name)
{
        g_autofree char *path = NULL;

        if ((chr->type == DOMAIN_CHR_FILE || chr->type == DOMAIN_CHR_UNIX) && !chr->path) {
                /* an agent socket without a path lives in the domain's run dir */
                if (chr->type != DOMAIN_CHR_UNIX || chr->kind != DOMAIN_CHR_CHANNEL ||
                    !chr->target_name || !c->launch->run_dir)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("%s: <source> needs a path"), id);
                g_autofree char *p = g_build_filename(c->launch->run_dir, chr->target_name, NULL);
                path = qemu_cmd_kv(p);
        } else if (chr->path) {
                path = qemu_cmd_kv(chr->path);
        }
        qemu_cmd_add(c, "-chardev");
        switch (chr->type) {
        case DOMAIN_CHR_PTY:
                qemu_cmd_addf(c, "pty,id=%s", id);
                break;
        case DOMAIN_CHR_FILE:
                qemu_cmd_addf(c, "file,id=%s,path=%s", id, path);
                break;
        case DOMAIN_CHR_UNIX:
                if (chr->mode == DOMAIN_CHR_MODE_CONNECT)
                        qemu_cmd_addf(c, "socket,id=%s,path=%s", id, path);
                else
                        qemu_cmd_addf(c, "socket,id=%s,path=%s,server=on,wait=off", id, path);
                break;
        case DOMAIN_CHR_NULL:
                qemu_cmd_addf(c, "null,id=%s", id);
                break;
        case DOMAIN_CHR_SPICEVMC:
                if (!c->spice)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("%s: a spicevmc channel needs <graphics "
                                                 "type='spice'>"),
                                               id);
                qemu_cmd_addf(c, "spicevmc,id=%s,name=%s", id, spice_name);
                break;
        }
        return 0;
}

static int qemu_command_usb_port(qemu_cmd *c, const char *what)
{
        if (!c->usb)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("%s needs a USB controller (add <controller type='usb' "
                                         "model='qemu-xhci'/>)"),
                                       what);
        return (int)++c->usb_port;
}

static int qemu_command_serial(qemu_cmd *c, const domain_chr *chr, guint n)
{
        g_autofree char *id = g_strdup_printf("charserial%u", n);
        const char *model = chr->target_model;
        int port;

        if (qemu_command_chardev(c, chr, id, NULL) < 0)
                return -1;
        if (!model)
                model = chr->target_type == DOMAIN_CHR_TARGET_PCI_SERIAL   ? "pci-serial"
                        : chr->target_type == DOMAIN_CHR_TARGET_USB_SERIAL ? "usb-serial"
                                                                           : "isa-serial";
        qemu_cmd_add(c, "-device");
        if (strcmp(model, "isa-serial") == 0) {
                qemu_cmd_addf(c, "isa-serial,chardev=%s,id=serial%u,index=%u", id, n, n);
        } else if (strcmp(model, "usb-serial") == 0) {
                if ((port = qemu_command_usb_port(c, "a USB serial port")) < 0)
                        return -1;
                qemu_cmd_addf(c, "usb-serial,chardev=%s,id=serial%u,bus=usb.0,port=%d", id, n,
                              port);
        } else {
                qemu_cmd_addf(c, "pci-serial,chardev=%s,id=serial%u", id, n);
        }
        return 0;
}

static void qemu_command_need_vserial(qemu_cmd *c)
{
        if (c->vserial)
                return;
        qemu_cmd_add(c, "-device");
        qemu_cmd_add(c, "virtio-serial-pci,id=virtio-serial0");
        c->vserial = TRUE;
}

static gboolean qemu_command_console_is_serial(const domain_chr *chr)
{
        return chr->target_type == DOMAIN_CHR_TARGET_NONE ||
               chr->target_type == DOMAIN_CHR_TARGET_SERIAL;
}

int qemu_command_chardevs(qemu_cmd *c)
{
        const domain_devices *d = &c->def->devices;
        guint nserial = d->serials->len;

        for (guint i = 0; i < d->serials->len; i++) {
                const domain_chr *chr = g_ptr_array_index(d->serials, i);

                if (qemu_command_serial(c, chr,
                                        chr->target_port >= 0 ? (guint)chr->target_port : i) < 0)
                        return -1;
        }
        for (guint i = 0; i < d->consoles->len; i++) {
                const domain_chr *chr = g_ptr_array_index(d->consoles, i);

                if (!qemu_command_console_is_serial(chr))
                        continue;
                /* as libvirt: the first console is serial0 itself, or makes one */
                if (i > 0)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("only the first <console> may be a serial "
                                                 "console; use <target type='virtio'/>"));
                if (nserial == 0 && qemu_command_serial(c, chr, 0) < 0)
                        return -1;
        }

        c->serial_nr = 0;
        for (guint i = 0; i < d->channels->len; i++) {
                const domain_chr *chr = g_ptr_array_index(d->channels, i);
                g_autofree char *id = g_strdup_printf("charchannel%u", i);
                g_autofree char *name = NULL;

                if (!chr->target_name)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("channel %u has no target name"), i);
                qemu_command_need_vserial(c);
                if (qemu_command_chardev(c, chr, id, "vdagent") < 0)
                        return -1;
                name = qemu_cmd_kv(chr->target_name);
                qemu_cmd_add(c, "-device");
                qemu_cmd_addf(c,
                              "virtserialport,bus=virtio-serial0.0,nr=%u,chardev=%s,id=channel%u,"
                              "name=%s",
                              ++c->serial_nr, id, i, name);
        }
        for (guint i = 0; i < d->consoles->len; i++) {
                const domain_chr *chr = g_ptr_array_index(d->consoles, i);
                g_autofree char *id = g_strdup_printf("charconsole%u", i);

                if (qemu_command_console_is_serial(chr))
                        continue;
                qemu_command_need_vserial(c);
                if (qemu_command_chardev(c, chr, id, NULL) < 0)
                        return -1;
                qemu_cmd_add(c, "-device");
                /* port 0 is the console port; the others follow the channels */
                qemu_cmd_addf(c, "virtconsole,bus=virtio-serial0.0,nr=%u,chardev=%s,id=console%u",
                              i == 0 ? 0 : ++c->serial_nr, id, i);
        }
        return 0;
}

int qemu_command_inputs(qemu_cmd *c)
{
        static const char *const usb[] = {[DOMAIN_INPUT_TABLET] = "usb-tablet",
                                          [DOMAIN_INPUT_MOUSE] = "usb-mouse",
                                          [DOMAIN_INPUT_KEYBOARD] = "usb-kbd"};
        static const char *const virtio[] = {[DOMAIN_INPUT_TABLET] = "virtio-tablet-pci",
                                             [DOMAIN_INPUT_MOUSE] = "virtio-mouse-pci",
                                             [DOMAIN_INPUT_KEYBOARD] = "virtio-keyboard-pci"};
        const GPtrArray *inputs = c->def->devices.inputs;
        int port;

        for (guint i = 0; i < inputs->len; i++) {
                const domain_input *in = g_ptr_array_index(inputs, i);
                const char *type = domain_enum_name(domain_input_type_names, in->type);

                switch (in->bus) {
                case DOMAIN_INPUT_BUS_NONE:
                case DOMAIN_INPUT_BUS_PS2:
                        /* the machine's i8042 */
                        if (in->type == DOMAIN_INPUT_TABLET)
                                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                                       _("input 'tablet' needs bus 'usb' or "
                                                         "'virtio'"));
                        break;
                case DOMAIN_INPUT_BUS_USB: {
                        g_autofree char *what = g_strdup_printf(_("input '%s'"), type);

                        if ((port = qemu_command_usb_port(c, what)) < 0)
                                return -1;
                        qemu_cmd_add(c, "-device");
                        qemu_cmd_addf(c, "%s,id=input%u,bus=usb.0,port=%d", usb[in->type], i, port);
                        break;
                }
                case DOMAIN_INPUT_BUS_VIRTIO:
                        qemu_cmd_add(c, "-device");
                        qemu_cmd_addf(c, "%s,id=input%u", virtio[in->type], i);
                        break;
                }
        }
        return 0;
}

/* The value of attr in a verbatim element "<elem attr='value' .../>", or NULL. */
static char *qemu_command_verbatim_attr(const char *xml, const char *elem, const char *attr)
{
        g_autofree char *pattern =
                g_strdup_printf("^\\s*<%s\\b[^>]*\\b%s=['\"]([^'\"]*)['\"]", elem, attr);
        g_autoptr(GRegex) re = g_regex_new(pattern, 0, 0, NULL);
        g_autoptr(GMatchInfo) m = NULL;

        if (!re || !g_regex_match(re, xml, 0, &m))
                return NULL;
        return g_match_info_fetch(m, 1);
}

static const char *qemu_command_listen(const domain_graphics *g, gboolean *ret_none)
{
        *ret_none = FALSE;
        for (guint i = 0; g->listens && i < g->listens->len; i++) {
                const domain_listen *l = g_ptr_array_index(g->listens, i);

                if (l->type == DOMAIN_LISTEN_NONE)
                        *ret_none = TRUE;
                if (l->type == DOMAIN_LISTEN_ADDRESS && l->address)
                        return l->address;
                if (l->type == DOMAIN_LISTEN_NETWORK)
                        return NULL;
        }
        return g->listen ? g->listen : "127.0.0.1";
}

static int qemu_command_vnc(qemu_cmd *c, const domain_graphics *g)
{
        gboolean none;
        const char *addr = qemu_command_listen(g, &none);
        g_autoptr(GString) s = g_string_new(NULL);

        if (none) {
                g_string_append(s, "none");
        } else if (!addr) {
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("graphics listen type 'network' is not supported yet; use "
                                         "<listen type='address' address='...'/>"));
        } else {
                gboolean v6 = strchr(addr, ':') != NULL;

                g_string_append_printf(s, "%s%s%s", v6 ? "[" : "", addr, v6 ? "]" : "");
                if (g->autoport != DOMAIN_TRI_YES && g->has_port && g->port >= 5900)
                        g_string_append_printf(s, ":%d", g->port - 5900);
                else if (g->autoport != DOMAIN_TRI_YES && g->has_port && g->port >= 0)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("VNC port %d is below 5900"), g->port);
                else /* QEMU takes the first free display; the driver asks query-vnc */
                        g_string_append(s, ":0,to=100");
        }
        if (g->keymap) { /* QEMU 7.2's -vnc has no keymap option */
                qemu_cmd_add(c, "-k");
                qemu_cmd_add(c, g->keymap);
        }
        qemu_cmd_add(c, "-vnc");
        qemu_cmd_add(c, s->str);
        return 0;
}

static int qemu_command_spice(qemu_cmd *c, const domain_graphics *g)
{
        static const char *const opts[][3] = {
                {"image", "compression", "image-compression"},
                {"jpeg", "compression", "jpeg-wan-compression"},
                {"zlib", "compression", "zlib-glz-wan-compression"},
                {"playback", "compression", "playback-compression"},
                {"streaming", "mode", "streaming-video"},
        };
        gboolean none;
        const char *addr = qemu_command_listen(g, &none);
        g_autoptr(GString) s = g_string_new(NULL);
        int port = g->autoport != DOMAIN_TRI_YES && g->has_port && g->port > 0 ? g->port : 0;

        if (!port)
                port = c->launch->spice_port;
        if (g->has_tls_port && g->tls_port > 0)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("spice TLS (tlsPort %d) is not supported yet"),
                                       g->tls_port);
        if (!addr && !none)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("graphics listen type 'network' is not supported yet; use "
                                         "<listen type='address' address='...'/>"));
        if (none)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("spice with <listen type='none'/> is not supported yet"));
        if (port <= 0)
                return qemu_cmd_refuse(c, VCTL_ERR_INTERNAL_ERROR,
                                       _("spice needs a port, and none was picked at start"));
        g_string_append_printf(s, "port=%d,addr=%s,disable-ticketing=on", port, addr);
        for (guint i = 0; g->extra && i < g->extra->len; i++) {
                const char *xml = g_ptr_array_index(g->extra, i);

                for (size_t k = 0; k < G_N_ELEMENTS(opts); k++) {
                        g_autofree char *v =
                                qemu_command_verbatim_attr(xml, opts[k][0], opts[k][1]);

                        if (v && g_regex_match_simple("^[a-z0-9_]+$", v, 0, 0))
                                g_string_append_printf(s, ",%s=%s", opts[k][2], v);
                }
                g_autofree char *copy = qemu_command_verbatim_attr(xml, "clipboard", "copypaste");
                g_autofree char *xfer = qemu_command_verbatim_attr(xml, "filetransfer", "enable");
                g_autofree char *mouse = qemu_command_verbatim_attr(xml, "mouse", "mode");

                if (g_strcmp0(copy, "no") == 0)
                        g_string_append(s, ",disable-copy-paste=on");
                if (g_strcmp0(xfer, "no") == 0)
                        g_string_append(s, ",disable-agent-file-xfer=on");
                if (mouse)
                        g_string_append_printf(s, ",agent-mouse=%s",
                                               strcmp(mouse, "client") == 0 ? "on" : "off");
        }
        g_string_append(s, ",seamless-migration=on");
        qemu_cmd_add(c, "-spice");
        qemu_cmd_add(c, s->str);
        return 0;
}

int qemu_command_graphics(qemu_cmd *c)
{
        const GPtrArray *gs = c->def->devices.graphics;
        gboolean vnc = FALSE, spice = FALSE;

        if (gs->len == 0) {
                qemu_cmd_add(c, "-display");
                qemu_cmd_add(c, "none");
                return 0;
        }
        for (guint i = 0; i < gs->len; i++) {
                const domain_graphics *g = g_ptr_array_index(gs, i);
                gboolean *seen = g->type == DOMAIN_GRAPHICS_VNC ? &vnc : &spice;

                if (*seen)
                        return qemu_cmd_refuse(
                                c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                _("only one <graphics type='%s'> is supported"),
                                domain_enum_name(domain_graphics_type_names, g->type));
                *seen = TRUE;
                if ((g->type == DOMAIN_GRAPHICS_VNC ? qemu_command_vnc(c, g)
                                                    : qemu_command_spice(c, g)) < 0)
                        return -1;
        }
        return 0;
}

static int qemu_command_video(qemu_cmd *c, const domain_video *v, guint i, gboolean primary)
{
        g_autoptr(GString) s = g_string_new(NULL);

        if (v->acceleration && strstr(v->acceleration, "accel3d") &&
            (strstr(v->acceleration, "accel3d='yes'") ||
             strstr(v->acceleration, "accel3d=\"yes\"")))
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("video %u: 3D acceleration is not supported yet"), i);
        switch (v->model) {
        case DOMAIN_VIDEO_NONE:
                return 0;
        case DOMAIN_VIDEO_QXL:
                g_string_append(s, primary ? "qxl-vga" : "qxl");
                break;
        case DOMAIN_VIDEO_NONE_SET:
        case DOMAIN_VIDEO_VIRTIO:
                g_string_append(s, primary ? "virtio-vga" : "virtio-gpu-pci");
                break;
        case DOMAIN_VIDEO_VGA:
                g_string_append(s, "VGA");
                break;
        case DOMAIN_VIDEO_CIRRUS:
                g_string_append(s, "cirrus-vga");
                break;
        case DOMAIN_VIDEO_BOCHS:
                g_string_append(s, "bochs-display");
                break;
        case DOMAIN_VIDEO_RAMFB:
                g_string_append(s, "ramfb");
                break;
        }
        if (!primary && (v->model == DOMAIN_VIDEO_VGA || v->model == DOMAIN_VIDEO_CIRRUS))
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("video %u: model '%s' can only be the primary video"), i,
                                       domain_enum_name(domain_video_model_names, v->model));
        g_string_append_printf(s, ",id=video%u", i);
        if (v->model == DOMAIN_VIDEO_QXL) {
                if (v->ram)
                        g_string_append_printf(s, ",ram_size=%llu",
                                               (unsigned long long)v->ram * 1024);
                if (v->vram)
                        g_string_append_printf(s, ",vram_size=%llu",
                                               (unsigned long long)v->vram * 1024);
                if (v->vgamem && primary)
                        g_string_append_printf(s, ",vgamem_mb=%u", v->vgamem / 1024);
        } else if (v->model == DOMAIN_VIDEO_VGA && v->vram) {
                g_string_append_printf(s, ",vgamem_mb=%u", v->vram / 1024);
        }
        if (v->heads && (v->model == DOMAIN_VIDEO_QXL || v->model == DOMAIN_VIDEO_VIRTIO ||
                         v->model == DOMAIN_VIDEO_NONE_SET))
                g_string_append_printf(s, ",max_outputs=%u", v->heads);
        qemu_cmd_add(c, "-device");
        qemu_cmd_add(c, s->str);
        return 0;
}

int qemu_command_videos(qemu_cmd *c)
{
        const GPtrArray *vs = c->def->devices.videos;
        guint primary = 0;

        for (guint i = 0; i < vs->len; i++) {
                if (((domain_video *)g_ptr_array_index(vs, i))->primary)
                        primary = i;
        }
        if (vs->len) {
                if (qemu_command_video(c, g_ptr_array_index(vs, primary), primary, TRUE) < 0)
                        return -1;
        }
        for (guint i = 0; i < vs->len; i++) {
                if (i != primary && qemu_command_video(c, g_ptr_array_index(vs, i), i, FALSE) < 0)
                        return -1;
        }
        return 0;
}

int qemu_command_sounds(qemu_cmd *c)
{
        const GPtrArray *sounds = c->def->devices.sounds;

        if (sounds->len == 0)
                return 0;
        /* no host audio for a daemon's guests: spice carries it, else nothing */
        qemu_cmd_add(c, "-audiodev");
        qemu_cmd_addf(c, "{\"id\":\"audio1\",\"driver\":\"%s\"}", c->spice ? "spice" : "none");
        for (guint i = 0; i < sounds->len; i++) {
                const domain_sound *snd = g_ptr_array_index(sounds, i);

                qemu_cmd_add(c, "-device");
                switch (snd->model) {
                case DOMAIN_SOUND_ICH6:
                case DOMAIN_SOUND_ICH9:
                        qemu_cmd_addf(c, "%s,id=sound%u",
                                      snd->model == DOMAIN_SOUND_ICH9 ? "ich9-intel-hda"
                                                                      : "intel-hda",
                                      i);
                        qemu_cmd_add(c, "-device");
                        qemu_cmd_addf(
                                c,
                                "hda-duplex,id=sound%u-codec0,bus=sound%u.0,cad=0,audiodev=audio1",
                                i, i);
                        break;
                case DOMAIN_SOUND_AC97:
                        qemu_cmd_addf(c, "AC97,id=sound%u,audiodev=audio1", i);
                        break;
                case DOMAIN_SOUND_ES1370:
                        qemu_cmd_addf(c, "ES1370,id=sound%u,audiodev=audio1", i);
                        break;
                default:
                        return qemu_cmd_refuse(
                                c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                _("sound model '%s' is not supported (use 'ich9')"),
                                domain_enum_name(domain_sound_model_names, snd->model));
                }
        }
        return 0;
}

static int qemu_command_watchdog(qemu_cmd *c, const domain_watchdog *w)
{
        static const char *const actions[] = {
                [DOMAIN_WATCHDOG_ACTION_RESET] = "reset",
                [DOMAIN_WATCHDOG_ACTION_SHUTDOWN] = "shutdown",
                [DOMAIN_WATCHDOG_ACTION_POWEROFF] = "poweroff",
                [DOMAIN_WATCHDOG_ACTION_PAUSE] = "pause",
                [DOMAIN_WATCHDOG_ACTION_NONE] = "none",
                [DOMAIN_WATCHDOG_ACTION_INJECT_NMI] = "inject-nmi",
        };

        if (w->model == DOMAIN_WATCHDOG_DIAG288)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("watchdog model 'diag288' is for s390 guests (use "
                                         "'i6300esb')"));
        if (w->action == DOMAIN_WATCHDOG_ACTION_DUMP)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("watchdog action 'dump' is not supported yet"));
        qemu_cmd_add(c, "-device");
        qemu_cmd_addf(c, "%s,id=watchdog0",
                      w->model == DOMAIN_WATCHDOG_IB700 ? "ib700" : "i6300esb");
        if (w->action != DOMAIN_WATCHDOG_ACTION_NONE_SET) {
                qemu_cmd_add(c, "-action");
                qemu_cmd_addf(c, "watchdog=%s", actions[w->action]);
        }
        return 0;
}

int qemu_command_misc(qemu_cmd *c)
{
        const domain_devices *d = &c->def->devices;
        int port;

        if (d->watchdog && qemu_command_watchdog(c, d->watchdog) < 0)
                return -1;
        for (guint i = 0; i < d->redirdevs->len; i++) {
                if (!c->spice)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("<redirdev type='spicevmc'> needs <graphics "
                                                 "type='spice'>"));
                if ((port = qemu_command_usb_port(c, "USB redirection")) < 0)
                        return -1;
                qemu_cmd_add(c, "-chardev");
                qemu_cmd_addf(c, "spicevmc,id=charredir%u,name=usbredir", i);
                qemu_cmd_add(c, "-device");
                qemu_cmd_addf(c, "usb-redir,chardev=charredir%u,id=redir%u,bus=usb.0,port=%d", i, i,
                              port);
        }
        if (d->memballoon && d->memballoon->model == DOMAIN_BALLOON_VIRTIO) {
                qemu_cmd_add(c, "-device");
                qemu_cmd_add(c, "virtio-balloon-pci,id=balloon0");
        }
        for (guint i = 0; i < d->rngs->len; i++) {
                const domain_rng *rng = g_ptr_array_index(d->rngs, i);
                g_autoptr(GString) obj = g_string_new("{");

                qemu_cmd_json_str(obj, "qom-type", "rng-random");
                g_string_append_printf(obj, ",\"id\":\"objrng%u\"", i);
                qemu_cmd_json_str(obj, "filename", rng->path ? rng->path : DOMAIN_RNG_PATH);
                g_string_append_c(obj, '}');
                qemu_cmd_add(c, "-object");
                qemu_cmd_add(c, obj->str);
                qemu_cmd_add(c, "-device");
                qemu_cmd_addf(c, "virtio-rng-pci,rng=objrng%u,id=rng%u", i, i);
        }
        return 0;
}
