/* Storage on the QEMU command line: controllers, firmware flash and disks,
 * each disk a -blockdev chain (a storage node and a format node per layer,
 * named libvirt-N-storage/-format, N counting up from the bottom layer)
 * and a frontend -device. */
#include "config.h"

#include "driver/qemu/qemu_command_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

#define QEMU_SATA_PORTS 6

static int qemu_command_usb_controller(qemu_cmd *c, const domain_controller *ctl)
{
        static const char *const map[][2] = {
                {"qemu-xhci", "qemu-xhci"},       {"nec-xhci", "nec-usb-xhci"},
                {"piix3-uhci", "piix3-usb-uhci"}, {"piix4-uhci", "piix4-usb-uhci"},
                {"ich9-ehci1", "ich9-usb-ehci1"}, {"ehci", "usb-ehci"},
                {"pci-ohci", "pci-ohci"},
        };
        const char *model = ctl->model ? ctl->model : c->q35 ? "qemu-xhci" : "piix3-uhci";
        const char *device = NULL;

        if (strcmp(model, "none") == 0)
                return 0;
        /* UHCI companions of an EHCI master: ports 0-1, 2-3, 4-5 of usb.0 */
        if (g_str_has_prefix(model, "ich9-uhci") && strlen(model) == 10 && model[9] >= '1' &&
            model[9] <= '3') {
                int n = model[9] - '0';

                if (!c->usb)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("USB companion '%s' must follow its 'ich9-ehci1' "
                                                 "master"),
                                               model);
                qemu_cmd_add(c, "-device");
                qemu_cmd_addf(c, "ich9-usb-uhci%d,masterbus=usb.0,firstport=%d,id=usb%d", n,
                              (n - 1) * 2, n);
                return 0;
        }
        if (c->usb)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("only one USB controller is supported"));
        for (size_t i = 0; i < G_N_ELEMENTS(map); i++) {
                if (strcmp(map[i][0], model) == 0)
                        device = map[i][1];
        }
        if (!device)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("USB controller model '%s' is not supported (use "
                                         "'qemu-xhci')"),
                                       model);
        qemu_cmd_add(c, "-device");
        if (ctl->ports > 0 && strstr(device, "xhci"))
                qemu_cmd_addf(c, "%s,p2=%d,p3=%d,id=usb", device, ctl->ports, ctl->ports);
        else
                qemu_cmd_addf(c, "%s,id=usb", device);
        c->usb = TRUE;
        return 0;
}

static int qemu_command_scsi_controller(qemu_cmd *c, const char *model)
{
        const char *device = "virtio-scsi-pci";

        if (c->scsi)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("only one SCSI controller is supported"));
        if (model && strcmp(model, "lsilogic") == 0)
                device = "lsi";
        else if (model && strcmp(model, "auto") != 0 && !g_str_has_prefix(model, "virtio"))
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("SCSI controller model '%s' is not supported (use "
                                         "'virtio-scsi')"),
                                       model);
        qemu_cmd_add(c, "-device");
        qemu_cmd_addf(c, "%s,id=scsi0", device);
        c->scsi = TRUE;
        return 0;
}

static int qemu_command_pci_controller(qemu_cmd *c, const domain_controller *ctl, int index)
{
        const char *model = ctl->model ? ctl->model : "";

        if (strcmp(model, "pci-root") == 0 || strcmp(model, "pcie-root") == 0 || !*model) {
                if ((strcmp(model, "pcie-root") == 0) != c->q35 && *model)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("PCI controller '%s' does not fit machine '%s' "
                                                 "(q35 has 'pcie-root', pc has 'pci-root')"),
                                               model,
                                               c->def->os.machine ? c->def->os.machine : "pc");
                return 0;
        }
        if (strcmp(model, "pcie-root-port") == 0 && c->q35) {
                qemu_cmd_add(c, "-device");
                qemu_cmd_addf(c, "pcie-root-port,port=%d,chassis=%d,id=pci.%d,bus=pcie.0",
                              0x10 + index - 1, index, index);
                return 0;
        }
        if (strcmp(model, "pcie-to-pci-bridge") == 0 && c->q35) {
                qemu_cmd_add(c, "-device");
                qemu_cmd_addf(c, "pcie-pci-bridge,id=pci.%d,bus=pcie.0", index);
                return 0;
        }
        if (strcmp(model, "pci-bridge") == 0 && !c->q35) {
                qemu_cmd_add(c, "-device");
                qemu_cmd_addf(c, "pci-bridge,chassis_nr=%d,id=pci.%d,bus=pci.0", index, index);
                return 0;
        }
        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                               _("PCI controller model '%s' is not supported on machine '%s'"),
                               model, c->def->os.machine ? c->def->os.machine : "pc");
}

int qemu_command_controllers(qemu_cmd *c)
{
        const GPtrArray *ctls = c->def->devices.controllers;
        int pci_index = 0;

        /* libvirt's order: USB, then PCI, then the others */
        for (guint i = 0; i < ctls->len; i++) {
                const domain_controller *ctl = g_ptr_array_index(ctls, i);

                if (ctl->type == DOMAIN_CTRL_USB && qemu_command_usb_controller(c, ctl) < 0)
                        return -1;
        }
        for (guint i = 0; i < ctls->len; i++) {
                const domain_controller *ctl = g_ptr_array_index(ctls, i);

                if (ctl->type != DOMAIN_CTRL_PCI)
                        continue;
                pci_index = ctl->index >= 0 ? ctl->index : pci_index;
                if (qemu_command_pci_controller(c, ctl, pci_index) < 0)
                        return -1;
                pci_index++;
        }
        for (guint i = 0; i < ctls->len; i++) {
                const domain_controller *ctl = g_ptr_array_index(ctls, i);
                const char *type = domain_enum_name(domain_controller_type_names, ctl->type);

                switch (ctl->type) {
                case DOMAIN_CTRL_USB:
                case DOMAIN_CTRL_PCI:
                        break;
                case DOMAIN_CTRL_SCSI:
                        if (qemu_command_scsi_controller(c, ctl->model) < 0)
                                return -1;
                        break;
                case DOMAIN_CTRL_VIRTIO_SERIAL:
                        if (c->vserial)
                                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                                       _("only one virtio-serial controller is "
                                                         "supported"));
                        qemu_cmd_add(c, "-device");
                        if (ctl->vectors >= 0)
                                qemu_cmd_addf(c, "virtio-serial-pci,id=virtio-serial0,vectors=%d",
                                              ctl->vectors);
                        else
                                qemu_cmd_add(c, "virtio-serial-pci,id=virtio-serial0");
                        c->vserial = TRUE;
                        break;
                case DOMAIN_CTRL_IDE:
                case DOMAIN_CTRL_SATA:
                        /* built into the machine (pc: PIIX IDE, q35: ICH9 AHCI) */
                        if (ctl->index > 0)
                                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                                       _("only one %s controller is supported"),
                                                       type);
                        break;
                case DOMAIN_CTRL_FDC:
                case DOMAIN_CTRL_CCID:
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("controller type '%s' is not supported yet"),
                                               type);
                }
        }
        return 0;
}

static void qemu_command_blockdev_pair(qemu_cmd *c, const char *name, const char *path,
                                       gboolean readonly)
{
        g_autoptr(GString) s = g_string_new("{");
        g_autoptr(GString) f = g_string_new("{");
        g_autofree char *storage = g_strdup_printf("libvirt-%s-storage", name);
        g_autofree char *format = g_strdup_printf("libvirt-%s-format", name);

        qemu_cmd_json_str(s, "driver", "file");
        qemu_cmd_json_str(s, "filename", path);
        qemu_cmd_json_str(s, "node-name", storage);
        g_string_append(s, ",\"auto-read-only\":true,\"discard\":\"unmap\"}");
        qemu_cmd_json_str(f, "node-name", format);
        g_string_append_printf(f, ",\"read-only\":%s", readonly ? "true" : "false");
        qemu_cmd_json_str(f, "driver", "raw");
        qemu_cmd_json_str(f, "file", storage);
        g_string_append_c(f, '}');
        qemu_cmd_add(c, "-blockdev");
        qemu_cmd_add(c, s->str);
        qemu_cmd_add(c, "-blockdev");
        qemu_cmd_add(c, f->str);
}

int qemu_command_firmware(qemu_cmd *c, GString *machine)
{
        const domain_os *os = &c->def->os;

        if (!os->loader) {
                if (os->firmware == DOMAIN_FIRMWARE_EFI || os->has_loader)
                        return qemu_cmd_refuse(
                                c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                _("firmware autoselection is not supported yet; give "
                                  "the paths, e.g. <loader readonly='yes' "
                                  "type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd"
                                  "</loader>"));
                if (os->has_nvram)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("<nvram> needs a pflash <loader>"));
                return 0;
        }
        if (os->loader_type != DOMAIN_LOADER_PFLASH) {
                if (os->has_nvram)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("<nvram> needs <loader type='pflash'>"));
                qemu_cmd_add(c, "-bios");
                qemu_cmd_add(c, os->loader);
                return 0;
        }
        if (os->has_nvram && !os->nvram)
                return qemu_cmd_refuse(c, VCTL_ERR_OPERATION_INVALID,
                                       _("<nvram> has no path; the driver must create it from its "
                                         "template before start"));
        if (os->loader_secure == DOMAIN_TRI_YES && c->def->features.smm == DOMAIN_FEATURE_OFF)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("secure boot needs SMM; remove <smm state='off'/>"));
        qemu_command_blockdev_pair(c, "pflash0", os->loader, os->loader_readonly == DOMAIN_TRI_YES);
        g_string_append(machine, ",pflash0=libvirt-pflash0-format");
        if (os->nvram) {
                qemu_command_blockdev_pair(c, "pflash1", os->nvram, FALSE);
                g_string_append(machine, ",pflash1=libvirt-pflash1-format");
        }
        if (os->loader_secure == DOMAIN_TRI_YES) {
                qemu_cmd_add(c, "-global");
                qemu_cmd_add(c, "driver=cfi.pflash01,property=secure,value=on");
        }
        return 0;
}

/* libvirt's virDiskNameToIndex: "vda" 0, "vdz" 25, "vdaa" 26 */
static unsigned int qemu_command_disk_index(const char *dst)
{
        const char *p = dst + 2;
        unsigned int idx = 0;

        for (int i = 0; *p >= 'a' && *p <= 'z' && i < 4; p++, i++)
                idx = (idx + (i ? 1 : 0)) * 26 + (unsigned int)(*p - 'a');
        return idx;
}

typedef struct qemu_cache_flags {
        gboolean set, writeback, direct, no_flush;
} qemu_cache_flags;

static qemu_cache_flags qemu_command_cache(domain_disk_cache cache)
{
        switch (cache) {
        case DOMAIN_DISK_CACHE_WRITEBACK:
                return (qemu_cache_flags){TRUE, TRUE, FALSE, FALSE};
        case DOMAIN_DISK_CACHE_WRITETHROUGH:
                return (qemu_cache_flags){TRUE, FALSE, FALSE, FALSE};
        case DOMAIN_DISK_CACHE_NONE:
                return (qemu_cache_flags){TRUE, TRUE, TRUE, FALSE};
        case DOMAIN_DISK_CACHE_DIRECTSYNC:
                return (qemu_cache_flags){TRUE, FALSE, TRUE, FALSE};
        case DOMAIN_DISK_CACHE_UNSAFE:
                return (qemu_cache_flags){TRUE, TRUE, FALSE, TRUE};
        case DOMAIN_DISK_CACHE_NONE_SET:
        case DOMAIN_DISK_CACHE_DEFAULT:
                break;
        }
        return (qemu_cache_flags){FALSE, FALSE, FALSE, FALSE};
}

static void qemu_command_json_cache(GString *s, qemu_cache_flags cache)
{
        if (cache.set)
                g_string_append_printf(s, ",\"cache\":{\"direct\":%s,\"no-flush\":%s}",
                                       cache.direct ? "true" : "false",
                                       cache.no_flush ? "true" : "false");
}

/* One layer: the storage and format -blockdev of path; backing is the next
 * layer's format node, "" for none (JSON null), NULL when not known. */
static void qemu_command_layer(qemu_cmd *c, const domain_disk *disk, domain_disk_type type,
                               const char *path, domain_disk_format format, gboolean readonly,
                               unsigned int n, const char *backing)
{
        static const char *const aio[] = {[DOMAIN_DISK_IO_NATIVE] = "native",
                                          [DOMAIN_DISK_IO_THREADS] = "threads",
                                          [DOMAIN_DISK_IO_URING] = "io_uring"};
        qemu_cache_flags cache = qemu_command_cache(disk->cache);
        g_autoptr(GString) s = g_string_new("{");
        g_autoptr(GString) f = g_string_new("{");
        g_autofree char *storage = g_strdup_printf("libvirt-%u-storage", n);
        g_autofree char *node = g_strdup_printf("libvirt-%u-format", n);

        qemu_cmd_json_str(s, "driver", type == DOMAIN_DISK_BLOCK ? "host_device" : "file");
        qemu_cmd_json_str(s, "filename", path);
        qemu_cmd_json_str(s, "node-name", storage);
        if (disk->io != DOMAIN_DISK_IO_NONE)
                qemu_cmd_json_str(s, "aio", aio[disk->io]);
        g_string_append(s, ",\"auto-read-only\":true,\"discard\":\"unmap\"");
        qemu_command_json_cache(s, cache);
        g_string_append_c(s, '}');

        qemu_cmd_json_str(f, "node-name", node);
        g_string_append_printf(f, ",\"read-only\":%s", readonly ? "true" : "false");
        if (disk->discard != DOMAIN_DISK_DISCARD_NONE)
                qemu_cmd_json_str(f, "discard",
                                  disk->discard == DOMAIN_DISK_DISCARD_UNMAP ? "unmap" : "ignore");
        qemu_command_json_cache(f, cache);
        qemu_cmd_json_str(f, "driver", format == DOMAIN_DISK_FORMAT_QCOW2 ? "qcow2" : "raw");
        qemu_cmd_json_str(f, "file", storage);
        /* only qcow2 has a backing; raw refuses the key */
        if (backing && *backing && format == DOMAIN_DISK_FORMAT_QCOW2)
                qemu_cmd_json_str(f, "backing", backing);
        else if (backing && format == DOMAIN_DISK_FORMAT_QCOW2)
                g_string_append(f, ",\"backing\":null");
        g_string_append_c(f, '}');
        qemu_cmd_add(c, "-blockdev");
        qemu_cmd_add(c, s->str);
        qemu_cmd_add(c, "-blockdev");
        qemu_cmd_add(c, f->str);
}

/* Emits the chain bottom-up, so every "backing" names a node that exists;
 * returns the top format node number. */
static int qemu_command_chain(qemu_cmd *c, const domain_disk *disk, unsigned int *ret_top)
{
        const domain_backing *layers[DOMAIN_MAX_BACKING_DEPTH + 1];
        size_t n = 0;
        g_autofree char *below = NULL; /* NULL: chain not written; "": ends */

        for (const domain_backing *b = disk->backing; b && n < G_N_ELEMENTS(layers); b = b->next)
                layers[n++] = b;
        if (n && layers[n - 1]->empty) {
                below = g_strdup("");
                n--;
        }
        for (size_t i = n; i-- > 0;) {
                const domain_backing *b = layers[i];
                unsigned int id = ++c->node;

                if (!b->path)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("disk '%s': a <backingStore> layer has no source"),
                                               disk->dst);
                qemu_command_layer(c, disk, b->type, b->path, b->format, TRUE, id, below);
                g_free(below);
                below = g_strdup_printf("libvirt-%u-format", id);
        }
        *ret_top = ++c->node;
        qemu_command_layer(c, disk, disk->type, disk->path, disk->format,
                           disk->readonly || disk->device == DOMAIN_DISK_DEVICE_CDROM, *ret_top,
                           below);
        return 0;
}

static int qemu_command_disk_bus(qemu_cmd *c, const domain_disk *disk, GString *dev)
{
        gboolean cdrom = disk->device == DOMAIN_DISK_DEVICE_CDROM;
        unsigned int idx = qemu_command_disk_index(disk->dst);

        switch (disk->bus) {
        case DOMAIN_DISK_BUS_VIRTIO:
                g_string_append(dev, "virtio-blk-pci");
                return (int)idx;
        case DOMAIN_DISK_BUS_IDE:
                if (c->q35)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("disk '%s': machine q35 has no IDE bus (use "
                                                 "bus='sata')"),
                                               disk->dst);
                if (idx > 3)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("disk '%s': IDE has room for hda to hdd only"),
                                               disk->dst);
                g_string_append_printf(dev, "%s,bus=ide.%u,unit=%u", cdrom ? "ide-cd" : "ide-hd",
                                       idx / 2, idx % 2);
                return (int)idx;
        case DOMAIN_DISK_BUS_SATA:
                if (idx >= QEMU_SATA_PORTS)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("disk '%s': the SATA controller has %d ports (sda "
                                                 "to sdf)"),
                                               disk->dst, QEMU_SATA_PORTS);
                if (!c->q35 && !c->sata_added) {
                        qemu_cmd_add(c, "-device");
                        qemu_cmd_add(c, "ich9-ahci,id=sata0");
                        c->sata_added = TRUE;
                }
                g_string_append_printf(dev, "%s,bus=%s.%u", cdrom ? "ide-cd" : "ide-hd",
                                       c->q35 ? "ide" : "sata0", idx);
                return (int)idx;
        case DOMAIN_DISK_BUS_SCSI:
                if (!c->scsi && qemu_command_scsi_controller(c, NULL) < 0)
                        return -1;
                g_string_append_printf(dev,
                                       "%s,bus=scsi0.0,channel=0,scsi-id=0,lun=%u,"
                                       "device_id=drive-scsi0-0-0-%u",
                                       cdrom ? "scsi-cd" : "scsi-hd", idx, idx);
                return (int)idx;
        case DOMAIN_DISK_BUS_NONE:
        case DOMAIN_DISK_BUS_USB:
        case DOMAIN_DISK_BUS_FDC:
                break;
        }
        return qemu_cmd_refuse(
                c, VCTL_ERR_CONFIG_UNSUPPORTED,
                _("disk '%s': bus '%s' is not supported yet (use 'virtio', 'sata' or "
                  "'scsi')"),
                disk->dst, domain_enum_name(domain_disk_bus_names, disk->bus));
}

static void qemu_command_disk_alias(const domain_disk *disk, unsigned int idx, GString *dev)
{
        switch (disk->bus) {
        case DOMAIN_DISK_BUS_VIRTIO:
                g_string_append_printf(dev, ",id=virtio-disk%u", idx);
                break;
        case DOMAIN_DISK_BUS_SATA:
                g_string_append_printf(dev, ",id=sata0-0-%u", idx);
                break;
        case DOMAIN_DISK_BUS_SCSI:
                g_string_append_printf(dev, ",id=scsi0-0-0-%u", idx);
                break;
        default:
                g_string_append_printf(dev, ",id=ide0-%u-%u", idx / 2, idx % 2);
                break;
        }
}

static int qemu_command_disk(qemu_cmd *c, const domain_disk *disk)
{
        g_autoptr(GString) dev = g_string_new(NULL);
        unsigned int idx, top = 0;
        gboolean media = disk->path != NULL;
        int r;

        if (disk->device == DOMAIN_DISK_DEVICE_FLOPPY || disk->device == DOMAIN_DISK_DEVICE_LUN)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("disk '%s': device '%s' is not supported yet"), disk->dst,
                                       domain_enum_name(domain_disk_device_names, disk->device));
        if (disk->type == DOMAIN_DISK_VOLUME && !disk->path)
                return qemu_cmd_refuse(
                        c, VCTL_ERR_OPERATION_INVALID,
                        _("disk '%s': disk source pool/volume must be resolved by "
                          "the storage driver before start (pool '%s', volume '%s')"),
                        disk->dst, disk->pool ? disk->pool : "", disk->volume ? disk->volume : "");
        if (!media && disk->device != DOMAIN_DISK_DEVICE_CDROM)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("disk '%s' has no source (only a cdrom may be empty)"),
                                       disk->dst);
        if (disk->io == DOMAIN_DISK_IO_NATIVE && !qemu_command_cache(disk->cache).direct)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("disk '%s': io='native' needs cache='none' or "
                                         "cache='directsync'"),
                                       disk->dst);
        if (media && qemu_command_chain(c, disk, &top) < 0)
                return -1;
        if ((r = qemu_command_disk_bus(c, disk, dev)) < 0)
                return -1;
        idx = (unsigned int)r;
        if (media)
                g_string_append_printf(dev, ",drive=libvirt-%u-format", top);
        qemu_command_disk_alias(disk, idx, dev);
        if (disk->boot_order)
                g_string_append_printf(dev, ",bootindex=%u", disk->boot_order);
        if (qemu_command_cache(disk->cache).set)
                g_string_append_printf(dev, ",write-cache=%s",
                                       qemu_command_cache(disk->cache).writeback ? "on" : "off");
        if (disk->shareable)
                g_string_append(dev, ",share-rw=on");
        if (disk->serial) {
                g_autofree char *serial = qemu_cmd_kv(disk->serial);

                g_string_append_printf(dev, ",serial=%s", serial);
        }
        qemu_cmd_add(c, "-device");
        qemu_cmd_add(c, dev->str);
        return 0;
}

int qemu_command_disks(qemu_cmd *c)
{
        const GPtrArray *disks = c->def->devices.disks;

        for (guint i = 0; i < disks->len; i++) {
                if (qemu_command_disk(c, g_ptr_array_index(disks, i)) < 0)
                        return -1;
        }
        return 0;
}
